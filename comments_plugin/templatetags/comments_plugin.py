"""Template tags: ``{% load comments_plugin %}``.

Named like django-contrib-comments' tags so its users feel at home:
``get_comment_count``, ``get_comment_list``, ``render_comment_list``,
``get_comment_form``, ``render_comment_form``, ``comment_form_target`` and
``get_comment_permalink``; plus ``comment_avatar_url``, ``comment_feed_url`` and the
``comment_body`` filter.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.template import TemplateDoesNotExist, engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from comments_plugin import avatars, markup, rendering, threads
from comments_plugin.conf import conf
from comments_plugin.forms import CommentForm
from comments_plugin.models import Comment, Status
from comments_plugin.moderation import moderator

register = template.Library()

AUTHOR_COOKIE = "comments_plugin_author"
AUTHOR_SALT = "comments_plugin.author"


def template_names(target: models.Model | type[models.Model], name: str) -> list[str]:
    """Most specific first: ``<app>/<model>/name``, ``<app>/name``, ``name``."""
    opts = target._meta
    return [
        f"comments_plugin/{opts.app_label}/{opts.model_name}/{name}",
        f"comments_plugin/{opts.app_label}/{name}",
        f"comments_plugin/{name}",
    ]


def select_template(names: list[str]) -> Any:
    """The first of ``names`` that exists, as ``django.template.loader.select_template()``.

    Without leaving the calling frames in memory: Django's ``select_template()`` keeps each
    ``TemplateDoesNotExist`` it catches, and its Django-templates backend re-raises them
    through a helper function. Both make reference cycles through the tracebacks, which hold
    every frame up the stack with its local variables until Python's cycle collector next
    runs; up the stack from these tags is the view, holding the page it renders (megabytes
    for a long list), kept after the response has gone. A Django template engine's own
    ``get_template()`` raises without such cycles.
    """
    tried: list[Any] = []
    for name in names:
        for backend in engines.all():
            try:
                if isinstance(backend, DjangoTemplates):
                    return DjangoTemplate(backend.engine.get_template(name), backend)
                return backend.get_template(name)
            except TemplateDoesNotExist as exc:
                tried.extend(exc.tried)
    raise TemplateDoesNotExist(", ".join(names), tried=tried)


def remembered_author(request: Any) -> dict[str, str]:
    if request is None:
        return {}
    raw = request.COOKIES.get(AUTHOR_COOKIE)
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=AUTHOR_SALT, max_age=conf.COOKIE_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(data.get(k) or "") for k in ("name", "email", "url")} | {"remember": "on"}


REPLY_PARAM = "reply_to"


def _query_without(request: Any, *names: str) -> str:
    """The current path and query string, minus the parameters in ``names``."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


def reply_parent(target: models.Model, request: Any, max_depth: int) -> Comment | None:
    """The comment named by ``?reply_to=<id>`` when it can be replied to on this page.

    The "Reply" links work without JavaScript this way; a stale or foreign id just gives
    the plain form (the posting view checks the parent again anyway).
    """
    raw = request.GET.get(REPLY_PARAM, "") if request is not None else ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return (
        Comment.objects.filter(
            threads.target_filter(target), pk=int(raw), status=Status.APPROVED, depth__lt=max_depth
        )
        .only("pk", "author_name", "depth")
        .first()
    )


def context_request(context: template.Context) -> Any:
    """The request being rendered: the ``request`` variable, else a ``RequestContext``'s own.

    A project without the ``request`` context processor still renders with a
    ``RequestContext``; the form needs its request for the CSRF token and the user.
    """
    return context.get("request") or getattr(context, "request", None)


def form_context(
    target: models.Model, request: Any, form: CommentForm | None = None
) -> dict[str, Any]:
    user = getattr(request, "user", None)
    policy = moderator.policy_for(target)
    max_depth = policy.get_max_depth(target)
    parent = None
    if form is None:
        initial: dict[str, Any] = (
            {} if user is not None and user.is_authenticated else remembered_author(request)
        )
        parent = reply_parent(target, request, max_depth)
        if parent is not None:
            initial["parent"] = parent.pk
        form = CommentForm(target, user=user, initial=initial)
    has_request = request is not None and hasattr(request, "GET")
    return {
        "object": target,
        "form": form,
        "reply_to": parent,
        "comments_open": policy.comments_open(target),
        "login_required": policy.login_required(target)
        and not (user is not None and user.is_authenticated),
        "user": user,
        "request": request,
        "allow_preview": conf.ALLOW_PREVIEW,
        "max_depth": max_depth,
        # Back to this page after posting, without the reply or page choice: the posting
        # view adds the page the new comment is on.
        "next": _query_without(request, REPLY_PARAM, threads.PAGE_PARAM) if has_request else "",
        "cancel_reply_url": (_query_without(request, REPLY_PARAM) if has_request else "")
        + "#respond",
    }


class TargetNode(template.Node):
    """Parses ``{% tag for <obj> [as <var>] %}``."""

    needs_var = False

    def __init__(self, target: template.base.FilterExpression, as_var: str | None) -> None:
        self.target = target
        self.as_var = as_var

    @classmethod
    def parse(cls, parser: template.base.Parser, token: template.base.Token) -> TargetNode:
        bits = token.split_contents()
        tag = bits[0]
        if cls.needs_var:
            if len(bits) != 5 or bits[1] != "for" or bits[3] != "as":
                raise template.TemplateSyntaxError(
                    f"Usage: {{% {tag} for <object> as <variable> %}}"
                )
            return cls(parser.compile_filter(bits[2]), bits[4])
        if len(bits) != 3 or bits[1] != "for":
            raise template.TemplateSyntaxError(f"Usage: {{% {tag} for <object> %}}")
        return cls(parser.compile_filter(bits[2]), None)

    def render(self, context: template.Context) -> str:
        target = self.target.resolve(context)
        if target is None or not isinstance(target, models.Model):
            value: Any = "" if self.as_var is None else None
        else:
            value = self.value(target, context)
        if self.as_var is not None:
            context[self.as_var] = value
            return ""
        return str(value)

    def value(self, target: models.Model, context: template.Context) -> Any:
        raise NotImplementedError


class CommentCountNode(TargetNode):
    needs_var = True

    def value(self, target: models.Model, context: template.Context) -> int:
        return threads.approved_count(target, context_request(context))


class CommentListNode(TargetNode):
    needs_var = True

    def value(self, target: models.Model, context: template.Context) -> list[Comment]:
        return list(
            Comment.objects.filter(threads.target_filter(target), status=Status.APPROVED)
            .only(*threads.LIST_FIELDS)
            .order_by("submitted_at", "pk")
        )


def list_placeholder() -> SafeString:
    """What stands in for the comments in a rendered ``list.html`` until they are joined in.

    New for every render: text of the page printed unescaped (a title with ``|safe``) cannot
    know it, so it cannot move the list or make it appear twice.
    """
    return mark_safe(f"<!--comments_plugin:comments:{secrets.token_hex(8)}-->")


class RenderCommentListNode(TargetNode):
    # value() returns a plain ``str``: a node's output goes into the page as it is (only
    # variables are escaped), and a SafeString of a long list would be one more copy of it.
    #
    # No local variable below holds the list or the comments when its function returns:
    # should anything keep these frames (a traceback in a reference cycle keeps every
    # calling frame with the locals it ends with, until Python's cycle collector next
    # runs; see select_template()), a long thread would stay in memory with them.

    def render(self, context: template.Context) -> str:
        target = self.target.resolve(context)
        if not isinstance(target, models.Model):
            return ""
        return self.value(target, context)

    def value(self, target: models.Model, context: template.Context) -> str:
        request = context_request(context)
        page = request.GET.get(threads.PAGE_PARAM, "1") if request is not None else "1"
        if conf.PAGE_SIZE <= 0:
            # One page, whatever the query string asks: ?cpage=1..9999 must not be ten
            # thousand cached copies of the whole list.
            page = "1"
        policy = moderator.policy_for(target)
        max_depth = policy.get_max_depth(target)
        can_reply = policy.comments_open(target)
        key = None
        # A visitor who sees their own held comments gets a list of their own; odd page
        # values are not cached so that they cannot fill the cache.
        if str(page).isdigit() and len(str(page)) < 5 and not threads.pending_ids(request):
            ct = ContentType.objects.get_for_model(target.__class__)
            key = rendering.cached_list_key(
                ct.pk,
                target.pk,
                str(target),
                str(page),
                can_reply,
                max_depth,
                translation.get_language(),
                timezone.get_current_timezone_name(),
                repr(conf.user_settings),
            )
            if key is not None:
                cached = rendering.unpack_list(cache.get(key))
                if cached is not None:
                    return cached  # stored below, rendered
        return self.render_list(target, request, page, max_depth, can_reply, key)

    @staticmethod
    def store(key: str | None, html: str | bytearray) -> str:
        """``html`` (or the UTF-8 :func:`join_list` wrote) as text, stored under ``key``."""
        utf8 = None
        if not isinstance(html, str):
            utf8, html = html, rendering.decode(html)
        if key is not None:
            cache.set(key, rendering.pack_list(html, utf8), conf.LIST_CACHE_TIMEOUT)
        return html

    def render_list(
        self,
        target: models.Model,
        request: Any,
        page: Any,
        max_depth: int,
        can_reply: bool,
        key: str | None = None,
    ) -> str:
        """The list's HTML, stored under ``key`` when it shows the page asked for."""
        avatar_size = conf.AVATAR_SIZE
        placeholder = list_placeholder()
        # The template and what the comments share (labels, URL prefixes, the date format)
        # before the comments: objects made once and kept (a compiled template, the URL
        # resolver's tables) would otherwise sit among the comments in Python's memory
        # arenas and keep them allocated after the comments are gone.
        tmpl = select_template(template_names(target, "list.html"))
        writer = rendering.CommentWriter(
            can_reply=can_reply, max_depth=max_depth, avatar_size=avatar_size
        )
        thread_page = threads.load_page(target, request=request, page=page, max_depth=max_depth)
        page_query = f"{threads.PAGE_PARAM}={thread_page.page}&" if thread_page.page > 1 else ""
        # A list that is cached (``key``) is shown to every visitor: it is rendered without
        # the request, so no context processor puts this visitor's user, messages or CSRF
        # token into it (a list.html that needs them cannot be cached; see the settings docs).
        shown_to = None if key is not None else request
        html = tmpl.render(
            {
                "object": target,
                "page": thread_page,
                "nodes": thread_page.nodes,
                # The markup of every comment (see rendering.py) goes where this placeholder
                # is, written straight into the page once the template is done (join_list()):
                # going through the template as a string would copy ten megabytes of a long
                # thread twice more. A template that loops over ``nodes`` itself leaves it out
                # and pays for none of it.
                "comments_html": placeholder,
                "count": thread_page.count,
                "page_param": threads.PAGE_PARAM,
                "can_reply": can_reply,
                "max_depth": max_depth,
                "avatar_size": avatar_size,
                "reply_param": REPLY_PARAM,
                "request": shown_to,
            },
            shown_to,
        )
        if str(thread_page.page) != page:
            # ?cpage=9999 shows the last page: not a cached copy of its own, or every number
            # up to 9999 could be one.
            key = None
        nodes = thread_page.nodes
        del thread_page  # see the note at the top of the class
        if placeholder not in html:
            return self.store(key, html)
        reply_prefix = f"?{page_query}{REPLY_PARAM}="
        # Joined, decoded and stored in one expression: a local variable holding the list
        # would stay in memory with this frame (see the note at the top of the class).
        return self.store(key, join_list(html, placeholder, writer, nodes, reply_prefix))


def join_list(
    html: str,
    placeholder: str,
    writer: rendering.CommentWriter,
    nodes: list[threads.Node],
    reply_prefix: str,
) -> bytearray:
    """``html`` (a rendered ``list.html``) with the comments where its placeholder is, as UTF-8.

    Empties ``nodes`` (the list the template saw too), so that the comments are freed as
    soon as their markup is written, before the page is decoded.
    """
    head, _found, tail = html.partition(placeholder)
    out = bytearray(rendering.encode(head))
    if placeholder in tail:
        # Shown twice: the whole list wherever the template put it.
        comments = bytearray()
        writer.write(comments, nodes, reply_prefix=reply_prefix)
        nodes.clear()
        for part in tail.split(placeholder):
            out += comments
            out += rendering.encode(part)
        return out
    writer.write(out, nodes, reply_prefix=reply_prefix)
    nodes.clear()
    out += rendering.encode(tail)
    return out


class CommentFormNode(TargetNode):
    needs_var = True

    def value(self, target: models.Model, context: template.Context) -> CommentForm:
        user = getattr(context_request(context), "user", None)
        return CommentForm(target, user=user)


class RenderCommentFormNode(TargetNode):
    def value(self, target: models.Model, context: template.Context) -> SafeString:
        request = context_request(context)
        ctx = form_context(target, request)
        name = "form.html" if ctx["comments_open"] else "closed.html"
        return select_template(template_names(target, name)).render(ctx, request)


register.tag("get_comment_count", CommentCountNode.parse)
register.tag("get_comment_list", CommentListNode.parse)
register.tag("render_comment_list", RenderCommentListNode.parse)
register.tag("get_comment_form", CommentFormNode.parse)
register.tag("render_comment_form", RenderCommentFormNode.parse)


@register.simple_tag
def comment_form_target() -> str:
    """The URL the comment form posts to."""
    return reverse("comments_plugin:post")


@register.simple_tag
def get_comment_permalink(comment: Comment, anchor_pattern: str | None = None) -> str:
    """A link to ``comment`` on its object's page (``/article/#comment-12``)."""
    if anchor_pattern:
        return comment.get_absolute_url() + anchor_pattern.replace(
            "%(id)s", str(comment.pk)
        ).replace("{id}", str(comment.pk))
    return comment.get_absolute_url()


@register.simple_tag
def comment_avatar_url(comment: Comment, size: int | None = None) -> str:
    return avatars.avatar_url(comment, size)


@register.filter(is_safe=True)
def comment_body(text: str) -> SafeString:
    """Escape a comment body, keep paragraphs and line breaks, link http(s) URLs."""
    return markup.render_body(str(text))


@register.filter(needs_autoescape=True)
def latin1_entities(text: Any, autoescape: bool = True) -> SafeString:
    """Characters beyond Latin-1 as numeric character references (``“`` → ``&#8220;``).

    For the list's own text, such as the curly quotes of its heading: one such character
    makes Python store the whole page with two bytes per character instead of one, which
    for a long thread is megabytes. Comments themselves are left as they are.

    The references are markup, so the result is safe; text that is not already safe is
    escaped first (with autoescaping on), or ``&#8220;`` would be shown as it is written.
    """
    if autoescape and not isinstance(text, SafeData):
        text = conditional_escape(text)
    return mark_safe(rendering.latin1_entities(str(text)))


@register.simple_tag
def comment_feed_url(target: models.Model) -> str:
    """The RSS feed of the approved comments on ``target``."""
    ct = ContentType.objects.get_for_model(target.__class__)
    return reverse("comments_plugin:object-feed", args=[ct.pk, str(target.pk)])
