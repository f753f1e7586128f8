from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

#: Name of the hidden form field. People never see it; form-filling bots fill it in.
HONEYPOT_FIELD = "homepage"


class HoneypotFilter(BaseFilter):
    """Discards a comment whose hidden honeypot field was filled in."""

    name = "honeypot"
    needs_request = True
    default_options = {"DISCARD": True, "SCORE": 10.0}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        if str(submission.form_data.get(HONEYPOT_FIELD) or "").strip():
            return self.verdict(
                "honeypot",
                self.options["SCORE"],
                _("The hidden honeypot field was filled in."),
                discard=bool(self.options["DISCARD"]),
            )
        return None
