"""Shared tools of the hostile-input, XSS and leak tests: an HTML auditor and safe-URL checks.

Pages are parsed with :mod:`html.parser` (what a browser would build), not searched for
substrings, so an escaped payload is text and an unescaped one is a tag or an attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "xlink:href",
    "codebase",
    "cite",
    "longdesc",
    "manifest",
    "ping",
}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# What browsers drop from a URL before reading its scheme (WHATWG URL: leading C0 controls
# and spaces, and every tab and newline anywhere).
_URL_STRIP_RE = re.compile(r"[\t\n\r]")


def browser_scheme(url: str) -> str:
    """The scheme a browser would see in ``url`` (already entity-decoded), lower-cased."""
    cleaned = _URL_STRIP_RE.sub("", url).lstrip("".join(map(chr, range(0x21))))
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else ""


def is_on_site(url: str, host: str = "testserver") -> bool:
    """Whether a redirect to ``url`` stays on ``host`` as a browser would read it."""
    cleaned = _URL_STRIP_RE.sub("", url).strip().replace("\\", "/")
    if browser_scheme(cleaned) not in ("", "http", "https"):
        return False
    parts = urlsplit(cleaned)
    if parts.scheme and not parts.netloc:
        # "http:evil" is relative in theory and a different host in some browsers.
        return False
    return parts.netloc in ("", host)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    #: The ``id`` of the comment (``comment-12``) the element is in, if any.
    comment: str = ""


class PageAudit(HTMLParser):
    """Every element and attribute of a page, and the text of each comment's parts.

    ``text("comment-12/comment-content")`` is the text of that comment's body as a reader
    sees it: ``<br>`` as a newline, paragraphs separated by a blank line, a link as its
    full address.
    """

    CAPTURED_CLASSES = ("comment-author", "comment-content")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: dict[str, list[str]] = {}
        self._capture: list[tuple[str, int]] = []  # (key, depth it was opened at)
        self._depth = 0
        self._comment = ""
        self._in_link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "li" and values.get("id", "").startswith("comment-"):
            self._comment = values["id"]
        self.elements.append(Element(tag, values, self._comment))
        if tag in VOID_TAGS:
            if tag == "br":
                self._text("\n")
            return
        self._depth += 1
        if tag == "p" and self._capture:
            self._text("\n\n")
        if tag == "a" and self._capture:
            # Link text may be shortened; the full address is the href.
            self._text(values.get("href", ""))
            self._in_link = self._depth
        for name in self.CAPTURED_CLASSES:
            if name in values.get("class", "").split():
                self._capture.append((f"{self._comment}/{name}", self._depth))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        while self._capture and self._capture[-1][1] == self._depth:
            self._capture.pop()
        if self._in_link == self._depth:
            self._in_link = 0
        self._depth = max(self._depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self._in_link:
            self._text(data)

    def _text(self, data: str) -> None:
        for key, _depth in self._capture:
            self.texts.setdefault(key, []).append(data)

    def text(self, key: str) -> str:
        return "".join(self.texts.get(key, []))

    @property
    def tags(self) -> set[str]:
        return {e.tag for e in self.elements}

    def unsafe_urls(self) -> list[tuple[str, str, str]]:
        """(tag, attribute, value) of every URL attribute with a scheme other than http(s)."""
        found = []
        for element in self.elements:
            for name, value in element.attrs.items():
                if name in URL_ATTRIBUTES and browser_scheme(value) not in SAFE_SCHEMES:
                    found.append((element.tag, name, value))
        return found

    def event_handlers(self) -> list[tuple[str, str]]:
        return [(e.tag, name) for e in self.elements for name in e.attrs if name.startswith("on")]


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser
