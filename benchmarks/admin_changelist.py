"""Queries and time for the moderation queue (admin changelist) over a large table.

Seeds N comments (default 100,000) on several models into a throw-away test database, logs
in a moderator who is not a superuser (so permission queries count too), and loads pages of
100 rows of every status view, a search and the filters. Prints one line per page: queries,
median time over the rounds, rows shown.

    .venv/bin/python benchmarks/admin_changelist.py                # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/admin_changelist.py --comments 100000

PostgreSQL creates (and drops) ``test_<name>`` from ``DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

PAGES = [
    ("pending", {"status": "pending"}),
    ("all", {"status": "all"}),
    ("approved", {"status": "approved"}),
    ("spam", {"status": "spam"}),
    ("search 'reader 12'", {"status": "all", "q": "reader 12"}),
    ("flagged", {"status": "all", "flagged": "yes"}),
    ("reason link_count", {"status": "all", "reason": "link_count"}),
    ("content type", {"status": "all", "content_type": "{article_ct}"}),
]


def seed(total: int) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from comments_plugin.models import Comment, Status
    from tests.testapp.models import Article, Note

    articles = Article.objects.bulk_create(
        [Article(title=f"Article {i}", slug=f"a-{i}") for i in range(500)]
    )
    notes = Note.objects.bulk_create([Note(text=f"Note {i}") for i in range(100)])
    article_ct = ContentType.objects.get_for_model(Article)
    note_ct = ContentType.objects.get_for_model(Note)
    statuses = [Status.APPROVED] * 6 + [Status.PENDING, Status.SPAM, Status.SPAM, Status.TRASH]
    now = timezone.now()
    batch = []
    for i in range(total):
        on_note = i % 7 == 0
        reasons = [{"filter": "links", "code": "link_count", "score": 1.0, "message": "2 links"}]
        batch.append(
            Comment(
                content_type=note_ct if on_note else article_ct,
                object_pk=str(notes[i % 100].pk if on_note else articles[i % 500].pk),
                author_name=f"Reader {i % 5000}",
                author_email=f"reader{i % 5000}@example.com",
                author_url="https://example.com/" if i % 3 == 0 else "",
                body=f"Comment number {i}. " + "Some words about the article. " * 5,
                status=statuses[i % len(statuses)],
                ip_address=f"198.51.{i % 200}.{i % 250}",
                flag_count=1 if i % 97 == 0 else 0,
                spam_score=1.0 if i % 4 == 0 else 0.0,
                spam_reasons=reasons if i % 4 == 0 else [],
                submitted_at=now - datetime.timedelta(seconds=i * 30),
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    return article_ct.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Permission, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        article_ct = seed(args.comments)
        with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        print(
            f"{connection.vendor}: seeded {args.comments:,} comments "
            f"in {time.perf_counter() - started:.1f} s"
        )
        user = User.objects.create_user("mod", "mod@example.com", "pw", is_staff=True)
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="comments_plugin",
                codename__in=["view_comment", "change_comment", "moderate_comment"],
            )
        )
        client = Client()
        client.force_login(user)
        print(f"{'page':<22} {'queries':>7} {'median ms':>10} {'SQL ms':>7} {'rows':>5}")
        for label, params in PAGES:
            query = {k: v.format(article_ct=article_ct) for k, v in params.items()}
            timings, sql_timings = [], []
            for _ in range(args.rounds):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get("/admin/comments_plugin/comment/", query)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                sql_timings.append(sum(float(q["time"]) for q in queries) * 1000)
            rows = len(response.context["cl"].result_list)
            print(
                f"{label:<22} {len(queries):>7} {statistics.median(timings):>10.1f} "
                f"{statistics.median(sql_timings):>7.1f} {rows:>5}"
            )
            if os.environ.get("BENCH_SHOW_SQL"):
                for q in queries:
                    print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
