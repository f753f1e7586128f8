"""Small builders for test data (no fixtures)."""

from __future__ import annotations

import datetime
import gc
import itertools
import time
import tracemalloc
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from comments_plugin.forms import make_token
from comments_plugin.models import Comment, Status
from comments_plugin.spam.analysis import body_hash


def make_comment(
    target: models.Model,
    body: str = "A comment.",
    *,
    parent: Comment | None = None,
    status: str = Status.APPROVED,
    **fields: Any,
) -> Comment:
    """A stored comment on ``target`` with its thread fields filled in."""
    fields.setdefault("author_name", "Ann")
    fields.setdefault("author_email", "ann@example.com")
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(target.__class__),
        object_pk=str(target.pk),
        parent=parent,
        thread_id=(parent.thread_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        body=body,
        status=status,
        **fields,
    )


def make_thread_tree(target: models.Model, total: int, *, max_depth: int = 5) -> list[Comment]:
    """``total`` approved comments: a fifth top-level, the rest replies at every depth.

    Built level by level with ``bulk_create`` so 500 comments take a handful of queries.
    """
    ct = ContentType.objects.get_for_model(target.__class__)
    roots = max(1, total // 5)
    # parent index per comment (None for a root), chosen deterministically.
    parents: list[int | None] = [None] * roots
    depths = [0] * roots
    for i in range(roots, total):
        candidate = i - 1 - (i * 13) % min(i, 11)
        while depths[candidate] >= max_depth:
            candidate = parents[candidate] or 0
        parents.append(candidate)
        depths.append(depths[candidate] + 1)
    start = timezone.now() - datetime.timedelta(days=10)
    stored: list[Comment | None] = [None] * total
    for level in range(max_depth + 1):
        batch = []
        for i in range(total):
            if depths[i] != level:
                continue
            parent = stored[parents[i]] if parents[i] is not None else None
            comment = Comment(
                content_type=ct,
                object_pk=str(target.pk),
                parent=parent,
                thread_id=(parent.thread_id or parent.pk) if parent else None,
                depth=level,
                author_name=f"Reader {i}",
                author_email=f"reader{i}@example.com",
                author_url="https://example.com/" if i % 3 == 0 else "",
                body=f"Comment number {i}.\n\nSecond paragraph with https://example.org/{i}",
                status=Status.APPROVED,
                submitted_at=start + datetime.timedelta(minutes=i),
            )
            batch.append((i, comment))
        for _, comment in batch:
            # bulk_create skips Comment.save(), which sets it.
            comment.body_hash = body_hash(comment.body)
        Comment.objects.bulk_create([c for _, c in batch])
        for i, comment in batch:
            stored[i] = comment
    return [c for c in stored if c is not None]


def old_token(target: models.Model, seconds_ago: int = 60) -> str:
    """A form token issued ``seconds_ago`` (the submit timer scores faster posts)."""
    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        return make_token(target)


_bodies = itertools.count(1)


def form_data(target: models.Model, **extra: Any) -> dict[str, Any]:
    """A valid anonymous comment form submission for ``target``.

    Each body is different and reads like a person wrote it, so content spam filters
    (duplicates, generic praise) leave it alone.
    """
    return {
        "name": "Ann",
        "email": "ann-secret@example.com",
        "url": "",
        "body": f"I tried step {next(_bodies)} with less butter and the sauce held together.",
        "token": old_token(target),
        "next": "",
        **extra,
    }


def memory_kept(work: Callable[[], object]) -> int:
    """Bytes Python still holds after ``work()`` ran and garbage was collected."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        work()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
