from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import global_settings, settings
from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import (
    has_mixed_script_word,
    script_counts,
    scripts_for_languages,
    without_urls,
)
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


# The settings site_scripts() last read, and its answer: comparing LANGUAGES with Django's
# hundred default languages for every comment cost more than the rest of the filter.
_last_scripts: tuple[Any, Any, list[str]] | None = None


def site_scripts() -> list[str]:
    """Writing systems of the site's languages: ``LANGUAGES`` if the site set it, else
    ``LANGUAGE_CODE`` (Django's default ``LANGUAGES`` lists every language it ships)."""
    global _last_scripts
    languages, language_code = settings.LANGUAGES, settings.LANGUAGE_CODE
    last = _last_scripts
    # The same settings objects (override_settings puts new ones in place).
    if last is not None and last[0] is languages and last[1] == language_code:
        return list(last[2])
    if list(languages) != list(global_settings.LANGUAGES):
        scripts = scripts_for_languages([code for code, _name in languages])
    else:
        scripts = scripts_for_languages([language_code])
    _last_scripts = (languages, language_code, scripts)
    return list(scripts)


class UnexpectedScriptFilter(BaseFilter):
    """Scores text written mostly in writing systems the site's languages do not use.

    An English site rarely gets genuine comments in Hangul or Cyrillic, while spam networks
    post them everywhere. ``EXPECTED_SCRIPTS`` (e.g. ``["Latin", "Cyrillic"]``; Unicode script
    names) defaults to the scripts of ``LANGUAGES`` / ``LANGUAGE_CODE``. A body whose letters
    are more than ``BODY_RATIO`` unexpected scores ``BODY_SCORE``; an author name that is,
    ``AUTHOR_SCORE``. A word mixing Latin letters with Cyrillic or Greek look-alikes
    ("casino" with a Cyrillic "a"), in the body or the name, scores ``MIXED_SCORE``: people do not write so,
    people dodging word filters do.
    """

    name = "unexpected_script"
    default_options = {
        "EXPECTED_SCRIPTS": None,
        "BODY_RATIO": 0.5,
        "BODY_SCORE": 2.0,
        "AUTHOR_SCORE": 0.4,
        "MIXED_SCORE": 0.5,
        "MIN_LETTERS": 2,
    }

    def expected(self) -> set[str]:
        return set(self.options["EXPECTED_SCRIPTS"] or site_scripts())

    def _unexpected(self, text: str, expected: set[str]) -> tuple[float, list[str]]:
        counts = script_counts(text)
        total = sum(counts.values())
        if total < self.options["MIN_LETTERS"]:
            return 0.0, []
        foreign = {script: n for script, n in counts.items() if script not in expected}
        names = sorted(foreign, key=foreign.__getitem__, reverse=True)
        return sum(foreign.values()) / total, names

    def check(self, comment: Comment, submission: Submission) -> list[Verdict]:
        expected = self.expected()
        verdicts = []
        ratio, names = self._unexpected(comment.body, expected)
        if ratio > self.options["BODY_RATIO"]:
            verdicts.append(
                self.verdict(
                    "unexpected_script_body",
                    self.options["BODY_SCORE"],
                    _(
                        "The comment is written mostly in %(scripts)s; this site expects %(expected)s."
                    )
                    % {"scripts": ", ".join(names), "expected": ", ".join(sorted(expected))},
                )
            )
        # Without its web addresses: "Casino at example.kz" is judged by "Casino at".
        ratio, names = self._unexpected(without_urls(comment.author_name), expected)
        if ratio > 0.5:
            verdicts.append(
                self.verdict(
                    "unexpected_script_name",
                    self.options["AUTHOR_SCORE"],
                    _(
                        "The author's name is written in %(scripts)s; this site expects %(expected)s."
                    )
                    % {"scripts": ", ".join(names), "expected": ", ".join(sorted(expected))},
                )
            )
        if has_mixed_script_word(comment.body) or has_mixed_script_word(comment.author_name):
            verdicts.append(
                self.verdict(
                    "mixed_script_word",
                    self.options["MIXED_SCORE"],
                    _("A word mixes Latin letters with look-alike letters of other alphabets."),
                )
            )
        return verdicts

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        scripts = options.get("EXPECTED_SCRIPTS")
        if scripts is not None and (
            not isinstance(scripts, list | tuple) or not all(isinstance(s, str) for s in scripts)
        ):
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) EXPECTED_SCRIPTS must be None or "
                    "a list of script names such as ['Latin', 'Cyrillic'].",
                    id="comments_plugin.E017",
                )
            )
        return errors
