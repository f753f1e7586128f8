"""Text analysis shared by the built-in filters: words, links, writing systems.

Everything here is a pure function of strings, so filters stay cheap and testable.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit


def compiled_on_first_use(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function returning ``re.compile(pattern, flags)``, compiled on its first call.

    For patterns most comments never need (links, non-ASCII text, digits): compiled at import,
    the first comment every new process receives would wait for them all (~9 ms).
    """
    return functools.cache(functools.partial(re.compile, pattern, flags))


#: Words (letters and digits; underscores kept, so blocklist entries like ``_1win`` match).
WORD_RE = re.compile(r"\w+")
#: Words and single punctuation marks: how phrases of the rules filter are compared.
TOKEN_RE = re.compile(r"\w+|[^\w\s]")

# Top-level domains of links people type without a scheme ("kidsmediausa.com", "evil.shop").
# Any two-letter country code counts, except those that are also English words or file types
# ("it", "in", "me", "js"), which count only with a path after them ("example.it/x"); longer
# top-level domains count when they are common generic ones. A bare "word.word" is not enough:
# "e.g", "node.js", "report.pdf" or a missing space ("works.It rocks") are not links.
_GENERIC_TLDS = (
    "com|net|org|info|biz|edu|gov|mobi|name|pro|tel|asia|xyz|vip|bet|casino|poker|shop|"
    "online|site|top|club|store|live|app|dev|icu|buzz|fun|space|website|link|click|bond|"
    "cyou|sbs|win|loan|loans|money|cash|finance|credit|deals|sale|best|cheap|porn|sex|xxx|"
    "dating|life|world|today|news|blog|page|digital|tech|cloud|host|press|agency|email|"
    "services|solutions|guru|rocks|ninja|works|tokyo|moscow|pharmacy|bid|review|trade|date|"
    "party|racing|stream|download|men|work|kim|ooo|lol|rest|monster|quest|cfd|skin"
)
_WORD_TLDS = frozenset(
    (
        *("am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "id", "if", "in", "is"),
        *("it", "me", "my", "no", "of", "ok", "on", "or", "so", "to", "up", "us", "we"),
        *("js", "py", "md", "rs", "ts", "sh", "pl", "cs", "ai", "ps"),
    )
)
_DOMAIN_LABELS = r"(?:[a-z0-9][a-z0-9-]*+\.(?=[a-z0-9]))++"
_PATH = r"(?:/[^\s<>\"')\]]*+)?"
# Linear time on hostile input ("a.a.a.a…" 5,000 characters long): a bare domain may only
# start where no domain character precedes it, and its labels are matched possessively, so
# the engine never retries a long run from every position nor backtracks through it. The
# two-letter top-level domain is lower case ("works.It" is a missing space, not a link).
#: The pattern of a link (compiled on first use): with a scheme, starting ``www.``, or a bare
#: ``name.tld``.
url_re = compiled_on_first_use(
    r"(?:https?://|www\.)[^\s<>\"')\]]++"
    rf"|(?<![a-z0-9.-]){_DOMAIN_LABELS}(?:{_GENERIC_TLDS})\b{_PATH}"
    rf"|(?<![a-z0-9.-]){_DOMAIN_LABELS}(?-i:[a-z]{{2}})\b(?!\.[a-z0-9]){_PATH}"
    # Spaced out to dodge link counters: "kidsmediausa . com".
    r"|(?<![a-z0-9-])[a-z0-9-]++ \. (?:com|net|org)\b",
    re.IGNORECASE,
)
# What every match of url_re() contains ("://", "www.", a dot before a letter or digit, or
# " . "), found ten times faster: most comments have none, and then url_re() is neither
# compiled (~5 ms) nor run.
_URL_HINT_RE = re.compile(r"://|www\.|\.[a-z0-9]| \. ", re.IGNORECASE)
_SPACES_RE = re.compile(r"\s+")
# Links written so that link finders miss them: "example[.]com", "example(dot)com",
# "hxxp://example.com".
_obfuscated_dot_re = compiled_on_first_use(
    r"\s*(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\s*", re.IGNORECASE
)
_hxxp_re = compiled_on_first_use(r"\bhxxp(s?)://", re.IGNORECASE)

# Characters that change nothing a reader sees: soft hyphen, zero-width spaces and joiners,
# bidirectional controls, variation selectors, fillers. Spammers put them inside words
# ("cas\u200bino") so that word lists miss them.
_invisible_re = compiled_on_first_use(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
# Cyrillic and Greek letters that look like Latin ones, and the Latin letter each imitates.
_LOOKALIKES = "аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅοικνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
_CONFUSABLE = str.maketrans(_LOOKALIKES, "aeopcyxijsdqwABEKMHOPCTXIJSoikvptuxABEZHIKMNOPTYX")
_lookalike_re = compiled_on_first_use(f"[{_LOOKALIKES}]")
# A word with at least one Latin letter; the look-ahead runs only at word starts, so this is
# linear on a long word.
_mixed_word_re = compiled_on_first_use(r"\b(?=\w*[a-zA-Z])\w+")


# Several filters fold the same comment; the work is done once.
# Sized, like the caches below, for the few texts one comment's filters share (its body and
# name, folded and not): a comment body may be 5,000 characters that NFKC expands many times.
@functools.lru_cache(maxsize=64)
def fold(text: str, casefold: bool = True) -> str:
    """``text`` as matching sees it: invisible characters dropped, NFKC-normalised (fullwidth
    and mathematical letters become plain ones), Cyrillic and Greek look-alikes inside
    otherwise Latin words mapped to Latin, and case-folded. Real Russian or Greek words are
    left as they are."""
    if text.isascii():
        return text.casefold() if casefold else text
    text = unicodedata.normalize("NFKC", _invisible_re().sub("", text))
    if _lookalike_re().search(text):
        text = _mixed_word_re().sub(lambda m: m.group().translate(_CONFUSABLE), text)
    return text.casefold() if casefold else text


def has_mixed_script_word(text: str) -> bool:
    """``text`` has a word mixing Latin letters with Cyrillic or Greek look-alikes
    ("casino" typed with a Cyrillic "a"): people do not write so, filter dodgers do."""
    if text.isascii() or not _lookalike_re().search(text):
        return False
    lookalike = _lookalike_re()
    return any(lookalike.search(m.group()) for m in _mixed_word_re().finditer(text))


# The link scan is the dearest step of reading a comment and several filters need it (to
# find the links, to read the text without them): it is done once per text.
#
# These memos serve the filters checking the same comment one after the other, so they keep
# the texts of the last few comments only: a comment's text can expand to ninety thousand
# characters (NFKC) and twenty thousand words, and hundreds of such texts made up to fill
# the memos would hold hundreds of megabytes in every process.
@functools.lru_cache(maxsize=32)
def url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of every match of :func:`url_re` in ``text``, as ``finditer`` finds
    them (no folding, no undisguising: see :func:`find_urls` for the links a reader sees)."""
    if not _URL_HINT_RE.search(text):
        return ()
    return tuple(m.span() for m in url_re().finditer(text))


def without_urls(
    text: str, replacement: str = " ", only: Callable[[str], bool] | None = None
) -> str:
    """``text`` with every match of :func:`url_re` replaced by ``replacement`` (taken
    literally): ``url_re().sub(replacement, text)`` sharing the scan of :func:`url_spans`.
    With ``only``, just the matches it returns true for are replaced."""
    spans = url_spans(text)
    if not spans:
        return text
    parts = []
    last = 0
    for start, end in spans:
        if only is not None and not only(text[start:end]):
            continue
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return replacement.join(parts)


def find_urls(text: str) -> list[str]:
    """Links in ``text``: with a scheme, starting ``www.``, or a bare ``name.tld``, also when
    disguised (``example[.]com``, ``hxxp://``, fullwidth or invisible characters)."""
    return list(_find_urls(text))


# Several filters look for the links of the same comment; the scan is done once.
@functools.lru_cache(maxsize=32)
def _find_urls(text: str) -> tuple[str, ...]:
    text = fold(text, casefold=False)
    if "[" in text or "(" in text or "{" in text:
        text = _obfuscated_dot_re().sub(".", text)
    if "xxp" in text or "XXP" in text:
        text = _hxxp_re().sub(r"http\1://", text)
    urls = []
    # Usually the text itself: the scan is then shared with without_urls(text).
    for start, end in url_spans(text):
        url = _SPACES_RE.sub("", text[start:end])
        if "://" not in url and not url.lower().startswith("www."):
            host, _slash, path = url.partition("/")
            tld = host.rsplit(".", 1)[-1]
            # "it", "js": a word or a file type unless a path shows it is an address. A host
            # name has at most 253 characters.
            if (tld in _WORD_TLDS and not path) or len(host) > 253:
                continue
        urls.append(url)
    return tuple(urls)


# "?t=2m19s", "&t=95", "#t=1:05": a link to a moment of a video, the way people point at a
# part of the page they are commenting on, not an advert.
_MOMENT_RE = re.compile(r"[?&#]t=\d")


def is_moment_link(url: str) -> bool:
    """``url`` points at a moment of a video (a ``t=`` time parameter)."""
    return _MOMENT_RE.search(url) is not None


@functools.lru_cache(maxsize=512)
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
    """Words of ``text`` after :func:`fold`."""
    return list(word_tuple(text))


# The gibberish and learning filters split the same text (a comment without links). Fewer
# entries than the other memos: a split can take a hundred times the memory of its text.
@functools.lru_cache(maxsize=16)
def word_tuple(text: str) -> tuple[str, ...]:
    """:func:`words` as a tuple, split once per text."""
    return tuple(WORD_RE.findall(fold(text)))


def tokens(text: str) -> list[str]:
    """Words and punctuation marks of ``text`` after :func:`fold` (whitespace dropped)."""
    return TOKEN_RE.findall(fold(text))


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
    """How many letters of ``text`` belong to each writing system (in the order each system
    first appears)."""
    if text.isascii():
        latin = ascii_letter_count(text)
        return {"Latin": latin} if latin else {}
    counts: dict[str, int] = {}
    # Each distinct character once, in the order of its first appearance, so the systems
    # come in the order they appear; a comment has far fewer distinct characters than
    # characters.
    for char, n in collections.Counter(text).items():
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + n
    return counts


_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_NOT_ASCII_UPPER = bytes(b for b in range(128) if not chr(b).isupper())


def ascii_letter_count(text: str) -> int:
    """How many letters the ASCII ``text`` has (``sum(map(str.isalpha, text))``, faster)."""
    return len(text.encode("ascii").translate(None, _NOT_ASCII_LETTERS))


def ascii_upper_count(text: str) -> int:
    """How many capital letters the ASCII ``text`` has (``sum(map(str.isupper, text))``)."""
    return len(text.encode("ascii").translate(None, _NOT_ASCII_UPPER))


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


# The duplicate filter reads the normalised text and its digest twice per comment (to ask
# the database, to compare the rows); saving a comment needs the digest again.
@functools.lru_cache(maxsize=32)
def normalise_body(text: str) -> str:
    """``text`` with case, spacing and invisible characters folded, for duplicate checks."""
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACES_RE.sub(" ", fold(text)).strip()


@functools.lru_cache(maxsize=32)
def body_hash(text: str) -> str:
    """A SHA-256 digest of :func:`normalise_body`: equal for texts the duplicate filter calls
    the same, so the database finds earlier copies with an index instead of comparing texts."""
    return hashlib.sha256(normalise_body(text).encode()).hexdigest()


def __getattr__(name: str) -> re.Pattern[str]:
    # The link pattern used to be the module constant URL_RE; a filter of a site's own that
    # imports it keeps working (an ImportError would make the pipeline hold every comment).
    if name == "URL_RE":
        import warnings

        warnings.warn(
            "comments_plugin.spam.analysis.URL_RE is deprecated; call url_re() instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return url_re()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
