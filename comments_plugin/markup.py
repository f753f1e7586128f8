"""Turning a comment's plain text into safe HTML."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# http(s) URLs only; anything else (javascript:, data:, www. without a scheme) stays text.
URL_RE = re.compile(r"""\bhttps?://[^\s<>"'`\x00-\x1f\x7f]+""", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,:;!?'\")]}»”\u2019"
LINK_TEXT_LIMIT = 70
# C0 control characters but tab, newline and carriage return: invisible on a page, and
# forbidden by XML 1.0, so one of them would make a feed showing the comment fail.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a browser ignores when it reads a URL's scheme (WHATWG URL parsing).
_URL_IGNORED_RE = re.compile(r"[\t\n\r]")
_URL_LEADING = "".join(map(chr, range(0x21)))


def strip_control_characters(text: str) -> str:
    """``text`` without the control characters a page or a feed cannot carry."""
    return CONTROL_CHARACTERS_RE.sub("", text)


def is_web_url(url: str) -> bool:
    """Whether a browser would read ``url`` as an http(s) address (and nothing else).

    Use it before putting a stored address in an ``href``: data that did not come through
    the form (an import, a script) may hold ``javascript:`` or an obfuscated variant.
    """
    cleaned = _URL_IGNORED_RE.sub("", url).lstrip(_URL_LEADING).lower()
    return cleaned.startswith(("http://", "https://"))


def _split_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation that is prose, not URL (keeping balanced brackets)."""
    trail = ""
    while url and url[-1] in TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    return url, trail


def _link(url: str) -> str:
    text = url if len(url) <= LINK_TEXT_LIMIT else url[: LINK_TEXT_LIMIT - 1] + "…"
    return f'<a href="{escape(url)}" rel="nofollow ugc noopener">{escape(text)}</a>'


def linkify(text: str) -> str:
    """Escape ``text`` and make its http(s) URLs links with ``rel="nofollow ugc noopener"``."""
    out: list[str] = []
    pos = 0
    for match in URL_RE.finditer(text):
        url, trail = _split_url(match.group(0))
        if len(url) <= len("https://"):
            continue
        out.append(escape(text[pos : match.start()]))
        out.append(_link(url))
        out.append(escape(trail))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def render_body(text: str) -> SafeString:
    """Plain text to HTML: escaped, paragraphs on blank lines, ``<br>`` on single newlines."""
    text = strip_control_characters(text.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(
        "<p>" + linkify(p.strip("\n")).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
    return mark_safe(html)  # every piece above went through escape()
