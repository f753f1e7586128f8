"""Writing comments out: JSON Lines (lossless, read back by ``comments_import jsonl``) and
WordPress WXR (read back by ``comments_import wordpress`` and by WordPress itself).

Both stream: comments are read with ``QuerySet.iterator()`` and written one at a time.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import IO, Any
from xml.sax.saxutils import escape

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F

from comments_plugin.models import Comment, Status

#: Status → ``wp:comment_approved``.
WP_APPROVED: dict[str, str] = {
    Status.APPROVED: "1",
    Status.PENDING: "0",
    Status.SPAM: "spam",
    Status.TRASH: "trash",
}
WXR_NAMESPACE = "http://wordpress.org/export/1.2/"
# Characters XML 1.0 cannot carry at all, even escaped.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def comment_key(import_source: str, import_id: str, pk: Any) -> str:
    """The identity a comment keeps across sites: where it was first imported from, or
    ``jsonl:<pk>`` for a comment written on this site."""
    return f"{import_source}:{import_id}" if import_source else f"jsonl:{pk}"


def export_queryset(queryset: models.QuerySet[Comment] | None = None) -> models.QuerySet[Comment]:
    queryset = Comment.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("user")
        .annotate(parent_source=F("parent__import_source"), parent_import_id=F("parent__import_id"))
        .order_by("pk")
    )


def comment_record(comment: Any, content_types: dict[int, ContentType]) -> dict[str, Any]:
    """One JSON Lines record. ``parent`` is the parent's ``key``; dates are ISO 8601 with offset."""
    content_type = content_types.get(comment.content_type_id)
    if content_type is None:
        content_type = content_types[comment.content_type_id] = ContentType.objects.get_for_id(
            comment.content_type_id
        )
    parent = None
    if comment.parent_id is not None:
        parent = comment_key(comment.parent_source, comment.parent_import_id, comment.parent_id)
    return {
        "key": comment_key(comment.import_source, comment.import_id, comment.pk),
        "id": comment.pk,
        "target": {
            "model": f"{content_type.app_label}.{content_type.model}",
            "pk": comment.object_pk,
        },
        "parent": parent,
        "depth": comment.depth,
        "status": comment.status,
        "submitted_at": comment.submitted_at.isoformat(),
        "user": comment.user.get_username() if comment.user is not None else None,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "body": comment.body,
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "spam_score": comment.spam_score,
        "spam_reasons": comment.spam_reasons,
        "learned_as": comment.learned_as,
        "flag_count": comment.flag_count,
        "import_source": comment.import_source,
        "import_id": comment.import_id,
    }


def export_jsonl(out: IO[str], queryset: models.QuerySet[Comment] | None = None) -> int:
    """Write one JSON object per line; returns how many comments were written."""
    count = 0
    for line in iter_lines(queryset):
        out.write(line)
        count += 1
    return count


def _x(value: Any) -> str:
    return escape(XML_INVALID.sub("", str(value)))


def _wp_dates(value: datetime.datetime, tz: datetime.tzinfo) -> tuple[str, str]:
    fmt = "%Y-%m-%d %H:%M:%S"
    return value.astimezone(tz).strftime(fmt), value.astimezone(datetime.UTC).strftime(fmt)


def export_wxr(
    out: IO[str],
    queryset: models.QuerySet[Comment] | None = None,
    *,
    base_url: str = "",
    tz: datetime.tzinfo = datetime.UTC,
) -> int:
    """Write a WXR 1.2 file with one ``<item>`` per commented object.

    ``wp:post_id`` is the object's primary key, ``wp:post_name`` its slug (when it has
    one) and ``<link>`` its ``get_absolute_url()`` prefixed with ``base_url``, so
    ``comments_import wordpress --match pk|slug|url`` finds the objects again. Comment ids
    are this site's primary keys. Characters XML cannot carry (control characters) are left
    out; use JSON Lines for a lossless copy.
    """
    write = out.write
    write('<?xml version="1.0" encoding="UTF-8"?>\n')
    write(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{WXR_NAMESPACE}">\n<channel>\n'
    )
    write("<wp:wxr_version>1.2</wp:wxr_version>\n")
    if base_url:
        write(f"<wp:base_site_url>{_x(base_url)}</wp:base_site_url>\n")
    count = 0
    current: tuple[int, str] | None = None
    queryset = Comment.objects.all() if queryset is None else queryset
    rows = queryset.order_by("content_type_id", "object_pk", "pk").iterator(chunk_size=2000)
    for comment in rows:
        target_key = (comment.content_type_id, comment.object_pk)
        if target_key != current:
            if current is not None:
                write("</item>\n")
            current = target_key
            _write_item_head(write, comment, base_url)
        local, gmt = _wp_dates(comment.submitted_at, tz)
        write(
            "<wp:comment>"
            f"<wp:comment_id>{comment.pk}</wp:comment_id>"
            f"<wp:comment_author>{_x(comment.author_name)}</wp:comment_author>"
            f"<wp:comment_author_email>{_x(comment.author_email)}</wp:comment_author_email>"
            f"<wp:comment_author_url>{_x(comment.author_url)}</wp:comment_author_url>"
            f"<wp:comment_author_IP>{_x(comment.ip_address or '')}</wp:comment_author_IP>"
            f"<wp:comment_date>{local}</wp:comment_date>"
            f"<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>"
            f"<wp:comment_content>{_x(comment.body)}</wp:comment_content>"
            f"<wp:comment_approved>{WP_APPROVED.get(comment.status, '0')}</wp:comment_approved>"
            f"<wp:comment_agent>{_x(comment.user_agent)}</wp:comment_agent>"
            "<wp:comment_type>comment</wp:comment_type>"
            f"<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>"
            f"<wp:comment_user_id>{comment.user_id or 0}</wp:comment_user_id>"
            "</wp:comment>\n"
        )
        count += 1
    if current is not None:
        write("</item>\n")
    write("</channel>\n</rss>\n")
    return count


def _write_item_head(write: Any, comment: Comment, base_url: str) -> None:
    target = _target(comment)
    title = str(target) if target is not None else ""
    link = ""
    get_url = getattr(target, "get_absolute_url", None)
    if get_url is not None:
        link = base_url.rstrip("/") + get_url()
    slug = getattr(target, "slug", "") or ""
    write(
        f"<item><title>{_x(title)}</title><link>{_x(link)}</link>"
        f"<wp:post_id>{_x(comment.object_pk)}</wp:post_id>"
        f"<wp:post_name>{_x(slug)}</wp:post_name>"
        f"<wp:post_type>{_x(ContentType.objects.get_for_id(comment.content_type_id).model)}</wp:post_type>\n"
    )


def _target(comment: Comment) -> models.Model | None:
    model = ContentType.objects.get_for_id(comment.content_type_id).model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=comment.object_pk).first()


def iter_lines(queryset: models.QuerySet[Comment] | None = None) -> Iterator[str]:
    """JSON Lines as an iterator of strings (for a streaming HTTP response)."""
    content_types: dict[int, ContentType] = {}
    for comment in export_queryset(queryset).iterator(chunk_size=2000):
        yield json.dumps(comment_record(comment, content_types), ensure_ascii=False) + "\n"
