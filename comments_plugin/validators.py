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
character and on generated addresses, against the Django release installed. The small
pattern is used only in front of a Django pattern it was checked against (:data:`AUDITED`):
should a later Django release change its pattern, Django's is used alone.
"""

from __future__ import annotations

import hashlib
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
    r"""A stand-in for a compiled pattern: ``quick`` is tried first, then ``full``.

    ``quick`` must match only strings that ``full`` matches, and be anchored (``^``...``\Z``)
    so that ``search()`` cannot find it inside a longer string; a match tells only that the
    string matched (the validators never look further), not where ``full`` would have.
    Other attributes (``pattern``, ``flags``, ``fullmatch()``...) are ``full``'s, except
    names with double underscores.
    """

    __slots__ = ("full", "quick")

    def __init__(self, quick: str, full: Any) -> None:
        self.quick = re.compile(quick)
        self.full = full

    def match(self, value: str) -> re.Match[str] | None:
        return self.quick.match(value) or self.full.match(value)

    def search(self, value: str) -> re.Match[str] | None:
        return self.quick.search(value) or self.full.search(value)

    def __getattr__(self, name: str) -> Any:
        # Not for the slots (unset while copy or pickle rebuilds an instance: no recursion),
        # nor for protocol names (__setstate__, __html__...): asking Django's lazy pattern
        # for those would compile it.
        if name in self.__slots__ or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full, name)

    def __repr__(self) -> str:
        return f"<QuickFirst {self.quick.pattern!r}, then Django's pattern>"


#: The Django patterns the quick ones were checked against, by the SHA-256 of
#: "<flags>:<pattern>" (URLValidator.regex and EmailValidator.domain_regex, the same from
#: Django 5.2 to 6.1), each with the quick pattern that may go in front of it. Another
#: pattern (a later Django release) is used on its own until checked:
#: ``tests/test_validators.py`` fails on such a release until it is added here.
AUDITED = {
    "47f6c0139ac8e1c67598846277ef7bac3f107597e7f4a5fa4add8d1875137a61": QUICK_URL,
    "66d43d801a31cd638d6a1032cab434e39a7ce64120a576f427aa42620c86153a": QUICK_DOMAIN,
}


def source_of(lazy: Any) -> tuple[str, int] | None:
    """The pattern and flags a pattern of ``django.core.validators`` compiles on first use,
    read without compiling it; ``None`` if Django no longer builds them that way."""
    try:
        compile_ = lazy.__dict__["_setupfunc"]
        cells = zip(compile_.__code__.co_freevars, compile_.__closure__, strict=True)
        found = {name: cell.cell_contents for name, cell in cells}
        pattern, flags = found["regex"], found["flags"]
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    if not isinstance(pattern, str) or not isinstance(flags, int):
        return None
    return pattern, int(flags)


def fingerprint(pattern: str, flags: int) -> str:
    return hashlib.sha256(f"{flags}:{pattern}".encode()).hexdigest()


def quick_first(quick: str, full: Any) -> Any:
    """``full`` with ``quick`` tried first, if ``quick`` was checked against ``full``
    (:data:`AUDITED`); else ``full`` itself."""
    source = source_of(full)
    if source is None or AUDITED.get(fingerprint(*source)) != quick:
        return full
    return QuickFirst(quick, full)


class URLValidator(validators.URLValidator):
    """Django's ``URLValidator``, quicker to start (see the module's docstring)."""

    # Typed as the pattern it stands in for: Django's validators call match() and search().
    regex = cast("re.Pattern[str]", quick_first(QUICK_URL, validators.URLValidator.regex))


class EmailValidator(validators.EmailValidator):
    """Django's ``EmailValidator``, quicker to start (see the module's docstring)."""

    domain_regex = cast(
        "re.Pattern[str]", quick_first(QUICK_DOMAIN, validators.EmailValidator.domain_regex)
    )


validate_email = EmailValidator()
