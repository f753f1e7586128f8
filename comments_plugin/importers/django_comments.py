"""django-contrib-comments and django-comments-xtd tables in this site's own database.

Read with plain SQL after introspecting the tables, so neither package needs to be
installed (they usually are not any more after the switch). ``is_removed`` becomes trash,
``is_public = false`` pending; xtd's ``parent_id``/``thread_id`` keep the threads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from comments_plugin.importers.base import BaseImporter, EndOfScope, SourceComment, SourceThread
from comments_plugin.models import Status

COMMENTS_TABLE = "django_comments"
XTD_TABLE = "django_comments_xtd_xtdcomment"
COLUMNS = (
    "id",
    "content_type_id",
    "object_pk",
    "user_id",
    "user_name",
    "user_email",
    "user_url",
    "comment",
    "submit_date",
    "ip_address",
    "is_public",
    "is_removed",
)


class DjangoCommentsImporter(BaseImporter):
    import_source = "django_comments"
    targets_known = True

    def __init__(self, *, using: str = "default", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.connection = connections[using]
        tables = set(self.connection.introspection.table_names())
        if COMMENTS_TABLE not in tables:
            raise CommandError(
                _("There is no %(table)s table in the database %(db)r: nothing to import.")
                % {"table": COMMENTS_TABLE, "db": using}
            )
        self.has_xtd = XTD_TABLE in tables
        self.content_types: dict[int, ContentType | None] = {}
        self.users: dict[Any, bool] = {}
        self.bytes_total = 0

    def count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.connection.ops.quote_name(COMMENTS_TABLE)}")
            return int(cursor.fetchone()[0])

    def query(self) -> str:
        quote = self.connection.ops.quote_name
        columns = ", ".join(f"c.{quote(name)}" for name in COLUMNS)
        if self.has_xtd:
            columns += f", x.{quote('parent_id')}, x.{quote('thread_id')}"
            join = (
                f" LEFT JOIN {quote(XTD_TABLE)} x ON x.{quote('comment_ptr_id')} = c.{quote('id')}"
            )
        else:
            columns += ", NULL, NULL"
            join = ""
        return f"SELECT {columns} FROM {quote(COMMENTS_TABLE)} c{join} ORDER BY c.{quote('id')}"

    def content_type(self, pk: int) -> ContentType | None:
        if pk not in self.content_types:
            self.content_types[pk] = ContentType.objects.filter(pk=pk).first()
        return self.content_types[pk]

    def records(self) -> Iterator[SourceComment | EndOfScope]:
        # A server-side cursor on PostgreSQL, so a big table is not loaded at once.
        with self.connection.chunked_cursor() as cursor:
            cursor.execute(self.query())
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    self.bytes_total += 1
                    yield self.record(row)

    def bytes_read(self) -> int:
        return self.bytes_total

    def record(self, row: tuple[Any, ...]) -> SourceComment:
        (
            pk,
            ct_id,
            object_pk,
            user_id,
            name,
            email,
            url,
            body,
            submitted,
            ip,
            is_public,
            is_removed,
            parent_id,
            _thread_id,
        ) = row
        content_type = self.content_type(ct_id)
        label = content_type.natural_key() if content_type is not None else ("?", str(ct_id))
        thread = SourceThread(
            key=f"{'.'.join(label)} {object_pk}",
            identifier=str(object_pk),
            content_type=content_type,
            object_pk=str(object_pk),
        )
        if is_removed:
            status = Status.TRASH
        elif not is_public:
            status = Status.PENDING
        else:
            status = Status.APPROVED
        # xtd stores a top-level comment as its own parent.
        parent = None
        if parent_id is not None and parent_id != pk:
            parent = (self.import_source, str(parent_id))
        return SourceComment(
            thread=thread,
            import_source=self.import_source,
            import_id=str(pk),
            parent=parent,
            body=body or "",
            submitted_at=self.aware(submitted),
            status=status,
            author_name=name or "",
            author_email=email or "",
            author_url=url or "",
            ip_address=ip,
            user_id=user_id if self.user_exists(user_id) else None,
        )

    def user_exists(self, pk: Any) -> bool:
        if pk is None:
            return False
        if pk not in self.users:
            self.users[pk] = get_user_model()._default_manager.filter(pk=pk).exists()
        return self.users[pk]

    def aware(self, value: Any) -> datetime.datetime:
        if isinstance(value, str):
            value = parse_datetime(value)
        if not isinstance(value, datetime.datetime):
            return timezone.now()
        if timezone.is_naive(value):
            # Django stores UTC when USE_TZ is on, local time otherwise.
            tz = datetime.UTC if settings.USE_TZ else self.default_timezone
            value = timezone.make_aware(value, tz)
        return value
