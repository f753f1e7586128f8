"""Readers reporting comments: a confirmation page (GET) and the report itself (POST)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from comments_plugin import operations
from comments_plugin.conf import conf
from comments_plugin.models import Comment, Status
from comments_plugin.templatetags.comments_plugin import template_names
from comments_plugin.views.comments import error_response, object_url, safe_next

RATE_WINDOW = 60 * 60
logger = logging.getLogger("comments_plugin")


def over_rate_limit(request: HttpRequest) -> bool:
    """Count one anonymous report from this address; ``True`` once it sent too many.

    Counted per :func:`~comments_plugin.operations.reporter_network` (an IPv6 /64; requests
    without an address share one allowance), not per address, which IPv6 makes free.
    """
    limit = conf.FLAG_RATE_LIMIT
    if not limit:
        return False
    network = operations.reporter_network(operations.client_ip(request))
    key = f"comments_plugin:flag-rate:{network}"
    try:
        # add() starts the window; incr() counts atomically on caches that support it.
        if cache.add(key, 1, RATE_WINDOW):
            return False
        try:
            return cache.incr(key) > limit
        except ValueError:  # the key expired between add() and incr()
            cache.add(key, 1, RATE_WINDOW)
            return False
    except Exception:
        # The cache is down: a report is worth more than the limit, so let it through.
        logger.warning("Cache unavailable; report rate limit not applied.", exc_info=True)
        return False


@csrf_protect
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader reports a published comment as abusive or spam."""
    comment = get_object_or_404(
        Comment.objects.select_related("content_type"), pk=pk, status=Status.APPROVED
    )
    target = comment.content_object
    back_url = safe_next(request, request.POST.get("next") or request.GET.get("next")) or (
        object_url(target) if target is not None else ""
    )
    user = request.user if request.user.is_authenticated else None
    if user is None and not conf.ALLOW_ANONYMOUS_FLAGS:
        return error_response(
            request, _("Log in to report a comment."), status=403, back_url=back_url
        )
    names = (
        template_names(target, "flag.html") if target is not None else "comments_plugin/flag.html"
    )
    context = {"comment": comment, "object": target, "back_url": back_url, "done": False}
    if request.method == "GET":
        return render(request, names, context)
    if user is None and over_rate_limit(request):
        return error_response(
            request,
            _("You sent too many reports. Please try again later."),
            status=429,
            back_url=back_url,
        )
    operations.flag(
        comment, user=user, request=request, reason=request.POST.get("reason", "")[:500]
    )
    # Same answer for a repeated report: a reader learns nothing by reporting twice.
    return render(request, names, {**context, "done": True})
