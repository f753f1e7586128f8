"""Django's e-mail and URL validators, without their slow start.

Django compiles the patterns of its e-mail and URL validators when each is first used, and
each takes about 20 ms: they match any letter of the Basic Multilingual Plane regardless of
case, which makes Python's ``re`` work out the case of some 65,000 characters for every
character class. Every new server process paid that on its first comment, twice (an address,
then a website).

The validators here are Django's own classes with one change: the host name is first matched
with a small pattern of ASCII letters, digits and hyphens, whose every match Django's pattern
also matches. Only a value the small pattern does not match (a host name in another script,
a trailing dot, an IP address, a password in the URL, an invalid value) is given to Django's
pattern, compiled then. So they accept and refuse exactly what Django's validators do, with
the same messages and codes; ``tests/test_validators.py`` checks the inclusion on every
character and on generated addresses, against the Django release installed.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.core import validators

# One label of a host name as Django's patterns allow it, in ASCII: 1 to 63 letters, digits
# and hyphens, neither first nor last a hyphen.
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
# Labels, then a top-level domain of letters (Django's allows no digits there).
_HOST = rf"(?:{_LABEL}\.)+[a-zA-Z]{{2,63}}"

#: What most websites look like: an http(s) URL with an ASCII host name, a port and a path
#: (the part of Django's URL pattern after the host, unchanged).
QUICK_URL = rf"^https?://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#][^\s]*)?\Z"
#: The domain of most e-mail addresses.
QUICK_DOMAIN = rf"^{_HOST}\Z"


class QuickFirst:
    """A stand-in for a compiled pattern: ``quick`` is tried first, then ``full``.

    ``quick`` must match only strings that ``full`` matches; a match tells only that the
    string matched (the validators never look further), not where ``full`` would have.
    """

    __slots__ = ("full", "quick")

    def __init__(self, quick: str, full: Any) -> None:
        self.quick = re.compile(quick)
        self.full = full

    def match(self, value: str) -> re.Match[str] | None:
        return self.quick.match(value) or self.full.match(value)

    def search(self, value: str) -> re.Match[str] | None:
        return self.quick.search(value) or self.full.search(value)

    # What RegexValidator.__eq__ compares: Django's pattern (compiled for it).
    @property
    def pattern(self) -> str:
        return str(self.full.pattern)

    @property
    def flags(self) -> int:
        return int(self.full.flags)


class URLValidator(validators.URLValidator):
    """Django's ``URLValidator``, quicker to start (see the module's docstring)."""

    # Typed as the pattern it stands in for: Django's validators only call match() and search().
    regex = cast("re.Pattern[str]", QuickFirst(QUICK_URL, validators.URLValidator.regex))


class EmailValidator(validators.EmailValidator):
    """Django's ``EmailValidator``, quicker to start (see the module's docstring)."""

    domain_regex = cast(
        "re.Pattern[str]", QuickFirst(QUICK_DOMAIN, validators.EmailValidator.domain_regex)
    )


validate_email = EmailValidator()
