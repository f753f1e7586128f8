from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

_SPACES_RE = re.compile(r"\s+")
_SUBSCRIBE = r"(?:subscribe|suscribe|sucscribe|subcribe|subscrib|subscribers)"

#: How advertisers ask for an audience: a comment is a reply to the page, not an invitation
#: to the writer's own channel. Regular expressions, matched case-insensitively.
PROMOTION_PHRASES = (
    r"(?:check|checking|look|watch|listen|visit)(?: out)? (?:at |to )?(?:my|our|mah)",
    r"check (?:me|us) out",
    r"(?:subscribe|sub|follow|add)(?: to)? (?:my|our|me|us)",
    r"(?:subscribe|sub) (?:back|4 sub|for sub)",
    r"my (?:new )?(?:channel|videos?|music|songs?|page|covers?|playlist|vlogs?|tracks?)",
    r"(?:please|pls|plz|pleas) (?:subscribe|sub|like|check|help|follow|share|watch)",
    # Begging for subscribers, misspelt as often as not: "like and subscribe", "Subscribe!",
    # "suscribe my channel", "help me get 100 subscribers".
    rf"(?:please|pls|plz|come|go|and) {_SUBSCRIBE}",
    rf"^\W*{_SUBSCRIBE}",
    rf"{_SUBSCRIBE} (?:to )?(?:me|my|us|our|please|pls|plz|if|and|for|back|in)",
    # Counting an audience, the one wished for or the one boasted of: "help me get 100
    # subscribers", "I am a rapper with 25000 subscribers".
    r"(?:get|reach|hit|gain|have|got|with|over) (?:me |us )?(?:to |over )?\d[\d,.]*k? "
    r"(?:more )?(?:subscribers|subs|followers)",
    # "sub 4 sub", "like for like", "follow4follow": trading audiences.
    r"(?:sub|like|follow|view)s? ?(?:4|for) ?(?:sub|like|follow|view)s?",
    r"like (?:this|my) comment",
    r"check (?:this|these|it) out",
    # The text of a video site's share button pasted as a comment.
    r"(?:check out|take a look at|watch) this (?:video|playlist|channel|song) on you ?tu\w*",
    r"(?:earn|make) (?:real |easy |free |extra |quick )?(?:\$|money|cash)",
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
        # One pass over the text rules out most comments before each phrase is looked for.
        self._any = re.compile("|".join(rf"\b(?:{p})\b" for p in phrases), re.IGNORECASE)

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        # One space between words, one kind of apostrophe: the phrases are written so.
        body = _SPACES_RE.sub(" ", comment.body.replace("\u2019", "'"))
        if not self._any.search(body):
            return None
        found = [m.group(0) for p in self._patterns if (m := p.search(body))]
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
