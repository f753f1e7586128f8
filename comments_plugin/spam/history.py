"""One query for every filter that judges a comment by the stored ones.

The duplicate, known-spammer and trusted-commenter filters each need a few earlier comments:
the same text, the same sender in spam, the same author approved. Each says which in
:meth:`HistoryFilter.history_query`; the first of them to run fetches the union in a single
query and the others reuse the rows, so their cost does not grow with their number.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Q

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from collections.abc import Iterable

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


class HistoryFilter(BaseFilter):
    """Base of filters that look at earlier comments; implement the two methods below."""

    needs_database = True

    def history_query(self, comment: Comment) -> Q | None:
        """Which stored comments this filter wants to see (``None``: none)."""
        raise NotImplementedError

    def check_history(
        self, comment: Comment, earlier: list[Earlier], submission: Submission
    ) -> Verdict | Iterable[Verdict] | None:
        """Judge ``comment``; ``earlier`` holds rows asked for by every history filter, so
        re-check your own conditions on them."""
        raise NotImplementedError

    def check(self, comment: Comment, submission: Submission) -> Verdict | Iterable[Verdict] | None:
        return self.check_history(comment, earlier_comments(comment, submission, self), submission)


def earlier_comments(
    comment: Comment, submission: Submission, asking: HistoryFilter
) -> list[Earlier]:
    """The earlier comments every history filter of this pipeline run asked for, fetched once."""
    from comments_plugin.models import Comment

    cached = submission.cache.get("history")
    if cached is not None and cached[0] is comment:
        return cached[1]
    peers = [f for f in submission.cache.get("filters", ()) if isinstance(f, HistoryFilter)]
    queries = [q for f in (peers or [asking]) if (q := f.history_query(comment)) is not None]
    rows: list[Earlier] = []
    if queries:
        query = queries[0]
        for more in queries[1:]:
            query |= more
        qs = Comment.objects.filter(query)
        if comment.pk is not None:
            qs = qs.exclude(pk=comment.pk)
        rows = [
            Earlier(*row)
            for row in qs.order_by("-submitted_at").values_list(*Earlier._fields)[:LIMIT]
        ]
    submission.cache["history"] = (comment, rows)
    return rows
