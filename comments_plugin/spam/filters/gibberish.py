from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import compiled_on_first_use, without_urls, word_tuple
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

# A run of digits standing on its own or glued to the next word ("24791You"), but not part
# of a formatted number, a time, a version, a price or an address ("1,000,000", "2:19").
_number_re = compiled_on_first_use(
    r"(?<![\w.,:/#$€£+-])\d+(?![\d.,:/%-]?\d)(?=[^\W\d_]|\s|$|[!?)])"
)
_CONSONANTS_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}")
# Letters held for emphasis ("loooovvvveee") are one letter, not a consonant cluster.
_HELD_LETTER_RE = re.compile(r"(\w)\1+")


_DIGIT_RE = re.compile(r"\d")


def _is_mash(word: str) -> bool:
    """Six consonants in a row in an ASCII word, letters held for emphasis counted once."""
    return word.isascii() and _CONSONANTS_RE.search(_HELD_LETTER_RE.sub(r"\1", word)) is not None


# Words come back comment after comment: each is looked at once. Only words of up to
# _MEMO_LENGTH characters: thousands of made-up words as long as a comment would otherwise
# stay in every process (over a hundred megabytes).
_MEMO_LENGTH = 30
_is_short_mash = functools.lru_cache(maxsize=8192)(_is_mash)


class GibberishFilter(BaseFilter):
    """Scores text that means nothing: number garbage, keyboard mash, one word repeated.

    Spam generators pad their text with stray numbers ("808988 24791You might…") to defeat
    duplicate checks; ``MIN_NUMBERS`` such numbers of ``MIN_DIGITS`` digits or more score
    ``NUMBER_SCORE``. Latin words with six consonants in a row ("xkqzvbt") score
    ``MASH_SCORE`` when they make up a good part of the text, and a comment that is mostly one
    word repeated scores ``REPEAT_SCORE``.
    """

    name = "gibberish"
    default_options = {
        "MIN_DIGITS": 5,
        "MIN_NUMBERS": 3,
        "NUMBER_SCORE": 1.0,
        "MASH_SCORE": 1.0,
        "REPEAT_SCORE": 0.5,
    }

    def check(self, comment: Comment, submission: Submission) -> list[Verdict]:
        text = without_urls(comment.body)
        verdicts = []
        # Most comments have no digit at all: one quick look spares the slow pattern.
        numbers = (
            [
                m.group(0)
                for m in _number_re().finditer(text)
                if len(m.group(0)) >= self.options["MIN_DIGITS"]
            ]
            if _DIGIT_RE.search(text)
            else []
        )
        if len(numbers) >= self.options["MIN_NUMBERS"]:
            verdicts.append(
                self.verdict(
                    "number_garbage",
                    self.options["NUMBER_SCORE"],
                    _("Stray long numbers in the text: %(numbers)s.")
                    % {"numbers": ", ".join(numbers[:5])},
                )
            )
        ws = [w for w in word_tuple(text) if not w.isdigit()]
        # Six consonants need a word of six letters; shorter words are not looked at.
        mash = [
            w
            for w in ws
            if len(w) >= 6 and (_is_short_mash(w) if len(w) <= _MEMO_LENGTH else _is_mash(w))
        ]
        if len(mash) >= 2 and len(mash) >= 0.3 * len(ws):
            verdicts.append(
                self.verdict(
                    "keyboard_mash",
                    self.options["MASH_SCORE"],
                    _("Words that are not words: %(words)s.") % {"words": ", ".join(mash[:5])},
                )
            )
        if len(ws) >= 20:
            counted = [w for w in ws if len(w) >= 3]
            # No word can occur more often than once plus the repeats there are: most texts
            # are ruled out without counting their words.
            repeats = len(counted) - len(set(counted))
            word, count = (
                Counter(counted).most_common(1)[0] if repeats + 1 >= 0.3 * len(ws) else ("", 0)
            )
            if count >= 0.3 * len(ws):
                verdicts.append(
                    self.verdict(
                        "repeated_word",
                        self.options["REPEAT_SCORE"],
                        _("The word “%(word)s” makes up most of the text.") % {"word": word},
                    )
                )
        return verdicts
