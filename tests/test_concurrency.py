"""Concurrency on the real servers: many posters, racing moderators, flood limits across
processes. PostgreSQL tests skip on SQLite; Redis tests skip when no Redis answers.

Run them with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>`` and
``CACHE_URL=redis://127.0.0.1:6379/<n>`` (``.ci/run`` does).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client, TestCase, TransactionTestCase, override_settings

from comments_plugin import operations
from comments_plugin.models import Comment, ModerationEvent, Status
from tests.testapp.helpers import make_comment, old_token
from tests.testapp.models import Article

ROOT = Path(__file__).resolve().parent.parent
POSTERS = 50
FLOOD = {"NAME": "comments_plugin.spam.filters.flood.FloodFilter", "OPTIONS": {"INTERVAL": 60}}
REDIS_URL = os.environ.get("CACHE_URL", "")
if not REDIS_URL.startswith("redis://"):
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released at the same instant; return results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = work(index)
        except Exception as exc:  # reported by the test, not lost in a thread
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


class PostgresTestCase(TransactionTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if connection.vendor != "postgresql":
            raise pytest.skip.Exception("needs PostgreSQL (set DATABASE_URL)")
        super().setUpClass()


@pytest.mark.postgres
@pytest.mark.slow
@override_settings(
    COMMENTS_PLUGIN={
        "SPAM_FILTERS": [{"NAME": "comments_plugin.spam.filters.honeypot.HoneypotFilter"}]
    }
)
class ConcurrentPostingTests(PostgresTestCase):
    def test_fifty_comments_posted_at_once_are_all_stored_in_one_consistent_tree(self) -> None:
        article = Article.objects.create(title="Busy", slug="busy")
        root = make_comment(article, "The first comment")
        token = old_token(article)

        def post(index: int) -> int:
            data = {
                "name": f"Poster {index}",
                "email": f"poster{index}@example.com",
                "body": f"Comment number {index}",
                "token": token,
                "parent": str(root.pk) if index % 2 else "",
            }
            client = Client(REMOTE_ADDR=f"198.51.100.{index + 1}")
            return client.post("/comments/post/", data).status_code

        results = run_together(POSTERS, post)
        assert results == [302] * POSTERS, results
        comments = Comment.objects.exclude(pk=root.pk)
        assert comments.count() == POSTERS
        assert sorted(comments.values_list("body", flat=True)) == sorted(
            f"Comment number {i}" for i in range(POSTERS)
        )
        replies = comments.filter(parent=root)
        assert replies.count() == POSTERS // 2
        assert set(replies.values_list("thread_id", "depth")) == {(root.pk, 1)}
        assert set(comments.filter(parent=None).values_list("thread_id", "depth")) == {(None, 0)}
        # One row per comment (the decision is on it, the audit trail starts at the first
        # change), and the page counts what the database holds.
        assert not ModerationEvent.objects.exists()
        assert all(
            reasons is not None for reasons in comments.values_list("spam_reasons", flat=True)
        )
        approved = Comment.objects.filter(status=Status.APPROVED).count()
        assert approved == POSTERS + 1
        page = Client().get("/articles/busy/").content.decode()
        assert f'<p class="count">{approved} comments</p>' in page
        assert page.count('class="comment ') == approved


@pytest.mark.postgres
@pytest.mark.slow
class RacingModeratorsTests(PostgresTestCase):
    def test_approve_and_spam_at_once_end_in_one_status_with_a_complete_audit_trail(self) -> None:
        article = Article.objects.create(title="Race", slug="race")
        finals = set()
        moves = (operations.approve, operations.mark_spam)
        for _round in range(20):
            comment = make_comment(article, "Contested", status=Status.PENDING)

            def act(index: int, pk: int = comment.pk) -> bool:
                return moves[index](Comment.objects.get(pk=pk), source=f"moderator {index}")

            changed = run_together(2, act)
            assert all(isinstance(value, bool) for value in changed), changed
            comment.refresh_from_db()
            assert comment.status in (Status.APPROVED, Status.SPAM)
            finals.add(comment.status)
            events = list(ModerationEvent.objects.filter(comment=comment).order_by("pk"))
            assert len(events) == sum(changed)
            # The chain starts at the status the comment was posted with.
            assert events[0].from_status == Status.PENDING
            for previous, event in itertools.pairwise(events):
                assert event.from_status == previous.to_status, [
                    (e.from_status, e.to_status) for e in events
                ]
            assert events[-1].to_status == comment.status
        assert finals  # both outcomes are fine; each round ended in exactly one

    def test_a_hundred_racing_status_changes_keep_the_chain_unbroken(self) -> None:
        article = Article.objects.create(title="Storm", slug="storm")
        comment = make_comment(article, "Storm", status=Status.PENDING)
        moves = (operations.approve, operations.mark_spam, operations.trash, operations.hold)
        run_together(100, lambda i: moves[i % 4](Comment.objects.get(pk=comment.pk), source=str(i)))
        events = list(ModerationEvent.objects.filter(comment=comment).order_by("pk"))
        assert events[0].from_status == Status.PENDING
        for previous, event in itertools.pairwise(events):
            assert event.from_status == previous.to_status
            assert event.from_status != event.to_status
        comment.refresh_from_db()
        assert events[-1].to_status == comment.status


FLOOD_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import django
    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from comments_plugin.exceptions import CommentRejected
    from comments_plugin.models import Comment
    from comments_plugin.spam.base import Submission
    from comments_plugin.spam.filters.flood import FloodFilter

    prefix, start_at, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    with_email = sys.argv[4] == "email"

    def email(index):
        return f"{index}@{prefix}.example" if with_email else ""

    flood = FloodFilter(INTERVAL=60)
    passed = []
    while time.time() < start_at:
        time.sleep(0.001)
    for index in range(count):
        comment = Comment(ip_address=f"{prefix}.{index}", author_email=email(index))
        try:
            flood.check(comment, Submission(request=object()))
            passed.append(index)
        except CommentRejected as exc:
            assert exc.status == 429
    print(json.dumps(passed))
    """
)


@pytest.mark.redis
@pytest.mark.slow
class FloodAcrossProcessesTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not redis_answers():
            raise pytest.skip.Exception(f"needs a Redis server at {REDIS_URL}")
        super().setUpClass()

    def race(self, mode: str, count: int = 40) -> list[list[int]]:
        """Two processes check the same ``count`` new addresses at the same instant."""
        prefix = f"10.{uuid.uuid4().int % 200}.{uuid.uuid4().int % 200}"
        start_at = time.time() + 3
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "CACHE_URL": REDIS_URL,
            "PYTHONPATH": str(ROOT),
        }
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", FLOOD_SCRIPT, prefix, str(start_at), str(count), mode],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
        assert all(p.returncode == 0 for p in processes), [err for _out, err in outputs]
        return [json.loads(out) for out, _err in outputs]

    def test_two_processes_sharing_redis_let_each_address_through_exactly_once(self) -> None:
        first, second = self.race("ip")
        assert sorted(first + second) == list(range(40))

    def test_with_ip_and_email_marks_no_address_ever_gets_through_twice(self) -> None:
        # Two marks per comment: in an exact tie each process may win one mark and both are
        # refused (the safe side); never may both pass.
        first, second = self.race("email")
        assert set(first).isdisjoint(second)
        assert first or second

    @override_settings(
        CACHES=REDIS_CACHE,
        COMMENTS_PLUGIN={
            "SPAM_FILTERS": [
                {"NAME": "comments_plugin.spam.filters.honeypot.HoneypotFilter"},
                FLOOD,
            ]
        },
    )
    def test_a_second_comment_from_one_address_through_redis_gets_a_429(self) -> None:
        from django.core.cache import cache

        cache.clear()
        article = Article.objects.create(title="Flood", slug="flood")
        client = Client(REMOTE_ADDR="203.0.113.77")
        data = {"name": "Fast", "email": "fast@example.com", "token": old_token(article)}
        assert client.post("/comments/post/", data | {"body": "One"}).status_code == 302
        response = client.post("/comments/post/", data | {"body": "Two"})
        assert response.status_code == 429
        assert response["Retry-After"]
        assert Comment.objects.count() == 1
