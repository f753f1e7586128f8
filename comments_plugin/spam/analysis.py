"""Text analysis shared by the built-in filters: words, links, writing systems.

Everything here is a pure function of strings, so filters stay cheap and testable.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

#: Words (letters and digits; underscores kept, so blocklist entries like ``_1win`` match).
WORD_RE = re.compile(r"\w+")
#: Words and single punctuation marks: how phrases of the rules filter are compared.
TOKEN_RE = re.compile(r"\w+|[^\w\s]")

# Top-level domains of links people type without a scheme ("kidsmediausa.com"). A bare
# "word.word" is not enough: "e.g", "node.js" or a missing space ("works.It rocks") are not
# links, so top-level domains that are also words ("it", "me", "in", "to"…) are left out.
_TLDS = "com|net|org|info|biz|ru|kz|ua|pl|uk|io|tv|ly|gl|cc|xyz|ws|cn|eu|fr|br|au|nl|vip|bet|casino"
# Linear time on hostile input ("a.a.a.a…" 5,000 characters long): a bare domain may only
# start where no domain character precedes it, and its labels are matched possessively, so
# the engine never retries a long run from every position nor backtracks through it.
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]++"
    rf"|(?<![a-z0-9.-])(?:[a-z0-9][a-z0-9-]*+\.(?=[a-z0-9]))++(?:{_TLDS})\b(?:/[^\s<>\"')\]]*+)?"
    # Spaced out to dodge link counters: "kidsmediausa . com".
    r"|(?<![a-z0-9-])[a-z0-9-]++ \. (?:com|net|org)\b",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"\s+")


def find_urls(text: str) -> list[str]:
    """Links in ``text``: with a scheme, starting ``www.``, or a bare ``name.tld``."""
    return list(_find_urls(text))


# Several filters look for the links of the same comment; the scan is done once.
@functools.lru_cache(maxsize=256)
def _find_urls(text: str) -> tuple[str, ...]:
    return tuple(_SPACES_RE.sub("", m.group(0)) for m in URL_RE.finditer(text))


# "?t=2m19s", "&t=95", "#t=1:05": a link to a moment of a video, the way people point at a
# part of the page they are commenting on, not an advert.
_MOMENT_RE = re.compile(r"[?&#]t=\d")


def is_moment_link(url: str) -> bool:
    """``url`` points at a moment of a video (a ``t=`` time parameter)."""
    return _MOMENT_RE.search(url) is not None


@functools.lru_cache(maxsize=4096)
def url_domain(url: str) -> str:
    """The lower-case host of ``url`` without ``www.`` (``""`` if it has none)."""
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


def domain_matches(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def words(text: str) -> list[str]:
    """Case-folded words of ``text``."""
    return WORD_RE.findall(text.casefold())


def tokens(text: str) -> list[str]:
    """Case-folded words and punctuation marks of ``text`` (whitespace dropped)."""
    return TOKEN_RE.findall(text.casefold())


# Unicode character names start with the script for the scripts that matter here
# ("CYRILLIC SMALL LETTER A", "HANGUL SYLLABLE GA", "CJK UNIFIED IDEOGRAPH-4E00").
_NAME_PREFIXES = {
    "CJK": "Han",
    "HANGUL": "Hangul",
    "HIRAGANA": "Hiragana",
    "KATAKANA": "Katakana",
    "HALFWIDTH KATAKANA": "Katakana",
    "FULLWIDTH LATIN": "Latin",
}


@functools.lru_cache(maxsize=8192)
def char_script(char: str) -> str:
    """The writing system of a letter (``"Latin"``, ``"Cyrillic"``, ``"Han"``…), or ``""``."""
    if char.isascii():
        return "Latin" if char.isalpha() else ""
    if not unicodedata.category(char).startswith("L"):
        return ""
    name = unicodedata.name(char, "")
    for prefix, script in _NAME_PREFIXES.items():
        if name.startswith(prefix):
            return script
    first = name.split(" ", 1)[0]
    return first.capitalize() if first else ""


def script_counts(text: str) -> dict[str, int]:
    """How many letters of ``text`` belong to each writing system."""
    counts: dict[str, int] = {}
    for char in text:
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


#: Writing systems of languages by their code (the part before ``-``). Languages that are
#: not listed are written in the Latin script.
LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "ar": ("Arabic",),
    "fa": ("Arabic",),
    "ur": ("Arabic",),
    "ug": ("Arabic",),
    "ckb": ("Arabic",),
    "be": ("Cyrillic",),
    "bg": ("Cyrillic",),
    "kk": ("Cyrillic",),
    "ky": ("Cyrillic",),
    "mk": ("Cyrillic",),
    "mn": ("Cyrillic",),
    "ru": ("Cyrillic",),
    "sr": ("Cyrillic", "Latin"),
    "tg": ("Cyrillic",),
    "tt": ("Cyrillic",),
    "udm": ("Cyrillic",),
    "uk": ("Cyrillic",),
    "os": ("Cyrillic",),
    "el": ("Greek",),
    "he": ("Hebrew",),
    "hy": ("Armenian",),
    "ka": ("Georgian",),
    "hi": ("Devanagari",),
    "mr": ("Devanagari",),
    "ne": ("Devanagari",),
    "bn": ("Bengali",),
    "pa": ("Gurmukhi",),
    "gu": ("Gujarati",),
    "ta": ("Tamil",),
    "te": ("Telugu",),
    "kn": ("Kannada",),
    "ml": ("Malayalam",),
    "th": ("Thai",),
    "lo": ("Lao",),
    "km": ("Khmer",),
    "my": ("Myanmar",),
    "am": ("Ethiopic",),
    "ja": ("Han", "Hiragana", "Katakana"),
    "ko": ("Hangul", "Han"),
    "zh": ("Han",),
}


def scripts_for_languages(codes: list[str]) -> list[str]:
    """The writing systems of the languages ``codes`` (Latin is always included)."""
    scripts = {"Latin"}
    for code in codes:
        lang = code.lower().replace("_", "-").split("-")[0]
        scripts.update(LANGUAGE_SCRIPTS.get(lang, ("Latin",)))
    return sorted(scripts)


def normalise_body(text: str) -> str:
    """``text`` with case, spacing and invisible characters folded, for duplicate checks."""
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACES_RE.sub(" ", text.casefold()).strip()


def body_hash(text: str) -> str:
    """A SHA-256 digest of :func:`normalise_body`: equal for texts the duplicate filter calls
    the same, so the database finds earlier copies with an index instead of comparing texts."""
    return hashlib.sha256(normalise_body(text).encode()).hexdigest()
