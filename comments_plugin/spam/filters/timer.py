from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class SubmitTimerFilter(BaseFilter):
    """Scores a comment sent faster than a person types, or from a stale form.

    The form's signed token carries the time the form was shown. Too old forms are
    already refused by the token's own ``TOKEN_MAX_AGE``; this filter scores forms older
    than ``MAX_SECONDS`` (a scraped form replayed much later).
    """

    name = "submit_timer"
    needs_request = True
    default_options = {"MIN_SECONDS": 3, "MAX_SECONDS": 60 * 60 * 24, "SCORE": 2.0}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        if submission.token_issued_at is None or submission.is_moderator:
            return None
        elapsed = (timezone.now() - submission.token_issued_at).total_seconds()
        if elapsed < self.options["MIN_SECONDS"]:
            return self.verdict(
                "too_fast",
                self.options["SCORE"],
                _("Sent %(seconds).1f s after the form was shown.") % {"seconds": max(elapsed, 0)},
            )
        if elapsed > self.options["MAX_SECONDS"]:
            return self.verdict(
                "form_too_old",
                self.options["SCORE"] / 2,
                _("Sent %(hours)d h after the form was shown.") % {"hours": elapsed // 3600},
            )
        return None
