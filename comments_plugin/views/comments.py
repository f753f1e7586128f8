from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST, require_safe

from comments_plugin import avatars, operations, threads
from comments_plugin.conf import conf
from comments_plugin.exceptions import CommentRejected
from comments_plugin.forms import BadTarget, CommentForm, TokenExpired, make_token, read_token
from comments_plugin.models import Comment, Status
from comments_plugin.spam import Submission
from comments_plugin.templatetags.comments_plugin import (
    AUTHOR_COOKIE,
    AUTHOR_SALT,
    REPLY_PARAM,
    form_context,
    template_names,
)

# The reply and page choice of the page the form was on; the redirect picks its own page.
DROP_PARAMS = {REPLY_PARAM, threads.PAGE_PARAM}
AVATAR_KEY_RE = re.compile(rf"^[0-9a-f]{{{avatars.KEY_LENGTH}}}$")


def error_response(
    request: HttpRequest, message: str, *, status: int = 400, back_url: str = ""
) -> HttpResponse:
    titles = {
        400: _("Your comment could not be posted"),
        403: _("Your comment could not be posted"),
        413: _("Your comment is too long"),
        429: _("Please slow down"),
    }
    response = render(
        request,
        "comments_plugin/error.html",
        {
            "title": titles.get(status, _("Your comment could not be posted")),
            "message": message,
            "back_url": back_url,
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "60"
    return response


def safe_next(request: HttpRequest, value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).strip()
    if url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def object_url(target: Any) -> str:
    getter = getattr(target, "get_absolute_url", None)
    try:
        return str(getter()) if callable(getter) else ""
    except Exception:  # a target whose URL cannot be built still accepts comments
        return ""


def redirect_url(base: str, comment: Comment | None) -> str:
    """``base`` on the list page showing ``comment``, anchored to it.

    A discarded comment (``None``) goes to the list like any other, so a bot cannot tell.
    """
    parts = urlsplit(base)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in DROP_PARAMS
    ]
    if comment is None:
        fragment = "comments"
    else:
        fragment = f"comment-{comment.pk}"
        page = threads.page_of(comment)
        if page > 1:
            query.append((threads.PAGE_PARAM, str(page)))
    return urlunsplit(parts._replace(query=urlencode(query), fragment=fragment))


def render_form_page(
    request: HttpRequest, target: Any, form: CommentForm, *, status: int, preview: bool = False
) -> HttpResponse:
    ctx = form_context(target, request, form)
    ctx.update(
        {
            "form_template": select_template(template_names(target, "form.html")).template.name,
            "preview_body": form.cleaned_data.get("body") if preview and form.is_valid() else "",
            "back_url": object_url(target),
            "next": request.POST.get("next", ""),
        }
    )
    return render(request, template_names(target, "preview.html"), ctx, status=status)


@csrf_protect
@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    """Receive the comment form: validate, run the pipeline, redirect (Post/Redirect/Get)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > conf.MAX_REQUEST_SIZE:
        return error_response(request, _("The comment is too large to be sent."), status=413)
    try:
        data = request.POST
    except RequestDataTooBig:
        return error_response(request, _("The comment is too large to be sent."), status=413)
    except (LookupError, UnicodeError):
        # A multipart body declaring a charset that is a codec but no text encoding
        # ("rot13", "hex", "idna"): Django's parser raises instead of refusing it.
        return error_response(request, _("The form could not be read."))

    user = (
        request.user
        if getattr(request, "user", None) is not None and request.user.is_authenticated
        else None
    )
    token = data.get("token", "")
    try:
        target, issued = read_token(token)
    except TokenExpired as exc:
        # A tab left open too long: the form again, with the visitor's text and a new token.
        renewed = data.copy()
        renewed["token"] = make_token(exc.target)
        form = CommentForm(
            exc.target, data=renewed, user=user, pending_ids=threads.pending_ids(request)
        )
        form.is_valid()
        form.add_error(None, str(exc))
        return render_form_page(request, exc.target, form, status=400)
    except BadTarget as exc:
        return error_response(request, str(exc))

    form = CommentForm(
        target,
        data=data,
        user=user,
        pending_ids=threads.pending_ids(request),
        verified_token=(token, issued),
    )
    if not form.is_valid():
        return render_form_page(request, target, form, status=400)
    if "preview" in data and conf.ALLOW_PREVIEW:
        return render_form_page(request, target, form, status=200, preview=True)

    cleaned = form.cleaned_data
    comment = operations.build_comment(
        target=target,
        body=cleaned["body"],
        author_name=cleaned.get("name", ""),
        author_email=cleaned.get("email", ""),
        author_url=cleaned.get("url", ""),
        parent=form.parent_comment,
        user=user,
        request=request,
    )
    submission = Submission(
        request=request, target=target, form_data=data.dict(), token_issued_at=form.token_issued_at
    )
    try:
        result = operations.post_comment(comment, request=request, submission=submission)
    except CommentRejected as exc:
        if exc.status == 400:
            form.add_error(None, exc.message)
            return render_form_page(request, target, form, status=400)
        return error_response(request, exc.message, status=exc.status, back_url=object_url(target))

    stored = result.comment
    base = safe_next(request, data.get("next")) or object_url(target)
    if base:
        response: HttpResponse = HttpResponseRedirect(redirect_url(base, stored))
    else:
        held = "" if result.is_public else "?held=1"
        response = HttpResponseRedirect(reverse("comments_plugin:posted") + held)

    if stored is None or stored.status != Status.APPROVED:
        # A discarded comment gets a held comment's cookie too, so that a bot cannot tell the
        # two apart by it (0 is no comment's id; the fragment still differs, see redirect_url).
        threads.remember_pending(request, response, 0 if stored is None else stored.pk)
    if user is None:
        if cleaned.get("remember"):
            value = signing.dumps(
                {
                    "name": cleaned.get("name", ""),
                    "email": cleaned.get("email", ""),
                    "url": cleaned.get("url", ""),
                },
                salt=AUTHOR_SALT,
            )
            # It holds the e-mail address: an HTTPS site never gets it back over plain HTTP.
            response.set_cookie(
                AUTHOR_COOKIE,
                value,
                max_age=conf.COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        elif AUTHOR_COOKIE in request.COOKIES:
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
    # A discarded comment (honeypot) gets the same redirect as a held one: spammers learn nothing.
    return response


@require_safe
def posted(request: HttpRequest) -> HttpResponse:
    return render(request, "comments_plugin/posted.html", {"held": bool(request.GET.get("held"))})


@require_safe
def permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """Redirect to the comment on its object's page (on the right list page)."""
    comment = get_object_or_404(Comment.objects.select_related("content_type"), pk=pk)
    if comment.status != Status.APPROVED and comment.pk not in threads.pending_ids(request):
        raise Http404(_("No comment found."))
    target = comment.content_object
    url = object_url(target) if target is not None else ""
    if not url:
        raise Http404(_("This comment's page has no address."))
    page = threads.page_of(comment)
    query = f"?{threads.PAGE_PARAM}={page}" if page > 1 else ""
    return HttpResponseRedirect(f"{url.split('#', 1)[0]}{query}#comment-{comment.pk}")


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24 * 30, immutable=True)
def avatar(request: HttpRequest, key: str) -> HttpResponse:
    """An identicon for an avatar key (a keyed hash; the address cannot be recovered from it)."""
    if not AVATAR_KEY_RE.match(key):
        raise Http404(_("No such avatar."))
    response = HttpResponse(avatars.identicon_svg(key), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
