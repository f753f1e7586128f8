"""Loading a page of threaded comments in a fixed number of queries, and flattening the tree.

The list template walks a flat sequence of :class:`Node` (no recursive includes, which
are slow), opening a nested ``<ol>`` where a node has replies and closing as many as
:attr:`Node.closes` says.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import connections, models, router
from django.db.models import Q, Subquery, signals

from comments_plugin import markup
from comments_plugin.conf import conf
from comments_plugin.models import Comment, Status

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

PENDING_COOKIE = "comments_plugin_pending"
PENDING_SALT = "comments_plugin.pending"
PENDING_LIMIT = 20
PAGE_PARAM = "cpage"

#: Fields the public list needs; the rest (IP, user agent, spam reasons) is never loaded.
LIST_FIELDS = (
    "pk",
    "parent_id",
    "thread_id",
    "depth",
    "user_id",
    "author_name",
    "author_email",
    "author_url",
    "body",
    "status",
    "submitted_at",
    "content_type_id",
    "object_pk",
)

#: Columns of LIST_FIELDS whose values repeat from row to row.
SHARED_FIELDS = ("author_name", "author_email", "author_url", "status", "object_pk")


class Row(NamedTuple):
    """One comment of the public list: its :data:`LIST_FIELDS`, without a model instance.

    The list renders ten thousand comments from these; a tuple costs a fraction of a
    ``Comment`` with its ``__dict__`` and ``ModelState``, which set how much memory a long
    thread peaked at. It reads like the comment for what the list shows (``row.pk``,
    ``row.author_name``, ...); :meth:`as_comment` gives the model instance.
    """

    id: int
    parent_id: int | None
    thread_id: int | None
    depth: int
    user_id: int | None
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str
    submitted_at: datetime.datetime
    content_type_id: int
    object_pk: str

    @property
    def pk(self) -> int:
        return self.id

    def as_comment(self) -> Comment:
        """This row as a ``Comment``, as if loaded with ``only(*LIST_FIELDS)``.

        The other fields are deferred (read from the router's database for reading when
        first used), and ``post_init`` receivers hear it as they hear any loaded instance.
        """
        names = _row_attnames()
        values = [getattr(self, name) for name in names]
        return Comment.from_db(router.db_for_read(Comment), names, values)


@functools.cache
def _row_attnames() -> tuple[str, ...]:
    """The fields of a Row in the order of the model's fields (what ``from_db`` expects)."""
    return tuple(f.attname for f in Comment._meta.concrete_fields if f.attname in _ROW_NAMES)


_ROW_NAMES = frozenset(Row._fields)
#: Columns of a Row whose values repeat from row to row (see load_rows()).
_SHARED = tuple(Row._fields.index(name) for name in SHARED_FIELDS)


#: Rows read from the database at a time by load_rows() (Django's own fetch size).
ROWS_CHUNK = 100


def load_rows(queryset: models.QuerySet[Comment]) -> list[Row]:
    """The comments of ``queryset`` as :class:`Row` tuples, in one query.

    Read with ``values_list()``, so every field converter still runs (``submitted_at``
    comes back as an aware datetime, for one).
    """
    rows = []
    make = Row._make
    # A long thread is a few people talking: one string object per distinct name, address
    # and status instead of one per row (a few megabytes for ten thousand comments).
    seen: dict[Any, Any] = {}
    shared = _SHARED
    values = queryset.values_list(*Row._fields)
    # A chunk at a time rather than every row as the database driver returns it, then every
    # row converted, then the rows: the raw rows are freed as the list is built.
    chunks: Iterable[Any] = (
        values.iterator(chunk_size=ROWS_CHUNK) if _streams(queryset.db) else values
    )
    for value in chunks:
        row = list(value)
        for i in shared:
            item = row[i]
            row[i] = seen.setdefault(item, item)
        rows.append(make(row))
    return rows


def _streams(alias: str) -> bool:
    """Whether ``QuerySet.iterator()`` reads from an ordinary cursor on this database.

    On PostgreSQL it declares a server-side cursor (a round trip per chunk, and not possible
    behind a transaction-pooling bouncer), unless ``DISABLE_SERVER_SIDE_CURSORS`` is set.
    """
    connection = connections[alias]
    return connection.vendor != "postgresql" or bool(
        connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    )


def load_comments(queryset: models.QuerySet[Comment]) -> list[Comment]:
    """``list(queryset.only(*LIST_FIELDS))``: the comments as model instances."""
    return list(queryset.only(*LIST_FIELDS))


class Node:
    """One comment in the flattened tree (see :func:`build_nodes`).

    ``row`` is what it was built from: a :class:`Row` (the public list) or a ``Comment``;
    both have the list's fields as attributes. ``comment`` is always the ``Comment``,
    made from the row when first read, so a ``list.html`` that loops over ``nodes`` can use
    the model's methods.
    """

    __slots__ = ("_comment", "children", "closes", "depth", "has_children", "number", "row")

    def __init__(self, row: Row | Comment, depth: int = 0) -> None:
        self.row = row
        self.depth = depth
        self.number = 0
        self.children: list[Node] = []
        self.has_children = False
        self.closes = range(0)
        self._comment: Comment | None = None

    @property
    def comment(self) -> Comment:
        if isinstance(self.row, Comment):
            return self.row
        if self._comment is None:
            self._comment = self.row.as_comment()
        return self._comment

    @property
    def is_pending(self) -> bool:
        return self.row.status != Status.APPROVED

    def __repr__(self) -> str:
        return f"<Node {self.row.pk} depth={self.depth}>"


@dataclass
class ThreadPage:
    nodes: list[Node]
    count: int
    page: int
    num_pages: int
    thread_count: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)


def pending_ids(request: HttpRequest | None) -> list[int]:
    """Ids of held comments this browser posted (from a signed cookie)."""
    if request is None:
        return []
    raw = request.COOKIES.get(PENDING_COOKIE)
    if not raw:
        return []
    try:
        value = signing.get_cookie_signer(salt=PENDING_SALT).unsign(
            raw, max_age=conf.COOKIE_MAX_AGE
        )
    except signing.BadSignature:
        return []
    return [int(part) for part in value.split(".") if part.isdigit()][:PENDING_LIMIT]


def remember_pending(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    ids = [i for i in pending_ids(request) if i != comment_id]
    ids = ([comment_id, *ids])[:PENDING_LIMIT]
    value = signing.get_cookie_signer(salt=PENDING_SALT).sign(".".join(map(str, ids)))
    response.set_cookie(
        PENDING_COOKIE,
        value,
        max_age=conf.COOKIE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def target_filter(target: models.Model) -> Q:
    ct = ContentType.objects.get_for_model(target.__class__)
    return Q(content_type_id=ct.pk, object_pk=str(target.pk))


def build_nodes(
    comments: Iterable[Row | Comment],
    *,
    newest_first: bool = False,
    max_depth: int | None = None,
) -> list[Node]:
    """Arrange ``comments`` (rows or instances) as a tree and flatten it depth-first.

    A reply whose parent is not in ``comments`` (held, spam, deleted) is shown under its
    nearest loaded ancestor on its thread, or as a top-level comment.
    """
    max_depth = conf.MAX_DEPTH if max_depth is None else max_depth
    by_id: dict[int, Node] = {}
    # ``id`` rather than the ``pk`` property: this runs for every comment of a long thread.
    # By time, then id: two stable sorts on one attribute each, without a key tuple for
    # every comment.
    ordered = sorted(comments, key=attrgetter("id"))
    ordered.sort(key=attrgetter("submitted_at"))
    for comment in ordered:
        if comment.author_url and not markup.is_web_url(comment.author_url):
            # The list links the author's website: only an http(s) one, whatever stored it
            # (the form allows nothing else, an import or a script might).
            if isinstance(comment, Comment):
                comment.author_url = ""
            else:
                comment = comment._replace(author_url="")
        by_id[comment.id] = Node(comment)
    roots: list[Node] = []
    for node in by_id.values():
        c = node.row
        parent = by_id.get(c.parent_id) if c.parent_id else None
        if parent is None and c.thread_id:
            parent = by_id.get(c.thread_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    if newest_first:
        roots.reverse()

    flat: list[Node] = []
    number = 0
    # Iterative DFS: threads from imports can be deeper than Python's recursion limit. Each
    # node's depth is set when it is pushed, so that the stack holds the nodes themselves
    # rather than a (node, depth) tuple made and dropped for every comment.
    for node in roots:
        node.depth = 0
    stack = roots[::-1]
    while stack:
        node = stack.pop()
        number += 1
        node.number = number
        flat.append(node)
        if node.children:
            child_depth = min(node.depth + 1, max_depth)
            for child in node.children:
                child.depth = child_depth
            stack.extend(reversed(node.children))
    # Nesting markup: open a list where the next node is deeper; close where it is shallower.
    for i, node in enumerate(flat):
        next_depth = flat[i + 1].depth if i + 1 < len(flat) else 0
        node.has_children = next_depth > node.depth
        node.closes = range(max(node.depth - next_depth, 0))
    return flat


COUNT_CACHE_ATTR = "_comments_plugin_counts"


def approved_count(target: models.Model, request: HttpRequest | None = None) -> int:
    """How many approved comments ``target`` has, counted once per request.

    ``get_comment_count`` and ``render_comment_list`` on the same page both need this
    number; keeping it on the request saves the second query.
    """
    ct = ContentType.objects.get_for_model(target.__class__)
    key = (ct.pk, str(target.pk))
    cache: dict[tuple[int, str], int] | None = None
    if request is not None:
        cache = getattr(request, COUNT_CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(request, COUNT_CACHE_ATTR, cache)
        if key in cache:
            return cache[key]
    count = Comment.objects.filter(target_filter(target), status=Status.APPROVED).count()
    if cache is not None:
        cache[key] = count
    return count


def load_page(
    target: models.Model,
    *,
    request: HttpRequest | None = None,
    page: Any = 1,
    page_size: int | None = None,
    max_depth: int | None = None,
) -> ThreadPage:
    """One page of threads on ``target`` in a fixed number of queries, however long the thread.

    Without paging (``page_size`` 0) that is one query for the comments plus the approved
    count (shared with ``get_comment_count`` through the request). With paging it is one
    more: the top-level ids, so a page loads whole threads by ``thread_id``. Held comments
    are included only when this browser posted them (``pending_ids``).
    """
    page_size = conf.PAGE_SIZE if page_size is None else page_size
    own = pending_ids(request)
    where = target_filter(target)
    visible = Q(status=Status.APPROVED)
    if own:
        visible |= Q(pk__in=own, status__in=[Status.PENDING, Status.SPAM])
    base = Comment.objects.filter(where).filter(visible)
    newest_first = conf.ORDER_NEWEST_FIRST

    # Rows rather than model instances (see Row), unless something listens to post_init
    # for comments: then it hears every comment of the list, as it would with a queryset.
    load: Callable[[models.QuerySet[Comment]], Sequence[Row | Comment]] = (
        load_comments if signals.post_init.has_listeners(Comment) else load_rows
    )
    if page_size <= 0:
        comments = load(base)
        roots = sum(1 for c in comments if c.parent_id is None)
        nodes = build_nodes(comments, newest_first=newest_first, max_depth=max_depth)
        return ThreadPage(nodes, approved_count(target, request), 1, 1, roots)

    # Paged by top-level thread: the root ids first (one small column), then every comment
    # on this page's threads. Always the same two queries, so the query count does not
    # depend on how many comments or pages there are. A visible reply whose thread root is
    # hidden (held after readers reported it, say) is shown top-level by build_nodes(), so
    # its thread counts too, placed by its first visible comment: without it, replies
    # published long ago would vanish from every page when the comment they answer is held.
    heads = base.filter(Q(parent__isnull=True) | ~Q(thread__status=Status.APPROVED))
    order = ("-submitted_at", "-pk") if newest_first else ("submitted_at", "pk")
    root_ids = list(
        dict.fromkeys(
            thread_id or pk
            for pk, thread_id in heads.order_by(*order).values_list("pk", "thread_id")
        )
    )
    thread_count = len(root_ids)
    num_pages = max(1, -(-thread_count // page_size))
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), num_pages)
    page_roots = root_ids[(number - 1) * page_size : number * page_size]
    comments = load(base.filter(Q(pk__in=page_roots) | Q(thread_id__in=page_roots)))
    nodes = build_nodes(comments, newest_first=newest_first, max_depth=max_depth)
    return ThreadPage(nodes, approved_count(target, request), number, num_pages, thread_count)


def page_of(comment: Comment, page_size: int | None = None) -> int:
    """The list page that shows ``comment`` (for permalinks)."""
    page_size = conf.PAGE_SIZE if page_size is None else page_size
    if page_size <= 0:
        return 1
    root_id = comment.thread_id or comment.pk
    root_time: Any
    if root_id == comment.pk and "submitted_at" in comment.__dict__:
        root_time = comment.submitted_at  # a top-level comment is its own thread's root
    else:
        # In the counting query itself: one query for a reply, not two. A root that is
        # gone compares with NULL, counts nothing, and gives page 1.
        root_time = Subquery(Comment.objects.filter(pk=root_id).values("submitted_at")[:1])
    earlier = Comment.objects.filter(
        content_type_id=comment.content_type_id,
        object_pk=comment.object_pk,
        parent__isnull=True,
        status=Status.APPROVED,
    )
    if conf.ORDER_NEWEST_FIRST:
        earlier = earlier.filter(
            Q(submitted_at__gt=root_time) | Q(submitted_at=root_time, pk__gt=root_id)
        )
    else:
        earlier = earlier.filter(
            Q(submitted_at__lt=root_time) | Q(submitted_at=root_time, pk__lt=root_id)
        )
    return earlier.count() // page_size + 1
