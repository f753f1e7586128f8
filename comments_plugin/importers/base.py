"""What every importer shares: the records it yields, target matching and the writer.

An importer (one module per source) turns its input into a stream of
:class:`SourceComment` records, each naming its :class:`SourceThread` (the post, page or
Disqus thread it was written on) and its parent by source id. :func:`run_import` matches
threads to objects of this site, links replies to parents that may come later in the file,
and stores the comments through :func:`comments_plugin.operations.import_comments`.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_ipv46_address
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from comments_plugin.models import Comment, Status
from comments_plugin.operations import import_comments

#: Rows stored per INSERT; a reply waits at most one batch for its parent's id.
BATCH_SIZE = 500

Key = tuple[str, str]

# What no database column can hold: NUL (PostgreSQL refuses it) and lone surrogates (they
# cannot be encoded as UTF-8). Any other character is kept, so a backup restores exactly.
_NUL = "\x00"
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = (
    "import_source", "import_id", "body", "kind", "author_name", "author_email", "author_url",
    "user_agent", "learned_as",
)  # fmt: skip
IMPORT_SOURCE_LENGTH = 32
IMPORT_ID_LENGTH = 255
_POSITIVE_INTEGER_MAX = 2**31 - 1  # PositiveIntegerField on every database


def storable(value: str) -> str:
    """``value`` without NUL, lone surrogates replaced by U+FFFD."""
    return _LONE_SURROGATE_RE.sub("\ufffd", value.replace(_NUL, ""))


def fit_import_id(import_id: str) -> str:
    """``import_id`` cut to the column, ending in a hash of the whole so two long ids never
    collide and a second run finds the same value."""
    if len(import_id) <= IMPORT_ID_LENGTH:
        return import_id
    digest = hashlib.sha256(import_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{import_id[: IMPORT_ID_LENGTH - len(digest) - 1]}~{digest}"


def representable(value: datetime.datetime | None) -> datetime.datetime | None:
    """``value`` when it has a UTC equivalent every database stores, else ``None``.

    (``0001-01-01T00:00+05:00`` is a valid ISO date whose UTC time falls before year 1.)
    """
    if value is None:
        return None
    try:
        value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None
    return value


@dataclass
class SourceThread:
    """The page a group of comments belongs to, as the source describes it.

    ``key`` is unique within one input; ``identifier`` is the source's own id for the page
    (a WordPress post id, a Disqus thread identifier, a primary key); ``content_type`` and
    ``object_pk`` are set when the source already names an object of this site.
    """

    key: str
    identifier: str = ""
    url: str = ""
    slug: str = ""
    title: str = ""
    content_type: ContentType | None = None
    object_pk: str = ""

    def describe(self) -> str:
        parts = [self.key]
        if self.url:
            parts.append(self.url)
        elif self.slug:
            parts.append(self.slug)
        if self.title:
            parts.append(f"“{self.title}”")
        return " ".join(parts)


@dataclass
class SourceComment:
    """One comment as read from the source; ``parent`` is the parent's (source, id)."""

    thread: SourceThread
    import_source: str
    import_id: str
    body: str
    submitted_at: datetime.datetime
    status: str = Status.APPROVED
    parent: Key | None = None
    kind: str = "comment"  # anything else (pingback, trackback) is skipped unless asked for
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    user_id: Any = None
    spam_score: float = 0.0
    spam_reasons: list[Any] = field(default_factory=list)
    learned_as: str = ""
    flag_count: int = 0

    def __post_init__(self) -> None:
        # The one place every importer's records pass: a value no database would store is
        # refused here with a clear message (a file's line number when the importer has it)
        # or made storable, never left to fail as a database error halfway through.
        for name in _TEXT_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, str):
                raise ValueError(f"{name} must be text, not {type(value).__name__}")
            setattr(self, name, storable(value))
        if not 0 < len(self.import_source) <= IMPORT_SOURCE_LENGTH:
            raise ValueError(
                f"the source {self.import_source!r} must be 1 to {IMPORT_SOURCE_LENGTH} characters"
            )
        self.import_id = fit_import_id(self.import_id)
        if self.parent is not None:
            self.parent = (self.parent[0], fit_import_id(storable(self.parent[1])))
        if self.ip_address is not None and not isinstance(self.ip_address, str):
            raise ValueError(f"ip_address must be text, not {type(self.ip_address).__name__}")
        if not isinstance(self.submitted_at, datetime.datetime):
            raise ValueError(f"submitted_at must be a date, not {self.submitted_at!r}")
        if self.submitted_at.tzinfo is None or representable(self.submitted_at) is None:
            raise ValueError(f"the date {self.submitted_at.isoformat()} is out of range")
        score = self.spam_score
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not math.isfinite(score)
        ):
            raise ValueError(f"spam_score must be a finite number, not {score!r}")
        self.spam_score = float(score)
        if not isinstance(self.spam_reasons, list):
            raise ValueError("spam_reasons must be a list")
        count = self.flag_count
        if isinstance(count, bool) or not isinstance(count, int):
            raise ValueError(f"flag_count must be a whole number, not {count!r}")
        if not 0 <= count <= _POSITIVE_INTEGER_MAX:
            raise ValueError(f"flag_count {count} is out of range")
        if self.learned_as not in ("", "spam", "ham"):
            raise ValueError(f"learned_as must be spam, ham or empty, not {self.learned_as!r}")

    @property
    def key(self) -> Key:
        return (self.import_source, self.import_id)


class EndOfScope:
    """Yielded by an importer when no later record can refer to earlier parents.

    A WordPress ``<item>`` is a scope (``comment_parent`` points inside it), so the writer
    forgets the ids it kept for linking and memory stays flat however big the file is.
    """


END_OF_SCOPE = EndOfScope()


class BaseImporter:
    """A source of comments. Subclasses implement :meth:`records`.

    ``import_source`` is stored on every comment (with the source's id in ``import_id``),
    so a second run recognises what it already imported.
    """

    import_source = ""
    #: Whether the source names this site's objects itself (no ``--model`` needed).
    targets_known = False

    def __init__(
        self, *, source_name: str = "", default_timezone: datetime.tzinfo | None = None
    ) -> None:
        if source_name:
            if len(source_name) > IMPORT_SOURCE_LENGTH:
                raise CommandError(
                    _("--source-name can be at most %(count)d characters long.")
                    % {"count": IMPORT_SOURCE_LENGTH}
                )
            self.import_source = source_name
        self.default_timezone = default_timezone or datetime.UTC
        self.bytes_total = 0

    def records(self) -> Iterator[SourceComment | EndOfScope]:
        raise NotImplementedError

    def bytes_read(self) -> int:
        """How far the reader got, for the progress bar (0 when unknown)."""
        return 0


def clean_ip(value: str | None) -> str | None:
    """A valid IPv4/IPv6 address or ``None``; IPv4-mapped IPv6 kept as WordPress wrote it."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def clip(value: str | None, model_field: str) -> str:
    """``value`` stripped and cut to the column's length (names longer than 100 do exist)."""
    value = (value or "").strip()
    column = Comment._meta.get_field(model_field)
    max_length = column.max_length if isinstance(column, models.Field) else None
    return value[:max_length] if max_length else value


def load_model(label: str) -> type[models.Model]:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise CommandError(
            _("Unknown model %(label)r; use app_label.ModelName.") % {"label": label}
        ) from exc


class TargetResolver:
    """Finds the object of this site a :class:`SourceThread` belongs to (cached per thread).

    In order of precedence: a resolver function (``--resolver`` or the ``IMPORT_RESOLVER``
    setting), ``--model``/``--match``, then the content type and primary key the source
    names itself (JSON Lines and django-contrib-comments).
    """

    def __init__(
        self,
        *,
        model: type[models.Model] | None = None,
        match: str = "",
        resolver: str | Callable[[SourceThread], models.Model | None] | None = None,
        targets_known: bool = False,
    ) -> None:
        self.model = model
        self.match = match or "pk"
        self.function: Callable[[SourceThread], models.Model | None] | None
        if isinstance(resolver, str):
            try:
                self.function = import_string(resolver)
            except ImportError as exc:
                raise CommandError(
                    _("Cannot import the resolver %(path)r.") % {"path": resolver}
                ) from exc
        else:
            self.function = resolver
        if self.function is None and model is None and not targets_known:
            raise CommandError(
                _(
                    "Say which objects the comments belong to: --model app.Model --match "
                    "slug|url|pk|FIELD, --resolver path.to.function, or the IMPORT_RESOLVER setting."
                )
            )
        if model is not None and self.match not in ("pk", "slug", "url"):
            try:
                model._meta.get_field(self.match)
            except FieldDoesNotExist as exc:
                raise CommandError(
                    _("%(model)s has no field %(field)r to match on.")
                    % {"model": model._meta.label, "field": self.match}
                ) from exc
        if model is not None and self.match == "slug":
            try:
                model._meta.get_field("slug")
            except FieldDoesNotExist as exc:
                raise CommandError(
                    _("%(model)s has no slug field.") % {"model": model._meta.label}
                ) from exc
        self._cache: dict[str, models.Model | None] = {}
        self._by_path: dict[str, Any] | None = None

    def resolve(self, thread: SourceThread) -> models.Model | None:
        if thread.key not in self._cache:
            self._cache[thread.key] = self._resolve(thread)
        return self._cache[thread.key]

    def forget(self) -> None:
        """Drop the per-thread cache (threads of a WordPress file never come back)."""
        self._cache.clear()

    def _resolve(self, thread: SourceThread) -> models.Model | None:
        if self.function is not None:
            return self.function(thread)
        if self.model is not None:
            return self._match(self.model, thread)
        if thread.content_type is not None:
            model = thread.content_type.model_class()
            if model is None:
                return None
            try:
                return model._default_manager.get(pk=thread.object_pk)
            except (ObjectDoesNotExist, ValueError, ValidationError):
                return None
        return None

    def _match(self, model: type[models.Model], thread: SourceThread) -> models.Model | None:
        manager = model._default_manager
        try:
            if self.match == "pk":
                value = thread.object_pk or thread.identifier
                return manager.filter(pk=value).first() if value else None
            if self.match == "slug":
                slug = thread.slug or last_segment(thread.url) or thread.identifier
                return manager.filter(slug=slug).first() if slug else None
            if self.match == "url":
                return self._by_url(model, thread.url)
            # Any other field holds the old address (e.g. a ``wp_url`` kept for redirects).
            if not thread.url:
                return None
            candidates = {thread.url, url_key(thread.url)}
            return manager.filter(**{f"{self.match}__in": candidates}).first()
        except (ValueError, ValidationError):
            return None  # e.g. a non-numeric id against an integer primary key

    def _by_url(self, model: type[models.Model], url: str) -> models.Model | None:
        if not url:
            return None
        if self._by_path is None:
            # Built once: one pass over the model's objects, keeping primary keys only.
            self._by_path = {}
            for obj in model._default_manager.iterator():
                get_url = getattr(obj, "get_absolute_url", None)
                if get_url is not None:
                    self._by_path[url_key(get_url())] = obj.pk
        pk = self._by_path.get(url_key(url))
        return None if pk is None else model._default_manager.filter(pk=pk).first()


def url_key(url: str) -> str:
    """The part of an address two sites share: path (without trailing slash) and query."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return f"{path}?{parts.query}" if parts.query else path


def last_segment(url: str) -> str:
    path = urlsplit(url.strip()).path.rstrip("/")
    segment = path.rsplit("/", 1)[-1]
    # ``/2013/02/12/a-post/index.html`` names the post by its folder.
    if segment.startswith("index.") and "/" in path:
        segment = path.rsplit("/", 2)[-2]
    return segment


@dataclass
class ImportReport:
    """Counts of one run, reported by the command (and returned by :func:`run_import`)."""

    created: Counter[str] = field(default_factory=Counter)  # by status
    replies: int = 0
    already_imported: int = 0
    skipped_pings: int = 0
    orphans: int = 0  # replies whose parent is not in the input: stored as top-level
    unmatched: dict[str, int] = field(default_factory=dict)  # thread description -> comments
    unmatched_threads: list[str] = field(default_factory=list)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_unmatched(self) -> int:
        return sum(self.unmatched.values())


@dataclass
class _Stored:
    pk: int
    parent_pk: int | None
    root_pk: int | None
    depth: int
    target: tuple[int, str]  # (content type id, object_pk): a reply stays on its parent's page


class Writer:
    """Buffers comments, inserts them in batches and links replies to their parents.

    A reply whose parent is already stored gets its parent, thread and depth at once. One
    whose parent comes later in the input (or in the same batch) is stored top-level and
    linked as soon as the parent is stored, with thread and depth recomputed for the moved
    sub-tree; if the parent never comes it stays top-level and is counted as an orphan.
    Ids are kept only until the end of a scope, so memory stays flat.
    """

    def __init__(
        self, report: ImportReport, *, train: bool = False, announce: bool = False
    ) -> None:
        self.report = report
        self.train = train
        self.announce = announce
        self.buffer: list[tuple[SourceComment, models.Model]] = []
        self.index: dict[Key, _Stored] = {}
        self.by_pk: dict[int, _Stored] = {}
        self.children: dict[int, list[_Stored]] = defaultdict(list)
        self.deferred: dict[Key, list[_Stored]] = defaultdict(list)  # parent key -> waiting replies
        self.content_types: dict[type[models.Model], ContentType] = {}

    def add(self, record: SourceComment, target: models.Model) -> None:
        self.buffer.append((record, target))
        if len(self.buffer) >= BATCH_SIZE:
            self.flush()

    def end_scope(self, *, final: bool = False) -> None:
        """Nothing after this refers to earlier ids. Small scopes (WordPress items) are
        gathered until a batch is full, so a site of many small posts still inserts in bulk."""
        if not final and len(self.buffer) + len(self.index) < BATCH_SIZE:
            return
        self.flush()
        self.report.orphans += sum(len(waiting) for waiting in self.deferred.values())
        self.deferred.clear()
        self.index.clear()
        self.by_pk.clear()
        self.children.clear()

    def flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        fresh: dict[Key, tuple[SourceComment, models.Model]] = {}
        for record, target in batch:
            if record.key in self.index or record.key in fresh:  # listed twice in the input
                self.report.already_imported += 1
            else:
                fresh[record.key] = (record, target)
        self._remember_existing(list(fresh))
        pending = [item for key, item in fresh.items() if key not in self.index]
        # A new reply to a comment stored by an earlier run links to it directly.
        outside = {r.parent for r, _t in pending if r.parent and r.parent not in self.index}
        self._remember_existing(list(outside - fresh.keys()), count=False)
        in_batch = {record.key for record, _target in pending}
        # Insert in waves so a parent earlier in the same batch has its id before its replies
        # (a few INSERTs are much cheaper than re-linking many rows with UPDATEs).
        while pending:
            wave = [(r, t) for r, t in pending if r.parent is None or r.parent not in in_batch]
            if not wave:  # parents pointing at each other (corrupt input): break the loop
                wave = pending[:1]
            keys = {r.key for r, _t in wave}
            in_batch -= keys
            pending = [(r, t) for r, t in pending if r.key not in keys]
            self._insert(wave)

    def _remember(self, key: Key, stored: _Stored) -> None:
        self.index[key] = stored
        self.by_pk[stored.pk] = stored
        if stored.parent_pk is not None:
            self.children[stored.parent_pk].append(stored)

    def _remember_existing(self, keys: list[Key], *, count: bool = True) -> None:
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, import_id in keys:
            by_source[source].append(import_id)
        for source, ids in by_source.items():
            rows = Comment.objects.filter(import_source=source, import_id__in=ids).values_list(
                "import_id", "pk", "parent_id", "thread_id", "depth", "content_type_id", "object_pk"
            )
            for import_id, pk, parent_pk, root_pk, depth, ct_id, object_pk in rows:
                stored = _Stored(pk, parent_pk, root_pk, depth, (ct_id, object_pk))
                self._remember((source, import_id), stored)
                self.report.already_imported += count

    def _content_type(self, model: type[models.Model]) -> ContentType:
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model)
        return self.content_types[model]

    def _insert(self, items: list[tuple[SourceComment, models.Model]]) -> None:
        if not items:
            return
        comments = []
        for record, target in items:
            comment = Comment(
                content_type=self._content_type(target.__class__),
                object_pk=str(target.pk),
                author_name=clip(record.author_name, "author_name"),
                author_email=clip(record.author_email, "author_email"),
                author_url=clip(record.author_url, "author_url"),
                body=record.body,
                status=record.status,
                submitted_at=record.submitted_at,
                ip_address=clean_ip(record.ip_address),
                user_agent=clip(record.user_agent, "user_agent"),
                user_id=record.user_id,
                spam_score=record.spam_score,
                spam_reasons=record.spam_reasons,
                learned_as=record.learned_as,
                flag_count=record.flag_count,
                import_source=record.import_source,
                import_id=record.import_id,
            )
            parent = self.index.get(record.parent) if record.parent else None
            if parent is not None and parent.target != (comment.content_type_id, comment.object_pk):
                # A parent on another page (corrupt or hostile input): never a thread
                # spanning two objects; the reply stays top-level and is counted.
                parent = None
                record.parent = None
                self.report.orphans += 1
            if parent is not None:
                comment.parent_id = parent.pk
                comment.thread_id = parent.root_pk or parent.pk
                comment.depth = parent.depth + 1
            comments.append(comment)
        import_comments(comments, train=self.train, announce=self.announce)
        for comment, (record, _target) in zip(comments, items, strict=True):
            stored = _Stored(
                comment.pk,
                comment.parent_id,
                comment.thread_id,
                comment.depth,
                (comment.content_type_id, comment.object_pk),
            )
            self._remember(record.key, stored)
            self.report.created[comment.status] += 1
            if comment.parent_id:
                self.report.replies += 1
            elif record.parent is not None:
                self.deferred[record.parent].append(stored)
        self._link_deferred()

    def _link_deferred(self) -> None:
        """Attach waiting replies whose parent is now stored; one UPDATE batch per flush."""
        changed: dict[int, _Stored] = {}
        for parent_key in [key for key in self.deferred if key in self.index]:
            parent = self.index[parent_key]
            for child in self.deferred.pop(parent_key):
                if self._is_ancestor(child, parent) or child.target != parent.target:
                    # A loop or a parent on another page (corrupt input): keep it top-level.
                    self.report.orphans += 1
                    continue
                child.parent_pk = parent.pk
                self.children[parent.pk].append(child)
                self.report.replies += 1
                # Recompute the moved sub-tree top-down from its (now known) parent.
                stack = [child]
                while stack:
                    node = stack.pop()
                    above = self.by_pk[node.parent_pk] if node.parent_pk is not None else None
                    if above is not None:
                        node.root_pk = above.root_pk or above.pk
                        node.depth = above.depth + 1
                    changed[node.pk] = node
                    stack.extend(self.children.get(node.pk, ()))
        if changed:
            Comment.objects.bulk_update(
                [
                    Comment(pk=s.pk, parent_id=s.parent_pk, thread_id=s.root_pk, depth=s.depth)
                    for s in changed.values()
                ],
                ["parent", "thread", "depth"],
                batch_size=BATCH_SIZE,
            )

    def _is_ancestor(self, node: _Stored, other: _Stored) -> bool:
        """Whether ``node`` is ``other`` or one of its ancestors (linking would make a loop)."""
        current: _Stored | None = other
        while current is not None:
            if current.pk == node.pk:
                return True
            current = self.by_pk.get(current.parent_pk) if current.parent_pk is not None else None
        return False


class Progress:
    """A one-line progress bar on stderr, only when it is a terminal."""

    def __init__(
        self, stream: IO[str] | None = None, *, total: int = 0, enabled: bool = True
    ) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled and bool(isatty and isatty())
        self.last = -1

    def update(self, done: int, count: int) -> None:
        if not self.enabled:
            return
        percent = min(100, done * 100 // self.total) if self.total else 0
        if percent == self.last and count % 1000:
            return
        self.last = percent
        bar = "#" * (percent // 4)
        self.stream.write(f"\r[{bar:<25}] {percent:3d}%  {count} comments")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def run_import(
    importer: BaseImporter,
    resolver: TargetResolver,
    *,
    include_pings: bool = False,
    train: bool = False,
    announce: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read every record of ``importer`` and store it. Run it inside a transaction."""
    report = ImportReport()
    writer = Writer(report, train=train, announce=announce)
    seen = 0
    for record in importer.records():
        if isinstance(record, EndOfScope):
            writer.end_scope()
            resolver.forget()
            continue
        seen += 1
        if progress is not None and seen % 100 == 0:
            progress.update(importer.bytes_read(), seen)
        if record.kind != "comment" and not include_pings:
            report.skipped_pings += 1
            continue
        target = resolver.resolve(record.thread)
        if target is None:
            description = record.thread.describe()
            if description not in report.unmatched:
                report.unmatched_threads.append(description)
                report.unmatched[description] = 0
            report.unmatched[description] += 1
            continue
        writer.add(record, target)
    writer.end_scope(final=True)
    if progress is not None:
        progress.update(importer.bytes_total, seen)
        progress.close()
    return report
