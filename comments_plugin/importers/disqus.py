"""Disqus XML exports (Admin → Moderate → Export).

The file lists every ``<thread>`` (a page) first, then every ``<post>`` (a comment), which
names its thread and its parent by ``dsq:id``. A parent may come after its reply, so the
whole file is one linking scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comments_plugin.importers.base import (
    BaseImporter,
    EndOfScope,
    SourceComment,
    SourceThread,
    representable,
)
from comments_plugin.importers.xmlstream import XMLStream, child_texts, split_tag, text
from comments_plugin.models import Status

DSQ_NAMESPACE = "http://disqus.com/disqus-internals"
DSQ_ID = f"{{{DSQ_NAMESPACE}}}id"


def is_true(value: str) -> bool:
    return value.strip().lower() in ("true", "1")


def parse_date(value: str, tz: datetime.tzinfo) -> datetime.datetime | None:
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, tz)
    return representable(parsed)


class DisqusImporter(BaseImporter):
    import_source = "disqus"

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = XMLStream(path)
        self.bytes_total = self.stream.size()
        self.threads: dict[str, SourceThread] = {}

    def bytes_read(self) -> int:
        return self.stream.position()

    def records(self) -> Iterator[SourceComment | EndOfScope]:
        posts = 0
        for elem, _ancestors in self.stream.elements({"thread", "post"}, depth=1):
            if split_tag(elem.tag)[1] == "thread":
                self.add_thread(elem)
            else:
                posts += 1
                yield self.post(elem, posts)

    def add_thread(self, elem: Element) -> None:
        dsq_id = elem.get(DSQ_ID, "")
        fields = child_texts(elem)
        self.threads[dsq_id] = SourceThread(
            key=f"thread {dsq_id}",
            identifier=fields.get("id", ""),
            url=fields.get("link", ""),
            title=fields.get("title", ""),
        )

    def post(self, elem: Element, position: int) -> SourceComment:
        fields = child_texts(elem)
        children = {split_tag(c.tag)[1]: c for c in elem}
        author = child_texts(children["author"]) if "author" in children else {}
        thread_id = children["thread"].get(DSQ_ID, "") if "thread" in children else ""
        # A post on a thread the file does not list (deleted pages) is reported as unmatched.
        thread = self.threads.get(thread_id) or SourceThread(key=f"thread {thread_id or '?'}")
        parent_id = children["parent"].get(DSQ_ID, "") if "parent" in children else ""
        if is_true(fields.get("isDeleted", "")):
            status = Status.TRASH
        elif is_true(fields.get("isSpam", "")):
            status = Status.SPAM
        else:
            status = Status.APPROVED
        message = children.get("message")
        return SourceComment(
            thread=thread,
            import_source=self.import_source,
            # Without an id (hand-made files) the post's place in the file is the best key left.
            import_id=elem.get(DSQ_ID, "") or text(children.get("id")) or f"#{position}",
            parent=(self.import_source, parent_id) if parent_id else None,
            body="" if message is None or message.text is None else message.text.strip(),
            submitted_at=parse_date(fields.get("createdAt", ""), self.default_timezone)
            or timezone.now(),
            status=status,
            author_name=author.get("name", "") or author.get("username", ""),
            author_email=author.get("email", ""),
            author_url=author.get("link", "") or author.get("url", ""),
            ip_address=fields.get("ipAddress", ""),
        )
