"""JSON Lines written by ``manage.py comments_export --format jsonl`` (one comment a line).

Each line names its target by ``app_label.model`` and primary key, its parent by ``key``,
and keeps every field, so a backup restores field by field. See
:func:`comments_plugin.exporters.comment_record` for the format.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from comments_plugin.importers.base import (
    BaseImporter,
    EndOfScope,
    Key,
    SourceComment,
    SourceThread,
)
from comments_plugin.models import Status

#: A line longer than this is refused rather than read into memory whole (a backup's
#: longest comment is far shorter; a file that is not JSON Lines may have no newline at all).
MAX_LINE_BYTES = 64 * 1024 * 1024


def split_key(key: str) -> Key:
    source, _sep, import_id = str(key).partition(":")
    return source, import_id


class JSONLinesImporter(BaseImporter):
    import_source = "jsonl"
    targets_known = True

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(path)
        try:
            self.bytes_total = self.path.stat().st_size
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": self.path, "error": exc.strerror}
            ) from exc
        self.position = 0
        self.content_types: dict[str, ContentType | None] = {}
        self.users: dict[str, Any] = {}

    def bytes_read(self) -> int:
        return self.position

    def records(self) -> Iterator[SourceComment | EndOfScope]:
        with open(self.path, "rb") as lines:
            number = 0
            while raw := lines.readline(MAX_LINE_BYTES + 1):
                number += 1
                self.position += len(raw)
                if len(raw) > MAX_LINE_BYTES:
                    raise CommandError(
                        _(
                            "%(path)s, line %(line)d is longer than %(limit)d bytes. Nothing was imported."
                        )
                        % {"path": self.path.name, "line": number, "limit": MAX_LINE_BYTES}
                    )
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                    yield self.record(data)
                except (ValueError, KeyError, TypeError) as exc:
                    raise CommandError(
                        _(
                            "%(path)s, line %(line)d is not a comment record: %(error)s. Nothing was imported."
                        )
                        % {"path": self.path.name, "line": number, "error": exc}
                    ) from exc

    def content_type(self, label: str) -> ContentType | None:
        if label not in self.content_types:
            app_label, _sep, model = label.lower().partition(".")
            self.content_types[label] = ContentType.objects.filter(
                app_label=app_label, model=model
            ).first()
        return self.content_types[label]

    def user_id(self, username: str | None) -> Any:
        if not username:
            return None
        if username not in self.users:
            User = get_user_model()
            self.users[username] = (
                User._default_manager.filter(**{User.USERNAME_FIELD: username})
                .values_list("pk", flat=True)
                .first()
            )
        return self.users[username]

    def record(self, data: dict[str, Any]) -> SourceComment:
        target = data["target"]
        label, object_pk = str(target["model"]), str(target["pk"])
        thread = SourceThread(
            key=f"{label} {object_pk}",
            identifier=object_pk,
            url=target.get("url") or "",
            content_type=self.content_type(label),
            object_pk=object_pk,
        )
        source, import_id = split_key(data["key"])
        submitted_at = datetime.datetime.fromisoformat(data["submitted_at"])
        if submitted_at.tzinfo is None:
            submitted_at = submitted_at.replace(tzinfo=self.default_timezone)
        status = data.get("status") or Status.PENDING
        if status not in Status.values:
            raise ValueError(f"unknown status {status!r}")
        return SourceComment(
            thread=thread,
            import_source=source,
            import_id=import_id,
            parent=split_key(data["parent"]) if data.get("parent") else None,
            body=data.get("body") or "",
            submitted_at=submitted_at,
            status=status,
            author_name=data.get("author_name") or "",
            author_email=data.get("author_email") or "",
            author_url=data.get("author_url") or "",
            ip_address=data.get("ip_address"),
            user_agent=data.get("user_agent") or "",
            user_id=self.user_id(data.get("user")),
            # Checked, not converted: SourceComment refuses a wrong type with a clear message.
            spam_score=data.get("spam_score") or 0.0,
            spam_reasons=data.get("spam_reasons") or [],
            learned_as=data.get("learned_as") or "",
            flag_count=data.get("flag_count") or 0,
        )
