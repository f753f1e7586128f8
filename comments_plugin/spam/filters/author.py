from __future__ import annotations

import re
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

#: Words of trades that advertise through comment author names ("Cheap Loans Today",
#: "Izzi Casino"). A person's name does not contain them. Matched case-insensitively as
#: whole words (with a plural ``s``), after look-alike letters are folded.
COMMERCIAL_WORDS = (
    "casino",
    "kazino",
    "казино",
    "poker",
    "slots?",
    "betting",
    "bookmaker",
    "loans?",
    "payday",
    "viagra",
    "cialis",
    "pharmacy",
    "pills?",
    "escorts?",
    "massage",
    "seo",
    "backlinks?",
    "crypto",
    "bitcoin",
    "forex",
    "porn",
    "xxx",
    "replica",
    "cheap",
    "discount",
    "coupons?",
    "promo code",
    "essay writing",
    "weight loss",
)


class AuthorNameFilter(BaseFilter):
    """Scores author names that are adverts: a trade's words instead of a person's name.

    A name containing a word of :data:`COMMERCIAL_WORDS` (plus ``EXTRA_WORDS``, regular
    expressions) scores ``SCORE``: too little to hold a comment alone, enough together with
    another signal. Web addresses in names are scored by the link filter, names in an
    unexpected writing system by the script filter.
    """

    name = "author_name"
    default_options = {"SCORE": 0.6, "EXTRA_WORDS": ()}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Lower-case words matched in the folded name; a site's own in any case.
        words = [*COMMERCIAL_WORDS, *(f"(?i:{w})" for w in self.options["EXTRA_WORDS"])]
        self._pattern = re.compile(join_phrases(words))

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        name = fold(comment.author_name)
        # Domain labels are words too: "izzi-kazino.shop" names a casino.
        match = self._pattern.search(name.replace(".", " ").replace("-", " "))
        if not match:
            return None
        return self.verdict(
            "commercial_name",
            self.options["SCORE"],
            _("The author's name advertises a trade: “%(word)s”.") % {"word": match.group(0)},
        )

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        return errors + phrase_errors(cls, options.get("EXTRA_WORDS") or (), index, "EXTRA_WORDS")
