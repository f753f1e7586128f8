from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

#: How advertisers ask for an audience: a comment is a reply to the page, not an invitation
#: to the writer's own channel. Regular expressions, matched case-insensitively.
PROMOTION_PHRASES = (
    r"(?:check|checking|look|watch|listen|visit)(?: out)? (?:at |to )?(?:my|our)",
    r"(?:subscribe|sub|follow|add)(?: to)? (?:my|our|me|us)",
    r"(?:subscribe|sub) (?:back|4 sub|for sub)",
    r"my (?:new )?(?:channel|videos?|music|songs?|page|covers?|playlist|vlogs?)",
    r"(?:please|pls|plz|pleas) (?:subscribe|sub|like|check|help|follow|share|watch)",
    r"like (?:this|my) comment",
    r"check (?:this|these|it) out",
    r"(?:earn|make) (?:\$|money|cash)",
    r"free (?:gift|money|iphone|cards?|followers|subscribers|views|likes)",
)


class SelfPromotionFilter(BaseFilter):
    """Scores comments that advertise their writer: "check out my channel", "sub back".

    The first matching phrase of :data:`PROMOTION_PHRASES` (plus ``EXTRA_PHRASES``) scores
    ``SCORE``, each further one ``EXTRA_SCORE``.
    """

    name = "self_promotion"
    default_options = {"SCORE": 1.0, "EXTRA_SCORE": 0.5, "EXTRA_PHRASES": ()}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        phrases = [*PROMOTION_PHRASES, *self.options["EXTRA_PHRASES"]]
        self._patterns = [re.compile(rf"\b{p}\b", re.IGNORECASE) for p in phrases]

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        found = [m.group(0) for p in self._patterns if (m := p.search(comment.body))]
        if not found:
            return None
        score = self.options["SCORE"] + (len(found) - 1) * self.options["EXTRA_SCORE"]
        return self.verdict(
            "self_promotion",
            score,
            _("Advertises its writer: %(phrases)s.")
            % {"phrases": ", ".join(f"“{f}”" for f in found)},
        )

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        for phrase in options.get("EXTRA_PHRASES") or ():
            try:
                re.compile(phrase)
            except (re.error, TypeError):
                errors.append(
                    checks.Error(
                        f"SPAM_FILTERS[{index}] ({cls.__name__}) EXTRA_PHRASES has an invalid "
                        f"regular expression: {phrase!r}.",
                        id="comments_plugin.E015",
                    )
                )
        return errors
