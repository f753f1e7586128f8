"""WordPress eXtended RSS (WXR) exports: Tools → Export in the WordPress admin.

Every ``wp`` namespace version is read (``http(s)://wordpress.org/export/1.0/`` to ``1.2/``,
with or without ``<wp:wxr_version>``). Comments are read item by item: ``comment_parent``
refers to a ``comment_id`` of the same ``<item>``, so each item is a linking scope.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from django.utils import timezone

from comments_plugin.importers.base import (
    END_OF_SCOPE,
    BaseImporter,
    EndOfScope,
    SourceComment,
    SourceThread,
    representable,
)
from comments_plugin.importers.xmlstream import XMLStream, child_texts, split_tag, text
from comments_plugin.models import Status

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/[0-9.]+/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
NO_DATE = "0000-00-00 00:00:00"

#: ``wp:comment_approved`` → our status. WordPress core writes ``1``, ``0``, ``spam``,
#: ``trash`` and ``post-trashed`` (trashed with its post).
STATUSES = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "approved": Status.APPROVED,
    "0": Status.PENDING,
    "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
    "post-trashed": Status.TRASH,
}
#: A comment without ``wp:comment_approved`` waits for a moderator rather than going live.
MISSING_STATUS = Status.PENDING
PING_TYPES = {"pingback", "trackback", "pings"}


def is_wp(ns: str) -> bool:
    return bool(WP_NAMESPACE.match(ns))


def parse_date(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    # 9999-12-31 23:59 in a time zone west of UTC has no UTC time: treated as no date.
    return representable(timezone.make_aware(naive, tz))


class WordPressImporter(BaseImporter):
    import_source = "wordpress"

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = XMLStream(path)
        self.bytes_total = self.stream.size()

    def bytes_read(self) -> int:
        return self.stream.position()

    def records(self) -> Iterator[SourceComment | EndOfScope]:
        items = self.stream.elements({"item"}, depth=2)
        for number, (item, _ancestors) in enumerate(items, start=1):
            yield from self.item_comments(item, number)
            yield END_OF_SCOPE

    def item_comments(self, item: Element, number: int) -> Iterator[SourceComment]:
        fields = child_texts(item, ns_ok=lambda ns: ns == "" or is_wp(ns))
        post_id = fields.get("post_id", "")
        thread = SourceThread(
            key=f"post {post_id}" if post_id else f"item {number}",
            identifier=post_id,
            url=fields.get("link", "") or fields.get("guid", ""),
            slug=fields.get("post_name", ""),
            title=fields.get("title", ""),
        )
        post_date = parse_date(fields.get("post_date_gmt", ""), datetime.UTC) or parse_date(
            fields.get("post_date", ""), self.default_timezone
        )
        scope = post_id or f"item{number}"
        position = 0
        for child in item:
            ns, name = split_tag(child.tag)
            if name != "comment" or not is_wp(ns):
                continue
            position += 1
            yield self.comment(child, thread, scope, post_date, position)

    def comment(
        self,
        elem: Element,
        thread: SourceThread,
        scope: str,
        post_date: datetime.datetime | None,
        position: int,
    ) -> SourceComment:
        values = {split_tag(c.tag)[1]: c for c in elem}

        def get(name: str) -> str:
            return text(values.get(name))

        submitted_at = (
            parse_date(get("comment_date_gmt"), datetime.UTC)
            or parse_date(get("comment_date"), self.default_timezone)
            or post_date
            or timezone.now()
        )
        approved = values.get("comment_approved")
        status = (
            MISSING_STATUS
            if approved is None
            else STATUSES.get(text(approved).lower(), Status.PENDING)
        )
        parent = get("comment_parent")
        comment_type = get("comment_type").lower()
        body_elem = values.get("comment_content")
        body = "" if body_elem is None or body_elem.text is None else body_elem.text.strip()
        return SourceComment(
            thread=thread,
            import_source=self.import_source,
            import_id=f"{scope}:{get('comment_id') or f'#{position}'}",
            parent=(self.import_source, f"{scope}:{parent}") if parent not in ("", "0") else None,
            kind=comment_type if comment_type in PING_TYPES else "comment",
            body=body,
            submitted_at=submitted_at,
            status=status,
            author_name=get("comment_author"),
            author_email=get("comment_author_email"),
            author_url=get("comment_author_url"),
            ip_address=get("comment_author_IP"),
            user_agent=get("comment_agent"),
        )
