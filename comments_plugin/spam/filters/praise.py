from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

#: Stock phrases of the "spun" praise comments that spam tools post on every blog: they fit
#: any page because they say nothing about it. Each is common in spam and rare in real
#: comments; one alone scores little, several together hold the comment.
TEMPLATE_PHRASES = (
    r"(?:i am|i'm|im) (?:for the first time|new) here",
    r"first time here",
    r"(?:came|come|stumbled) (?:across|upon|on) (?:this|your) (?:board|blog|site|website|web site|page|post)",
    r"found (?:this|your) (?:board|blog|site|website|web site) (?:via|through|using|by) (?:google|bing|yahoo|search)",
    r"(?:truly|really|extremely|very) (?:useful|helpful|informative) (?:&|and) (?:it )?helped",
    r"helped me (?:out )?(?:a lot|much|greatly)",
    r"give something back",
    r"(?:aid|help) others like you",
    r"(?:i've|i have|ive) been (?:browsing|surfing) online",
    r"(?:bookmarked|book-marked|bookmarking|book marked) (?:it|this|your)",
    r"(?:extremely|very|really) impressed with your writing",
    r"would you mind if i (?:share|shared|link)",
    r"(?:kinda|somewhat|kind of|a bit) off topic",
    r"(?:awesome|amazing|superb|nice) blog layout",
    r"how long have you been blogging",
    r"(?:i'll|i will) (?:be )?(?:coming|come) back (?:again|later|to your)",
    r"(?:your|this) (?:blog|website|web site|site) (?:is|was) (?:really|very|truly) (?:nice|good|great|useful)",
    r"what(?:'s| is) up (?:to )?(?:every one|everyone|all)",
    r"(?:this|the) (?:paragraph|piece of writing|post) (?:is|was) (?:in fact|actually|truly) (?:good|nice|fastidious|pleasant)",
    r"(?:fastidious|pleasant) (?:piece|paragraph|post|article)",
)


class GenericPraiseFilter(BaseFilter):
    """Scores the stock praise of spun spam comments ("I came across this board…").

    Each matched phrase of :data:`TEMPLATE_PHRASES` (plus ``EXTRA_PHRASES``, regular
    expressions matched case-insensitively at word boundaries) adds ``PHRASE_SCORE``, up to
    ``MAX_SCORE``.
    """

    name = "generic_praise"
    default_options = {"PHRASE_SCORE": 0.5, "MAX_SCORE": 2.0, "EXTRA_PHRASES": ()}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        phrases = [*TEMPLATE_PHRASES, *self.options["EXTRA_PHRASES"]]
        self._patterns = [re.compile(rf"\b{p}\b", re.IGNORECASE) for p in phrases]
        # One pass over the text rules out most comments before each phrase is looked for.
        self._any = re.compile("|".join(rf"\b(?:{p})\b" for p in phrases), re.IGNORECASE)

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        body = comment.body.replace("\u2019", "'")
        if not self._any.search(body):
            return None
        found = [m.group(0) for p in self._patterns if (m := p.search(body))]
        if not found:
            return None
        score = min(len(found) * self.options["PHRASE_SCORE"], self.options["MAX_SCORE"])
        return self.verdict(
            "generic_praise",
            score,
            _("Stock phrases of spam comments: %(phrases)s.")
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
