"""One query for every filter that judges a comment by the stored ones.

The duplicate, known-spammer and trusted-commenter filters each need a few earlier comments:
the same text, the same sender in spam, the same author approved. Each says which with a
condition (:meth:`HistoryFilter.history_sql`); the first of them to run fetches the union in
a single query and the others reuse the rows, so their cost does not grow with their number.

The query runs for every new comment, so it is plain SQL put together from ready-made
fragments: building it with the ORM cost several times more than running it.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.conf import settings
from django.db import connections, router
from django.db.models import Q

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Field

    from comments_plugin.models import Comment

#: At most this many earlier comments are fetched (newest first).
LIMIT = 100


class Earlier(NamedTuple):
    pk: int
    content_type_id: int
    object_pk: str
    author_name: str
    author_email: str
    author_url: str
    ip_address: str | None
    user_id: Any
    body: str
    status: str
    submitted_at: datetime.datetime
    #: :func:`~comments_plugin.spam.analysis.body_hash` of the body.
    body_hash: str


_IP = Earlier._fields.index("ip_address")
_SUBMITTED_AT = Earlier._fields.index("submitted_at")


class Condition(NamedTuple):
    """A ``WHERE`` fragment over the comment table's columns, with ``%s`` placeholders."""

    sql: str
    params: list[Any]


class SQL:
    """Helpers for writing :class:`Condition` fragments portable across databases."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self._columns: dict[str, str] = {}

    def col(self, field: str) -> str:
        """The quoted column of a :class:`~comments_plugin.models.Comment` field."""
        column = self._columns.get(field)
        if column is None:
            from comments_plugin.models import Comment

            meta = Comment._meta
            # Only concrete fields of the comment are asked for, never a reverse relation.
            model_field = cast(
                "Field[Any, Any]", meta.pk if field == "pk" else meta.get_field(field)
            )
            column = self._columns[field] = self.connection.ops.quote_name(str(model_field.column))
        return column

    def when(self, value: datetime.datetime) -> Any:
        """A datetime as the database wants it as a parameter."""
        return self.connection.ops.adapt_datetimefield_value(value)

    def ip(self, value: str) -> Any:
        """An IP address as the database wants it as a parameter."""
        return self.connection.ops.adapt_ipaddressfield_value(value)

    def startswith(self, field: str, prefixes: Iterable[str]) -> Condition:
        """``field`` starting with one of ``prefixes`` (case-sensitive), so an index on it is
        used: a pattern on PostgreSQL (``varchar_pattern_ops``), a range elsewhere."""
        col = self.col(field)
        terms, params = [], []
        for prefix in prefixes:
            if self.connection.vendor == "postgresql":
                escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                terms.append(f"{col} LIKE %s")
                params.append(f"{escaped}%")
            else:
                # Every text starting with the prefix sorts between it and it + U+10FFFF.
                terms.append(f"({col} >= %s AND {col} < %s)")
                params += [prefix, prefix + "\U0010ffff"]
        return Condition(" OR ".join(terms), params)

    def in_(self, field: str, values: Iterable[Any]) -> Condition:
        values = list(values)
        return Condition(f"{self.col(field)} IN ({', '.join(['%s'] * len(values))})", values)

    def from_q(self, query: Q) -> Condition:
        """Compile an ORM ``Q`` on the comment's own columns (no joins) into a condition.

        Slower than writing the SQL: for filters that only implement ``history_query``.
        """
        from comments_plugin.models import Comment

        qs = Comment.objects.using(self.connection.alias).filter(query)
        compiler = qs.query.get_compiler(self.connection.alias)
        sql, params = compiler.compile(qs.query.where)
        # Fully qualified columns work in the single-table query below as they are.
        return Condition(sql, list(params))


class HistoryFilter(BaseFilter):
    """Base of filters that look at earlier comments.

    Implement :meth:`check_history`, and :meth:`history_sql` (fast) or :meth:`history_query`
    (an ORM ``Q``, simpler and slower) to say which stored comments you need.
    """

    needs_database = True

    def history_query(self, comment: Comment) -> Q | None:
        """Which stored comments this filter wants to see (``None``: none)."""
        raise NotImplementedError

    def history_sql(self, comment: Comment, sql: SQL) -> Condition | None:
        """The same as :meth:`history_query` as a SQL condition; by default compiles it."""
        query = self.history_query(comment)
        return None if query is None else sql.from_q(query)

    def check_history(
        self, comment: Comment, earlier: list[Earlier], submission: Submission
    ) -> Verdict | Iterable[Verdict] | None:
        """Judge ``comment``; ``earlier`` holds rows asked for by every history filter, so
        re-check your own conditions on them."""
        raise NotImplementedError

    def check(self, comment: Comment, submission: Submission) -> Verdict | Iterable[Verdict] | None:
        return self.check_history(comment, earlier_comments(comment, submission, self), submission)


# Per database alias: the SQL helper, "SELECT <Earlier's columns> FROM <table> WHERE " and
# " ORDER BY <date> DESC LIMIT …", built once per process.
_prepared: dict[str, tuple[SQL, str, str]] = {}


def _prepare(connection: BaseDatabaseWrapper) -> tuple[SQL, str, str]:
    prepared = _prepared.get(connection.alias)
    # Keyed by alias: each thread has its own connection object, but their quoting and
    # adapters are the same.
    if prepared is None:
        from comments_plugin.models import Comment

        sql = SQL(connection)
        columns = ", ".join(sql.col(name) for name in Earlier._fields)
        table = connection.ops.quote_name(Comment._meta.db_table)
        limit = connection.ops.limit_offset_sql(0, LIMIT)
        prepared = _prepared[connection.alias] = (
            sql,
            f"SELECT {columns} FROM {table} WHERE ",
            f" ORDER BY {sql.col('submitted_at')} DESC {limit}",
        )
    return prepared


def earlier_comments(
    comment: Comment, submission: Submission, asking: HistoryFilter
) -> list[Earlier]:
    """The earlier comments every history filter of this pipeline run asked for, fetched once."""
    from comments_plugin.models import Comment

    cached = submission.cache.get("history")
    if cached is not None and cached[0] is comment:
        return cached[1]
    connection = connections[router.db_for_read(Comment)]
    sql, select, order_limit = _prepare(connection)
    peers = [f for f in submission.cache.get("filters", ()) if isinstance(f, HistoryFilter)]
    conditions = [c for f in (peers or [asking]) if (c := f.history_sql(comment, sql))]
    # Two filters asking for the same rows (the same e-mail address) ask once.
    conditions = list({(c.sql, tuple(c.params)): c for c in conditions}.values())
    rows: list[Earlier] = []
    if conditions:
        where = " OR ".join(f"({c.sql})" for c in conditions)
        params = [p for c in conditions for p in c.params]
        if comment.pk is not None:
            where = f"({where}) AND {sql.col('pk')} <> %s"
            params.append(comment.pk)
        with connection.cursor() as cursor:
            cursor.execute(f"{select}{where}{order_limit}", params)
            fetched = cursor.fetchall()
        naive_utc = settings.USE_TZ and not connection.features.supports_timezones
        make = Earlier._make
        for row in fetched:
            submitted_at = row[_SUBMITTED_AT]
            ip = row[_IP]
            # Without the ORM's converters, SQLite and MySQL hand datetimes back naive, in
            # UTC; PostgreSQL's inet may come back as an address object.
            naive = naive_utc and submitted_at is not None and submitted_at.tzinfo is None
            if naive or (ip is not None and not isinstance(ip, str)):
                row = list(row)
                if naive:
                    row[_SUBMITTED_AT] = submitted_at.replace(tzinfo=datetime.UTC)
                if ip is not None and not isinstance(ip, str):
                    row[_IP] = str(ip)
            rows.append(make(row))
    submission.cache["history"] = (comment, rows)
    return rows
