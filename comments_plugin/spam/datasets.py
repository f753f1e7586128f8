"""Labelled comment files for ``comments_spam_train`` and ``comments_spam_eval``.

Two CSV layouts are read, recognised by their header:

* the YouTube Spam Collection: ``COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS`` (``CLASS`` 1 = spam);
  its HTML is turned back into text (entities unescaped, ``<br>`` to newlines, links to their
  URLs) and the trailing U+FEFF removed;
* a generic ``content,label[,author,url]`` where ``label`` is ``spam``/``ham`` or ``1``/``0``.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LINK_RE = re.compile(r"<a\s[^>]*href=[\"']([^\"']*)[\"'][^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
SPAM_LABELS = {"1", "spam", "true", "yes"}
HAM_LABELS = {"0", "ham", "false", "no"}


@dataclass(frozen=True)
class LabelledComment:
    body: str
    is_spam: bool
    author_name: str = ""
    author_url: str = ""
    source: str = ""


class DatasetError(ValueError):
    pass


def html_to_text(value: str) -> str:
    """YouTube's comment HTML as the plain text a commenter would have typed."""
    value = value.replace("\ufeff", "")
    value = _BR_RE.sub("\n", value)
    value = _LINK_RE.sub(lambda m: " " + html.unescape(m.group(1)) + " ", value)
    value = _TAG_RE.sub("", value)
    return html.unescape(value).strip()


def _label(value: str, path: Path, line: int) -> bool:
    value = value.strip().lower()
    if value in SPAM_LABELS:
        return True
    if value in HAM_LABELS:
        return False
    raise DatasetError(f"{path}:{line}: unknown label {value!r} (use spam/ham or 1/0).")


def read_labelled(path: str | Path) -> Iterator[LabelledComment]:
    """Comments from one CSV file in either layout; raises :class:`DatasetError`."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {name.strip().lower(): name for name in reader.fieldnames or []}
        if {"content", "class"} <= fields.keys():
            body_key, label_key = fields["content"], fields["class"]
            author_key, url_key, youtube = fields.get("author"), None, True
        elif {"content", "label"} <= fields.keys():
            body_key, label_key = fields["content"], fields["label"]
            author_key, url_key, youtube = fields.get("author"), fields.get("url"), False
        else:
            raise DatasetError(
                f"{path}: expected a header COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS or "
                "content,label[,author,url]."
            )
        for line, row in enumerate(reader, start=2):
            body = row.get(body_key) or ""
            yield LabelledComment(
                body=html_to_text(body) if youtube else body.replace("\ufeff", "").strip(),
                is_spam=_label(row.get(label_key) or "", path, line),
                author_name=(row.get(author_key) or "").strip() if author_key else "",
                author_url=(row.get(url_key) or "").strip() if url_key else "",
                source=path.name,
            )
