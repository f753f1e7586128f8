from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments_plugin.exceptions import CommentRejected
from comments_plugin.spam.analysis import body_hash, normalise_body
from comments_plugin.spam.base import Submission, Verdict
from comments_plugin.spam.history import SQL, Condition, Earlier, HistoryFilter

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class DuplicateFilter(HistoryFilter):
    """Catches the same text posted again.

    The same author posting the same text on the same object again is refused with a form
    error (a double click, or a repeat). The same text of at least ``MIN_LENGTH`` characters
    posted within ``WINDOW_DAYS`` scores ``SCORE`` when it was on ``OTHER_PAGES`` or more
    other objects (real people do not paste one comment around a site, spam runs do), and
    ``OTHER_PAGE_SCORE`` (a hold) when on one other object only: two readers may well write
    "Thank you so much for writing this article!!" under two articles. On the same object it
    scores ``SAME_OBJECT_SCORE`` when at least ``SAME_OBJECT_AUTHORS`` other people posted it
    (one echo is a coincidence, such as two readers pasting the page's own link; a run of
    copies is a bot working the page). Short stock replies ("Thanks!") are left alone.
    """

    name = "duplicate"
    default_options = {
        "WINDOW_DAYS": 7,
        "MIN_LENGTH": 30,
        "SCORE": 3.0,
        "SAME_OBJECT_SCORE": 1.0,
        "SAME_OBJECT_AUTHORS": 2,
        "OTHER_PAGES": 2,
        "OTHER_PAGE_SCORE": 1.0,
    }

    def history_sql(self, comment: Comment, sql: SQL) -> Condition | None:
        from comments_plugin.models import Status

        if not comment.body.strip():
            return None
        # An equal digest of the normalised text, looked up with the (body_hash, submitted_at)
        # index; the texts are compared again in check_history. Statuses listed rather than
        # "not trash", so the condition reads the same as the one in earlier().
        return Condition(
            f"{sql.col('body_hash')} = %s AND {sql.col('submitted_at')} >= %s "
            f"AND {sql.col('status')} IN (%s, %s, %s)",
            [
                body_hash(comment.body),
                sql.when(self.since()),
                Status.PENDING,
                Status.APPROVED,
                Status.SPAM,
            ],
        )

    def since(self) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(days=self.options["WINDOW_DAYS"])

    def earlier(self, comment: Comment, rows: list[Earlier]) -> list[Earlier]:
        """Recent comments with the same text (``comments_spam_eval`` looks in memory)."""
        from comments_plugin.models import Status

        since = self.since()
        return [r for r in rows if r.status != Status.TRASH and r.submitted_at >= since]

    def check_history(
        self, comment: Comment, rows: list[Earlier], submission: Submission
    ) -> Verdict | None:
        body = normalise_body(comment.body)
        if not body:
            return None
        recent = self.earlier(comment, rows)
        digest = body_hash(comment.body) if recent else ""
        elsewhere: set[tuple[int | None, str]] = set()
        here: set[str] = set()
        for row in recent:
            if row.body_hash != digest:
                continue
            # str(): assigning content_object leaves the target's own pk type in object_pk.
            same_object = (row.content_type_id, str(row.object_pk)) == (
                comment.content_type_id,
                str(comment.object_pk),
            )
            same_author = (
                row.author_email.casefold() == comment.author_email.casefold()
                if row.author_email or comment.author_email
                else row.author_name.casefold() == comment.author_name.casefold()
            )
            if same_object and same_author:
                raise CommentRejected(
                    _("Duplicate comment detected; it looks as though you’ve already said that!"),  # noqa: RUF001
                    code="duplicate",
                    status=400,
                )
            if same_object:
                here.add(row.author_email.casefold() or row.author_name.casefold())
            else:
                elsewhere.add((row.content_type_id, str(row.object_pk)))
        if len(body) < self.options["MIN_LENGTH"]:
            return None
        if len(elsewhere) >= self.options["OTHER_PAGES"]:
            return self.verdict(
                "duplicate",
                self.options["SCORE"],
                gettext_lazy("The same text was posted recently on other pages."),
            )
        if elsewhere:
            return self.verdict(
                "duplicate_elsewhere",
                self.options["OTHER_PAGE_SCORE"],
                gettext_lazy("The same text was posted recently on another page."),
            )
        if here and len(here) >= self.options["SAME_OBJECT_AUTHORS"]:
            return self.verdict(
                "duplicate_here",
                self.options["SAME_OBJECT_SCORE"],
                gettext_lazy("Someone else posted the same text on this page recently."),
            )
        return None
