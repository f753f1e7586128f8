from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class TrustedCommenterFilter(BaseFilter):
    """Lowers the score of someone whose earlier comment was approved.

    WordPress's "comment author must have a previously approved comment", as a score: an
    approved comment with the same e-mail address and name (or by the same user account)
    adds ``SCORE`` (negative). It lowers, not overrides: a trusted commenter's comment full
    of links is still held.
    """

    name = "trusted_commenter"
    needs_database = True
    default_options = {"SCORE": -1.0}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        from comments_plugin.models import Comment, Status

        email = comment.author_email.strip()
        if comment.user_id is not None:
            earlier = Comment.objects.filter(user_id=comment.user_id)
        elif email:
            earlier = Comment.objects.filter(author_email__iexact=email)
        else:
            return None
        names = earlier.filter(status=Status.APPROVED).exclude(pk=comment.pk)
        name = comment.author_name.strip().casefold()
        if comment.user_id is None and not any(
            n.strip().casefold() == name for n in names.values_list("author_name", flat=True)[:20]
        ):
            return None
        if comment.user_id is not None and not names.exists():
            return None
        return self.verdict(
            "trusted_commenter",
            self.options["SCORE"],
            _("An earlier comment by this author was approved."),
        )
