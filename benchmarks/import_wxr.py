"""Import a (generated) WXR and print the time and the peak resident memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        python benchmarks/import_wxr.py /tmp/100k.xml [--dry-run]

Uses tests.settings; migrates the database, creates the ``bench-post-N`` articles the file
names, then runs ``comments_import wordpress FILE --model testapp.Article --match slug``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comments_plugin.models import Comment, ModerationEvent
    from tests.testapp.models import Article

    call_command("migrate", verbosity=0)
    posts = 0
    with open(args.file, encoding="utf-8") as src:
        for line in src:
            if line.startswith("<item>"):
                posts += 1
    with connection.cursor() as cursor:  # start empty, without loading rows into memory
        cursor.execute(f"DELETE FROM {ModerationEvent._meta.db_table}")
        cursor.execute(f"DELETE FROM {Comment._meta.db_table}")
    existing = set(
        Article.objects.filter(slug__startswith="bench-post-").values_list("slug", flat=True)
    )
    Article.objects.bulk_create(
        Article(title=f"Post {n}", slug=f"bench-post-{n}")
        for n in range(1, posts + 1)
        if f"bench-post-{n}" not in existing
    )
    before = rss_mib()
    started = time.perf_counter()
    options = ["--dry-run"] if args.dry_run else []
    call_command(
        "comments_import",
        "wordpress",
        args.file,
        "--model",
        "testapp.Article",
        "--match",
        "slug",
        "--no-input",
        *options,
    )
    elapsed = time.perf_counter() - started
    size = Path(args.file).stat().st_size / 2**20
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"file: {size:.1f} MiB, {posts} posts; stored comments now: {Comment.objects.count()}")
    print(
        f"time: {elapsed:.1f} s; peak RSS: {rss_mib():.1f} MiB (before the import: {before:.1f} MiB)"
    )


if __name__ == "__main__":
    main()
