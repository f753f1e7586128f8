"""Streaming, safe XML reading shared by the WordPress and Disqus importers.

defusedxml refuses entity declarations and external references (billion laughs, XXE);
elements are dropped from the tree as soon as they are handled, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def split_tag(tag: str) -> tuple[str, str]:
    """``"{ns}name"`` → ``("ns", "name")``."""
    if tag.startswith("{"):
        ns, _sep, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def text(elem: Element | None) -> str:
    return "" if elem is None or elem.text is None else elem.text.strip()


class XMLStream:
    """Yields elements whose local name is in ``wanted`` at their end, then frees them."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.file: IO[bytes] | None = None

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": self.path, "error": exc.strerror}
            ) from exc

    def position(self) -> int:
        return self.file.tell() if self.file is not None and not self.file.closed else 0

    def elements(self, wanted: set[str], *, depth: int) -> Iterator[tuple[Element, list[Element]]]:
        """Each element named in ``wanted`` found ``depth`` levels below the root, with its
        ancestors (outermost first)."""
        try:
            self.file = open(self.path, "rb")  # noqa: SIM115 — closed in finally
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": self.path, "error": exc.strerror}
            ) from exc
        stack: list[Element] = []
        try:
            for event, elem in iterparse(self.file, events=("start", "end")):
                if event == "start":
                    stack.append(elem)
                    continue
                stack.pop()
                if len(stack) == depth and split_tag(elem.tag)[1] in wanted:
                    yield elem, stack
                    if stack:
                        stack[-1].remove(elem)
                    elem.clear()
                elif stack and len(stack) <= depth:
                    # Siblings of the wanted elements (WordPress terms, authors) are not needed.
                    stack[-1].remove(elem)
        except ParseError as exc:
            line, column = getattr(exc, "position", (0, 0))
            raise CommandError(
                _(
                    "%(path)s is not well-formed XML (line %(line)d, column %(column)d): %(error)s. Nothing was imported."
                )
                % {
                    "path": self.path.name,
                    "line": line,
                    "column": column + 1,
                    "error": _reason(exc),
                }
            ) from exc
        except LookupError as exc:  # <?xml encoding="..."?> names no text encoding Python has
            raise CommandError(
                _("%(path)s declares an unknown encoding (%(error)s). Nothing was imported.")
                % {"path": self.path.name, "error": exc}
            ) from exc
        except DefusedXmlException as exc:
            raise CommandError(
                _(
                    "%(path)s was refused: it declares entities or refers to external files (%(error)s). Nothing was imported."
                )
                % {"path": self.path.name, "error": exc}
            ) from exc
        finally:
            self.file.close()


def _reason(exc: ParseError) -> str:
    message = str(exc)
    return message.split(":", 1)[0]


def child_texts(elem: Element, *, ns_ok: Any = None) -> dict[str, str]:
    """Text of each direct child by local name (first one wins), optionally filtered by namespace."""
    values: dict[str, str] = {}
    for child in elem:
        ns, name = split_tag(child.tag)
        if ns_ok is not None and not ns_ok(ns):
            continue
        values.setdefault(name, text(child))
    return values
