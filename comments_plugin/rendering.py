"""The public comment list as HTML, built in Python in one pass.

A Django template costs a few microseconds per variable and tag; a comment in the list
needs about thirty of them, so a thread of a thousand comments spent most of its time in
the template engine. :func:`render_comments` writes the same markup with plain string
formatting, computing what is shared (translated labels, URL prefixes, avatar URLs per
author, the date format) once per list instead of once per comment.

The ``list.html`` template still wraps the result and still receives every
:class:`~comments_plugin.threads.Node`, so a site that wants its own per-comment markup
overrides ``list.html`` and loops over ``nodes`` itself (slower, but entirely its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from comments_plugin import avatars, markup

if TYPE_CHECKING:
    from comments_plugin.threads import Node

# A placeholder primary key that no real URL pattern produces by accident, replaced per comment.
_PK = 987654321987


def _url_parts(name: str) -> tuple[str, str]:
    url = reverse(name, args=[_PK])
    head, _, tail = url.partition(str(_PK))
    return escape(head), escape(tail)


def render_comments(
    nodes: Sequence[Node],
    *,
    can_reply: bool,
    max_depth: int,
    avatar_size: int,
    reply_prefix: str,
) -> SafeString:
    """The ``<li>`` items of ``nodes`` (a flattened tree), nested with ``<ol class="children">``.

    ``reply_prefix`` is the query string the "Reply" link starts with (``"?reply_to="``,
    or with the list page in front of it); it is escaped here.
    """
    use_tz = timezone.get_current_timezone() if _aware(nodes) else None
    date_format = get_format("DATETIME_FORMAT")
    awaiting = escape(gettext("Your comment is awaiting moderation."))
    reply_label = escape(gettext("Reply"))
    report_label = escape(gettext("Report"))
    reply_to = gettext("Reply to %(name)s")
    reply_prefix = escape(reply_prefix)
    flag_head, flag_tail = _url_parts("comments_plugin:flag")
    size = str(avatar_size)
    avatar_for: dict[str, str] = {}
    out: list[str] = []
    append = out.append
    for node in nodes:
        c = node.comment
        pk = str(c.pk)
        pending = node.is_pending
        name = escape(c.author_name)
        identity = avatars.comment_identity(c)
        avatar = avatar_for.get(identity)
        if avatar is None:
            avatar = avatar_for[identity] = escape(avatars.avatar_url(c, avatar_size))
        when = c.submitted_at
        if use_tz is not None and timezone.is_aware(when):
            when = timezone.localtime(when, use_tz)
        if c.author_url:
            author = (
                f'<a href="{escape(c.author_url)}" rel="nofollow ugc noopener" class="url">'
                f"{name}</a>"
            )
        else:
            author = name
        append(
            f'<li id="comment-{pk}" class="comment depth-{node.depth + 1}'
            f'{" comment-awaiting-moderation" if pending else ""}">\n'
            '<article class="comment-body">\n<footer class="comment-meta">\n'
            f'<img class="avatar" src="{avatar}" alt="" width="{size}" height="{size}" '
            'loading="lazy">\n'
            f'<b class="comment-author">{author}</b>\n'
            f'<a class="comment-permalink" href="#comment-{pk}"><time datetime="'
            f'{when.isoformat()}">{escape(format_date(when, date_format))}</time></a>\n'
        )
        if pending:
            append(f'<em class="comment-awaiting-moderation">{awaiting}</em>\n')
        append(f'</footer>\n<div class="comment-content">{markup.render_body(c.body)}</div>\n')
        if can_reply and not pending and node.depth + 1 <= max_depth:
            # Like {% blocktranslate %}: the name is escaped, the translation is not.
            label = reply_to % {"name": name}
            append(
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
                f'href="{reply_prefix}{pk}#respond" data-comment-id="{pk}" '
                f'aria-label="{label}">{reply_label}</a></div>\n'
            )
        if not pending:
            append(
                f'<div class="report"><a rel="nofollow" class="comment-report-link" '
                f'href="{flag_head}{pk}{flag_tail}">{report_label}</a></div>\n'
            )
        append("</article>\n")
        append('<ol class="children">' if node.has_children else "</li>")
        append("</ol></li>" * len(node.closes))
        append("\n")
    return mark_safe("".join(out))  # every value above went through escape()


def _aware(nodes: Sequence[Node]) -> bool:
    return bool(nodes) and timezone.is_aware(nodes[0].comment.submitted_at)
