from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import fold
from comments_plugin.spam.base import (
    BaseFilter,
    Submission,
    Verdict,
    join_phrases,
    phrase_errors,
)

if TYPE_CHECKING:
    from comments_plugin.models import Comment

_SITE = r"(?:board|blog|site|website|web site|webpage|web page|page|forum|post|article|weblog)"

#: The moves of the "spun" praise comments that spam tools post on every blog: they fit any
#: page because they say nothing about it. Each group is one move, written generally (with
#: its common wordings) so that a reworded spam comment still makes it; a move made twice
#: counts once. Regular expressions, matched case-insensitively at word boundaries.
PRAISE_MOVES: dict[str, tuple[str, ...]] = {
    # "I am new here", "this is my first visit", "first time visiting"
    "first_visit": (
        r"(?:i am|i'm|im|this is) (?:for the first time|new) here",
        r"(?:my )?first (?:time|visit) (?:here|visiting|reading|on (?:this|your))",
        r"(?:this is|it's|its) my first (?:visit|time)",
        r"(?:paid|pay) (?:a )?(?:quick )?visit",
    ),
    # "I came across this board", "found your blog by chance"
    "found_site": (
        rf"(?:came|come|stumbled|ran|happened|landed) (?:across|upon|on|onto|here) (?:to )?(?:this|your|the) {_SITE}",
        rf"(?:found|discovered|find) (?:this|your) {_SITE}",
        r"(?:browsing|surfing) (?:online|the (?:web|internet|net))",
    ),
    # "truly useful", "it helped me a lot", "really handy"
    "helpful": (
        r"(?:truly|really|extremely|very|so|quite|super) (?:useful|helpful|informative|handy|beneficial|valuable)",
        r"(?:helped|assisted|aided|benefited) me (?:out )?(?:a lot|lots|much|greatly|a great deal|so much)",
    ),
    # "give something back", "return the favour", "help others like you helped me"
    "reciprocity": (
        r"give (?:something|anything|some) back",
        r"return the favou?r",
        r"repay (?:the|your|this) (?:kindness|favou?r|help)",
        r"(?:aid|help|assist) others",
    ),
    # "bookmarked it", "I will come back"
    "return_visit": (
        r"(?:bookmarked|book-marked|bookmarking|book marked|bookmark) (?:it|this|your|you)",
        r"(?:i'll|i will|will) (?:be )?(?:coming|come) back",
    ),
    # Talk about the blog itself rather than what it says.
    "blog_talk": (
        r"(?:awesome|amazing|superb|nice|great) (?:blog|site|website) (?:layout|design|theme)",
        r"how long have you been blogging",
        r"would you mind if i (?:share|shared|link|quote)",
        r"(?:kinda|somewhat|kind of|a bit|slightly) off topic",
        r"impressed with your writing",
        rf"(?:your|this) {_SITE} (?:is|was) (?:really|very|truly|so) (?:nice|good|great|useful|helpful)",
        r"what(?:'s| is) up (?:to )?(?:every one|everyone|all)",
        r"(?:fastidious|pleasant) (?:piece|paragraph|post|article)",
        r"keep up the (?:good|great|fantastic|excellent) (?:work|job)",
    ),
}


class GenericPraiseFilter(BaseFilter):
    """Scores the stock praise of spun spam comments ("I came across this board…").

    Each move of :data:`PRAISE_MOVES` the comment makes (each phrase of ``EXTRA_PHRASES``
    counts as a move of its own) adds ``PHRASE_SCORE``, up to ``MAX_SCORE``. The maximum is
    below the hold threshold on purpose: a reader may well say "first time here, bookmarked
    it!". Such praise holds a comment only together with another signal, such as an author
    name in an unexpected script or with commercial words.
    """

    name = "generic_praise"
    default_options = {"PHRASE_SCORE": 0.3, "MAX_SCORE": 0.9, "EXTRA_PHRASES": ()}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        moves = [join_phrases(group) for group in PRAISE_MOVES.values()]
        # The built-in phrases are lower case and the text is folded, so no IGNORECASE
        # (four times slower); a site's own phrases may be written in any case.
        extra = [f"(?i:{p})" for p in self.options["EXTRA_PHRASES"]]
        moves += [join_phrases([p]) for p in extra]
        self._moves = moves
        phrases = [p for group in PRAISE_MOVES.values() for p in group]
        phrases += extra
        # One pass over the text rules out most comments before each phrase is looked for.
        self._any = re.compile(join_phrases(phrases))

    @cached_property
    def _patterns(self) -> list[re.Pattern[str]]:
        # Compiled when a comment first needs them: most never do, and compiling them all
        # would slow the first comment every new process receives.
        return [re.compile(m) for m in self._moves]

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        body = fold(comment.body).replace("\u2019", "'")
        if not self._any.search(body):
            return None
        found = [m.group(0) for p in self._patterns if (m := p.search(body))]
        if not found:
            return None
        score = round(min(len(found) * self.options["PHRASE_SCORE"], self.options["MAX_SCORE"]), 2)
        return self.verdict(
            "generic_praise",
            score,
            _("Stock phrases of spam comments: %(phrases)s.")
            % {"phrases": ", ".join(f"“{f}”" for f in found)},
        )

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        return errors + phrase_errors(cls, options.get("EXTRA_PHRASES") or (), index)
