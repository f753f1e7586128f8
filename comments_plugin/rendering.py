"""The public comment list as HTML, built in Python in one pass.

A Django template costs a few microseconds per variable and tag; a comment in the list
needs about thirty of them, so a thread of a thousand comments spent most of its time in
the template engine. :func:`render_comments` writes the same markup with plain string
formatting, computing what is shared (translated labels, URL prefixes, avatar URLs per
author, the date format) once per list instead of once per comment.

With ``LIST_CACHE_TIMEOUT`` set, the whole rendered list is also kept in Django's default
cache under a per-object version that every post, status change, edit and deletion
replaces (:func:`bump_list_version`, connected in ``receivers.py``), so a cached list is
never shown after a change.

The ``list.html`` template still wraps the result and still receives every
:class:`~comments_plugin.threads.Node`, so a site that wants its own per-comment markup
overrides ``list.html`` and loops over ``nodes`` itself (slower, but entirely its own).
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import re
import time
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC
from html import escape
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.db import router, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from comments_plugin import avatars, markup
from comments_plugin.conf import conf

if TYPE_CHECKING:
    from comments_plugin.models import Comment
    from comments_plugin.threads import Node

# ``django.utils.html.escape`` is ``html.escape`` plus a lazy-string wrapper and SafeString,
# which made it forty times slower; the escaping itself is the same.

# A placeholder primary key that no real URL pattern produces by accident, replaced per comment.
_PK = 987654321987


def _url_parts(name: str) -> tuple[str, str]:
    url = reverse(name, args=[_PK])
    head, _, tail = url.partition(str(_PK))
    return escape(head), escape(tail)


def encode(text: str) -> bytes:
    """``text`` as the UTF-8 the list is written in (see :class:`CommentWriter`)."""
    # "surrogatepass": whatever a str can hold comes back out of decode() unchanged.
    return text.encode("utf-8", "surrogatepass")


def decode(data: bytes | bytearray) -> str:
    """The text :func:`encode` wrote."""
    return data.decode("utf-8", "surrogatepass")


def render_comments(
    nodes: Sequence[Node],
    *,
    can_reply: bool,
    max_depth: int,
    avatar_size: int,
    reply_prefix: str,
) -> SafeString:
    """The ``<li>`` items of ``nodes`` (a flattened tree), nested with ``<ol class="children">``.

    ``reply_prefix`` is the query string the "Reply" link starts with (``"?reply_to="``,
    or with the list page in front of it); it is escaped here.
    """
    out = bytearray()
    writer = CommentWriter(can_reply=can_reply, max_depth=max_depth, avatar_size=avatar_size)
    writer.write(out, nodes, reply_prefix=reply_prefix)
    return mark_safe(decode(out))  # every value in it went through escape()


class CommentWriter:
    """Writes the markup of :func:`render_comments` into a ``bytearray``, as UTF-8.

    What the comments share (translated labels, URL prefixes, the date format, the time
    zone) is worked out when the writer is made, in the language and time zone active then.

    Into bytes rather than into a list of strings: a long list is then one growing buffer
    instead of tens of thousands of small strings, which Python's allocator spreads over
    its arenas, and which a single object still alive among them keeps in memory after
    the list is joined. The caller decodes the buffer once, into the page's string.
    """

    def __init__(self, *, can_reply: bool, max_depth: int, avatar_size: int) -> None:
        self.can_reply = can_reply
        self.max_depth = max_depth
        self.avatar_size = avatar_size
        self.language = get_language()
        self.zone = timezone.get_current_timezone()
        # Stored times come back in UTC; on a site whose time zone is UTC they need no
        # converting.
        self.utc = timezone.get_current_timezone_name() == "UTC"
        self.format_when = _date_formatter(get_format("DATETIME_FORMAT"))
        self.awaiting = escape(gettext("Your comment is awaiting moderation."))
        self.reply_label = escape(gettext("Reply"))
        self.report_label = escape(gettext("Report"))
        # Escaped too: it goes into an attribute, where a translation's own quote would end it.
        self.reply_to = escape(gettext("Reply to %(name)s"))
        self.flag_head, self.flag_tail = _url_parts("comments_plugin:flag")

    def write(self, out: bytearray, nodes: Sequence[Node], *, reply_prefix: str) -> None:
        """Append the ``<li>`` items of ``nodes`` to ``out``."""
        # Avatar URLs are reversed here, in the writer's language (i18n_patterns).
        with translation.override(self.language):
            self._write(out, nodes, escape(reply_prefix))

    def _write(self, out: bytearray, nodes: Sequence[Node], reply_prefix: str) -> None:
        use_tz = self.zone if _aware(nodes) else None
        utc = self.utc
        format_when = self.format_when
        awaiting = self.awaiting
        can_reply, max_depth = self.can_reply, self.max_depth
        reply_label, report_label, reply_to = self.reply_label, self.report_label, self.reply_to
        flag_head, flag_tail = self.flag_head, self.flag_tail
        avatar_size = self.avatar_size
        size = str(avatar_size)
        # Per author, not per comment: long threads are a few people talking.
        avatar_for: dict[str, str] = {}
        names: dict[str, str] = {}
        opens = '<ol class="children">'
        for node in nodes:
            c = node.row
            pk = str(c.pk)
            pending = node.is_pending
            name = names.get(c.author_name)
            if name is None:
                name = names[c.author_name] = escape(c.author_name)
            # A Row has every field these read.
            identity = avatars.comment_identity(cast("Comment", c))
            avatar = avatar_for.get(identity)
            if avatar is None:
                avatar = escape(avatars.avatar_url(cast("Comment", c), avatar_size))
                avatar_for[identity] = avatar
            when = c.submitted_at
            if use_tz is not None and when.tzinfo is not None and not (utc and when.tzinfo is UTC):
                when = when.astimezone(use_tz)
            # build_nodes() blanks any other address; checked again here for other callers.
            if c.author_url and markup.is_web_url(c.author_url):
                author = (
                    f'<a href="{escape(c.author_url)}" rel="nofollow ugc noopener" class="url">'
                    f"{name}</a>"
                )
            else:
                author = name
            em = f' <em class="comment-awaiting-moderation">{awaiting}</em>' if pending else ""
            # The stored depth, not the shown one: a reply hung higher up because its parent
            # is hidden is still too deep to answer (tests/test_templatetags.py DepthTests).
            links = ""
            if not pending:
                links = (
                    f'<a rel="nofollow" class="comment-report-link" '
                    f'href="{flag_head}{pk}{flag_tail}">{report_label}</a>'
                )
                if can_reply and c.depth < max_depth:
                    label = reply_to % {"name": name}  # both escaped above
                    links = (
                        f'<a rel="nofollow" class="comment-reply-link" href="{reply_prefix}{pk}'
                        f'#respond" aria-label="{label}">{reply_label}</a> {links}'
                    )
                links = f'<div class="reply">{links}</div>'
            # Spaces only between the inline parts of the footer and between the links;
            # none between blocks.
            out += encode(
                f'<li id="comment-{pk}" class="comment depth-{node.depth + 1}'
                f'{" comment-awaiting-moderation" if pending else ""}">'
                '<article class="comment-body"><footer class="comment-meta">'
                f'<img class="avatar" src="{avatar}" alt="" width="{size}" height="{size}" '
                f'loading="lazy"> <b class="comment-author">{author}</b> '
                f'<a href="#comment-{pk}"><time datetime="'
                f'{machine_time(c.submitted_at)}">{escape(format_when(when))}</time></a>{em}'
                f'</footer><div class="comment-content">{_body_html(c.body)}</div>{links}'
                f"</article>{opens if node.has_children else '</li>'}"
                f"{'</ol></li>' * len(node.closes)}\n"
            )


# Format characters whose output depends only on the date, or only on the time of day.
# Any other character (time zone names, DST, epoch seconds, microseconds) is not memoised.
_DATE_CHARS = frozenset("bdDEFjlLmMnNoStwWyYz")
_TIME_CHARS = frozenset("aAfgGhHiPs")
_FORMAT_CHARS = frozenset("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
_formatted: dict[tuple[str, ...], str] = {}
_FORMATTED_LIMIT = 50_000


def _segments(fmt: str) -> list[tuple[str, str]] | None:
    """Split a date format into runs that need only the date (``"d"``) or the time (``"t"``).

    Literal text and backslash escapes stay with the run they are in, so each run is itself
    a valid format. ``None`` when a character needs the whole datetime.
    """
    segments: list[tuple[str, str]] = []
    kind, text, i = "", "", 0
    while i < len(fmt):
        char = fmt[i]
        if char == "\\":
            text += fmt[i : i + 2]
            i += 2
            continue
        i += 1
        if char not in _FORMAT_CHARS:
            text += char
            continue
        char_kind = "d" if char in _DATE_CHARS else "t" if char in _TIME_CHARS else None
        if char_kind is None:
            return None
        if kind and char_kind != kind:
            segments.append((kind, text))
            text = ""
        kind = char_kind
        text += char
    segments.append((kind, text))
    return segments


def _date_formatter(fmt: str) -> Callable[[datetime.datetime], str]:
    """``dateformat.format(value, fmt)``, remembering each date's and each minute's text.

    Formatting one datetime with Django's translated month and a.m./p.m. names costs
    tens of microseconds; a list of a thousand comments has a handful of distinct dates
    and at most 1,440 distinct minutes, so the pieces are kept (per language, bounded).
    """
    segments = _segments(fmt)
    if segments is None:
        return lambda value: format_date(value, fmt)
    language = get_language() or ""
    if len(_formatted) > _FORMATTED_LIMIT:
        _formatted.clear()

    def piece(kind: str, text: str, value: datetime.datetime) -> str:
        if kind == "d":
            key: tuple[Any, ...] = (language, text, value.date())
        elif kind == "t":
            key = (language, text, value.hour, value.minute, value.second if "s" in text else 0)
        else:
            key = (language, text)
        found = _formatted.get(key)
        if found is None:
            found = _formatted[key] = format_date(value, text)
        return found

    if len(segments) == 1:
        kind, text = segments[0]
        return lambda value: piece(kind, text, value)
    if len(segments) == 2:  # the usual "date, time"
        (kind1, text1), (kind2, text2) = segments
        return lambda value: piece(kind1, text1, value) + piece(kind2, text2, value)
    return lambda value: "".join(piece(kind, text, value) for kind, text in segments)


def machine_time(value: datetime.datetime) -> str:
    """``value`` for a ``<time datetime>``: to the second, in UTC with a ``Z`` when aware.

    The same instant as ``isoformat()`` in the site's time zone, in 20 characters instead
    of 25 to 32 (no microseconds, no offset), for every comment of a long list.
    """
    tzinfo = value.tzinfo
    if tzinfo is UTC:
        # What the database hands back: nothing to convert, for each comment of a long list.
        return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    if tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return value.replace(microsecond=0).isoformat()


def _aware(nodes: Sequence[Node]) -> bool:
    return bool(nodes) and timezone.is_aware(nodes[0].row.submitted_at)


def _body_html(body: str) -> str:
    """``markup.render_body``, skipping its regular expressions for the common one-line text."""
    # isprintable() is False for newlines and for the control characters render_body()
    # strips (and for a few harmless ones, which then just take the slower path).
    if "://" in body or not body.isprintable():
        return markup.render_body(body)
    return f"<p>{escape(body)}</p>" if body.strip() else ""


def latin1_entities(text: str) -> str:
    """``text`` with every character beyond Latin-1 written as ``&#<code point>;``.

    Python keeps a string with one byte per character only while every character is
    Latin-1; a single curly quote doubles the memory of the whole page it ends up in.
    """
    if text.isascii():
        return text
    return "".join(char if ord(char) < 256 else f"&#{ord(char)};" for char in text)


#: Lists at least this long (characters) are kept compressed in the cache: a thread of
#: ten thousand comments is ten megabytes of HTML, one megabyte compressed, and the cache
#: (in-process for the local-memory backend) holds it for as long as it is fresh.
PACK_THRESHOLD = 32_768
#: Characters (or bytes) of HTML :func:`pack_list` compresses at a time.
ZLIB_CHUNK = 1 << 18


def pack_list(html: str, utf8: bytes | bytearray | None = None) -> str | bytes:
    """What the list cache stores for ``html``: itself, or long ones zlib-compressed.

    ``utf8`` is ``html`` already encoded (:func:`encode`), when the caller has it.
    """
    if len(html) < PACK_THRESHOLD:
        return html
    # Level 1: a tenth of the size for a few milliseconds per megabyte; higher levels
    # save little more on repetitive markup and cost several times the time.
    deflater = zlib.compressobj(1)
    if utf8 is not None:
        with memoryview(utf8) as view:
            out = [
                deflater.compress(view[start : start + ZLIB_CHUNK])
                for start in range(0, len(view), ZLIB_CHUNK)
            ]
    else:
        # Encoded a slice at a time, so the list is not in memory as bytes too.
        out = [
            deflater.compress(encode(html[start : start + ZLIB_CHUNK]))
            for start in range(0, len(html), ZLIB_CHUNK)
        ]
    out.append(deflater.flush())
    return b"".join(out)


def unpack_list(value: Any) -> str | None:
    """The HTML :func:`pack_list` stored; ``None`` for a miss or an entry that does not decode.

    A truncated or foreign value under the key (another release's format, a cache shared
    with something else) is a miss to render again, not an error on the page.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return _inflate(value)
        except (zlib.error, UnicodeDecodeError):
            return None
    return None


def _inflate(data: bytes) -> str:
    """``zlib.decompress(data).decode()`` without the whole list as bytes next to the text.

    ``zlib.decompress()`` collects its output in blocks and then copies them into one
    ``bytes``, which ``decode()`` copies once more: three copies of a long list at once.
    """
    inflater = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    pieces = []
    while data:
        pieces.append(decoder.decode(inflater.decompress(data, ZLIB_CHUNK)))
        data = inflater.unconsumed_tail
    pieces.append(decoder.decode(inflater.flush(), final=True))
    if not inflater.eof:
        raise zlib.error("truncated stream")
    return "".join(pieces)


#: Primary keys that go into a cache key as they are; any other is hashed. Memcached
#: refuses keys with spaces or control characters and keys over 250 bytes, and a
#: ``CharField`` primary key may hold either.
_PLAIN_PK = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")


def _pk_part(object_pk: Any) -> str:
    text = str(object_pk)
    if _PLAIN_PK.match(text):
        return text
    # "~" is not in _PLAIN_PK, so a hashed key never equals a plain one.
    return "~" + hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _version_key(content_type_id: int, object_pk: str) -> str:
    return f"comments_plugin:list-version:{content_type_id}:{_pk_part(object_pk)}"


def bump_list_version(content_type_id: int, object_pk: Any) -> None:
    """Make every cached list of this object stale (nothing to do with the cache off).

    A fresh value rather than an increment: it works on every cache backend, and a version
    key that was evicted can never come back with an old number.
    """
    if conf.LIST_CACHE_TIMEOUT <= 0:
        return
    from comments_plugin.models import Comment

    key = _version_key(content_type_id, str(object_pk))
    cache.set(key, time.time_ns(), None)
    using = router.db_for_write(Comment)
    if transaction.get_connection(using).in_atomic_block:
        # And again once the change is committed: a list rendered meanwhile by another
        # process, from rows that did not show the change yet, would otherwise stay cached
        # under the version set just now. (In autocommit the change is already committed.)
        transaction.on_commit(lambda: cache.set(key, time.time_ns(), None), using=using)


def cached_list_key(content_type_id: int, object_pk: Any, *parts: Any) -> str | None:
    """The cache key of one rendering of an object's list, or ``None`` with the cache off.

    ``parts`` are everything else the markup depends on (language, time zone, page, ...).
    """
    if conf.LIST_CACHE_TIMEOUT <= 0:
        return None
    key = _version_key(content_type_id, str(object_pk))
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        cache.add(key, version, None)
        version = cache.get(key, version)
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"comments_plugin:list:{content_type_id}:{_pk_part(object_pk)}:{version}:{digest}"
