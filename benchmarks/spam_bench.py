"""Speed of the local spam pipeline, with and without a 62k-rule blocklist.

Run from the project root::

    .venv/bin/python benchmarks/spam_bench.py [--repeat N] [--profile [--sort tottime]]

Uses the test settings with an in-memory SQLite database (or ``DATABASE_URL``), stores
``--stored`` comments (5,000) for the history filters to search, trains the learning filter
on the YouTube Spam Collection in ``../shared/data`` and times
:func:`~comments_plugin.spam.run_pipeline` on its comments (every default filter, with a
request, so flood and timer run too; comments are checked, not saved). Then it loads
``splorp_blacklist.txt`` as "hold" rules, times the pipeline again, and counts how many ham
comments the blocklist alone would have held.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the comments")
    parser.add_argument("--stored", type=int, default=5000, help="comments in the database")
    parser.add_argument(
        "--profile", action="store_true", help="profile one pass of the whole pipeline and stop"
    )
    parser.add_argument(
        "--sort", default="cumulative", help="order of --profile's table (e.g. tottime)"
    )
    parser.add_argument("--lines", type=int, default=45, help="rows of --profile's table")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from comments_plugin import operations
    from comments_plugin.exceptions import CommentRejected
    from comments_plugin.models import Comment, Rule, Status
    from comments_plugin.spam import Submission, get_filters, run_pipeline
    from comments_plugin.spam.datasets import read_labelled
    from comments_plugin.spam.filters.rules import bump_rules_version, current_ruleset
    from comments_plugin.spam.learning import (
        HAM,
        SPAM,
        DatabaseStore,
        MemoryStore,
        features,
        save_counts,
    )
    from tests.testapp.models import Article

    files = sorted((DATA / "spam" / "youtube").glob("*.csv"))
    if not files:
        sys.exit(f"No data in {DATA / 'spam' / 'youtube'}.")
    items = [item for path in files for item in read_labelled(path)]
    store = MemoryStore()
    for item in items:
        store.add(features(item.body, item.author_name), SPAM if item.is_spam else HAM, 1)
    save_counts(store.data)

    article = Article.objects.create(title="Benchmark", slug="benchmark")
    # A realistic history for the database-backed filters to search: thousands of comments
    # over two months from a few hundred regulars, some of whom post again below.
    now = timezone.now()
    for i in range(args.stored):
        item = items[i % len(items)]
        comment = operations.build_comment(
            target=article,
            body=item.body if i < len(items) else f"{item.body} ({i})",
            author_name=item.author_name,
            author_email=f"old{i % 800}@example.com",
        )
        comment.status = Status.SPAM if item.is_spam else Status.APPROVED
        comment.ip_address = f"10.0.{i // 250 % 250}.{i % 250}"
        comment.submitted_at = now - datetime.timedelta(minutes=29 * i)
        comment.save()

    factory = RequestFactory()
    issued = timezone.now() - datetime.timedelta(minutes=2)
    work = []
    for i, item in enumerate(items):
        ip = f"192.0.{i // 250}.{i % 250}"
        request = factory.post("/comments/post/", REMOTE_ADDR=ip)
        comment = operations.build_comment(
            target=article,
            body=item.body,
            author_name=item.author_name,
            # Every other commenter has been here before.
            author_email=f"old{(i + 400) % 800}@example.com" if i % 2 else f"new{i}@example.org",
            request=request,
        )
        work.append((comment, request))

    def run(label: str, filters: list | None = None) -> None:
        from django.core.cache import cache

        # CPU time of this process: what one core can do, whatever else the machine runs.
        best_cpu = best_wall = 0.0
        for _ in range(args.repeat):
            cache.clear()  # flood marks of the previous pass
            # Clearing the cache also forgot the shared versions: compile the rules and load
            # the learned counts outside the timing, as a warm process would have.
            current_ruleset()
            DatabaseStore().counts(set())
            wall, cpu = time.perf_counter(), time.process_time()
            for comment, request in work:
                submission = Submission(request=request, target=article, token_issued_at=issued)
                # A repeat is refused with a message: a decision like any other.
                with contextlib.suppress(CommentRejected):
                    run_pipeline(comment, submission, filters=filters)
            best_cpu = max(best_cpu, len(work) / (time.process_time() - cpu))
            best_wall = max(best_wall, len(work) / (time.perf_counter() - wall))
        print(
            f"{label}: {best_cpu:,.0f} comments/s of CPU time on one core "
            f"({best_wall:,.0f}/s wall clock; best of {args.repeat} x {len(work)} comments)"
        )

    every = get_filters()
    if args.profile:
        import cProfile
        import pstats

        current_ruleset()
        DatabaseStore().counts(set())
        with cProfile.Profile() as profile:
            for comment, request in work:
                submission = Submission(request=request, target=article, token_issued_at=issued)
                with contextlib.suppress(CommentRejected):
                    run_pipeline(comment, submission)
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
        return
    without_history = [f for f in every if not f.needs_database]
    content = [f for f in without_history if f.name != "learning"]
    print(f"Database: {connection.vendor}; filters: {', '.join(f.name for f in every)}")
    run("Content filters (no database)", content)
    run("Content filters + learning (counts in memory)", without_history)
    run("Whole local pipeline", every)

    lines = (DATA / "keywords" / "splorp_blacklist.txt").read_text(encoding="utf-8").splitlines()
    values = sorted({line.strip() for line in lines if line.strip()})
    Rule.objects.bulk_create(
        [Rule(kind=Rule.Kind.PHRASE, value=v[:255], action=Rule.Action.HOLD) for v in values],
        ignore_conflicts=True,
        batch_size=2000,
    )
    bump_rules_version()
    started = time.perf_counter()
    ruleset = current_ruleset()
    print(f"Compiled {len(ruleset):,} rules in {time.perf_counter() - started:.2f} s")
    rules = Rule.objects.count()
    run(f"Content filters (no database), {rules:,} blocklist rules", content)
    run(f"Content filters + learning, {rules:,} blocklist rules", without_history)
    run(f"Whole local pipeline, {rules:,} blocklist rules", every)

    ham = [c for (c, _r), item in zip(work, items, strict=True) if not item.is_spam]
    spam = [c for (c, _r), item in zip(work, items, strict=True) if item.is_spam]
    ham_hits = [ruleset.match(c) for c in ham]
    spam_hits = [ruleset.match(c) for c in spam]
    held_ham = sum(1 for h in ham_hits if h)
    held_spam = sum(1 for h in spam_hits if h)
    print(
        f"Blocklist alone holds {held_ham} of {len(ham)} ham comments "
        f"({held_ham / len(ham):.1%} false positives) and {held_spam} of {len(spam)} spam."
    )
    top = Counter(value for hits in ham_hits for _pk, _action, value in hits).most_common(10)
    print("Rules hitting ham most: " + ", ".join(f"{v!r} ({n})" for v, n in top))
    print(f"Stored comments: {Comment.objects.count()}")


if __name__ == "__main__":
    main()
