from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import Submission, Verdict
from comments_plugin.spam.history import SQL, Condition, Earlier, HistoryFilter

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class TrustedCommenterFilter(HistoryFilter):
    """Lowers the score of someone whose earlier comment was approved.

    WordPress's "comment author must have a previously approved comment", as a score: an
    approved comment with the same e-mail address and name (or by the same user account)
    adds ``SCORE`` (negative). It lowers, not overrides: a trusted commenter's comment full
    of links is still held.
    """

    name = "trusted_commenter"
    default_options = {"SCORE": -1.0}

    def history_sql(self, comment: Comment, sql: SQL) -> Condition | None:
        # No status in SQL, so the database uses the user or e-mail index; check_history
        # keeps the approved comments.
        email = comment.author_email.strip()
        if comment.user_id is not None:
            return Condition(f"{sql.col('user')} = %s", [comment.user_id])
        if email:
            # Exact forms rather than a case-insensitive match, so the e-mail index serves it.
            return sql.in_("author_email", sorted({email, email.lower()}))
        return None

    def check_history(
        self, comment: Comment, earlier: list[Earlier], submission: Submission
    ) -> Verdict | None:
        from comments_plugin.models import Status

        approved = [r for r in earlier if r.status == Status.APPROVED]
        if comment.user_id is not None:
            trusted = any(r.user_id == comment.user_id for r in approved)
        else:
            email = comment.author_email.strip().casefold()
            name = comment.author_name.strip().casefold()
            trusted = bool(email) and any(
                r.author_email.casefold() == email and r.author_name.strip().casefold() == name
                for r in approved
            )
        if not trusted:
            return None
        return self.verdict(
            "trusted_commenter",
            self.options["SCORE"],
            _("An earlier comment by this author was approved."),
        )
