"""Every real export in ../shared/data/import/ (third-party files, read in place because of
their licences) against the counts in its ATTRIBUTION.md."""

import io
import unittest
from collections import Counter
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils.text import slugify

from comments_plugin.models import Comment
from tests.testapp.models import Article

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "import"
WORDPRESS = SHARED / "wordpress"
RESOLVER = "tests.test_import_compat.article_for"


def article_for(thread):
    """Creates the article a source post stands for: the compatibility files describe whole
    sites this test site does not have. Threads the file knows nothing about stay unmatched."""
    name = thread.slug or thread.identifier or thread.url
    if not name:
        return None
    slug = slugify(f"{thread.key}-{name}")[:50]
    article, _created = Article.objects.get_or_create(
        slug=slug, defaults={"title": thread.title or slug}
    )
    return article


def run(source, path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "comments_import",
        source,
        str(path),
        "--resolver",
        RESOLVER,
        "--no-input",
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def counts():
    return dict(Counter(Comment.objects.values_list("status", flat=True)))


def replies():
    return Comment.objects.filter(parent__isnull=False).count()


class SharedFilesMixin:
    @classmethod
    def setUpClass(cls):
        if not SHARED.is_dir():
            raise unittest.SkipTest(f"{SHARED} is not there")
        super().setUpClass()


class WordPressCompatibilityTests(SharedFilesMixin, TestCase):
    def test_isso_wordpress_8_approved_with_3_replies(self):
        run("wordpress", WORDPRESS / "isso_wordpress.xml")
        assert counts() == {"approved": 8}
        assert replies() == 3
        # 8 and 9 answer 7, which answers 6: depth and thread follow.
        eight = Comment.objects.get(import_id="18:8")
        assert (eight.depth, eight.thread.import_id, eight.parent.import_id) == (2, "18:6", "18:7")

    def test_theme_unit_test_data_33_with_4_pings_skipped_by_default(self):
        out, _err = run("wordpress", WORDPRESS / "WPTT_themeunittestdata.wordpress.xml")
        assert counts() == {"approved": 26, "pending": 3}
        assert replies() == 10
        assert "4 pingbacks/trackbacks skipped" in out
        # The ten-deep thread 904 → 905 → … → 915 keeps its depth.
        assert Comment.objects.get(import_id__endswith=":915").depth == 9

    def test_theme_unit_test_data_with_pings_is_30_approved_and_3_pending(self):
        run("wordpress", WORDPRESS / "WPTT_themeunittestdata.wordpress.xml", "--include-pings")
        assert counts() == {"approved": 30, "pending": 3}
        assert replies() == 10

    def test_theme_preview_2_approved(self):
        run("wordpress", WORDPRESS / "WPTT_theme-preview.xml")
        assert counts() == {"approved": 2}
        assert replies() == 0

    def test_64_block_test_data_2_approved_1_reply(self):
        run("wordpress", WORDPRESS / "WPTT_64-block-test-data.xml")
        assert counts() == {"approved": 2}
        assert replies() == 1

    def test_a11y_29_with_the_bare_comment_held_for_moderation(self):
        run("wordpress", WORDPRESS / "wpimp_a11y-unit-test-data.xml", "--include-pings")
        assert counts() == {"approved": 28, "pending": 1}
        assert replies() == 9
        bare = Comment.objects.get(import_id__endswith=":167")
        assert (bare.status, bare.author_name, bare.author_email) == ("pending", "Anon", "")

    def test_a11y_without_pings_is_25(self):
        run("wordpress", WORDPRESS / "wpimp_a11y-unit-test-data.xml")
        assert counts() == {"approved": 24, "pending": 1}

    def test_small_importer_fixtures(self):
        expected = {
            "wpimp_slashes.xml": {"approved": 1},
            "wpimp_small-export.xml": {"approved": 1},
            "wpimp_test-serialized-comment-meta.xml": {"approved": 1},
            "wpimp_valid-wxr-1.0.xml": {"approved": 1},
            "wpimp_valid-wxr-1.1.xml": {"approved": 1},
            "wpimp_wxr-comprehensive.xml": {"approved": 1},
            "wpimp_wxr-with-sub-data.xml": {"pending": 1},
            "wpimp_wxr-utf-8-challenges.xml": {},
            # Valid XML (the CDATA sections are split correctly) with no comments.
            "wpimp_crazy-cdata-escaped.xml": {},
        }
        for name, expected_counts in expected.items():
            with self.subTest(name):
                Comment.objects.all().delete()
                run("wordpress", WORDPRESS / name)
                assert counts() == expected_counts

    def test_broken_files_fail_with_the_line_and_import_nothing(self):
        broken = {
            # "]]>" inside a CDATA section ends it early; the rest is not XML.
            "wpimp_crazy-cdata.xml": "(line 18, column 72)",
            # A </wp:term> is missing: the parser stops at </channel>.
            "wpimp_malformed.xml": "(line 90, column 3)",
        }
        for name, position in broken.items():
            with self.subTest(name), self.assertRaisesMessage(CommandError, position):
                run("wordpress", WORDPRESS / name)
        assert Comment.objects.count() == 0

    def test_every_shared_wordpress_file_is_covered(self):
        covered = {
            "isso_wordpress.xml",
            "WPTT_themeunittestdata.wordpress.xml",
            "WPTT_theme-preview.xml",
            "WPTT_64-block-test-data.xml",
            "wpimp_a11y-unit-test-data.xml",
            "wpimp_slashes.xml",
            "wpimp_small-export.xml",
            "wpimp_test-serialized-comment-meta.xml",
            "wpimp_valid-wxr-1.0.xml",
            "wpimp_valid-wxr-1.1.xml",
            "wpimp_wxr-comprehensive.xml",
            "wpimp_wxr-with-sub-data.xml",
            "wpimp_wxr-utf-8-challenges.xml",
            "wpimp_crazy-cdata-escaped.xml",
            "wpimp_crazy-cdata.xml",
            "wpimp_malformed.xml",
        }
        assert {p.name for p in WORDPRESS.glob("*.xml")} == covered


class DisqusCompatibilityTests(SharedFilesMixin, TestCase):
    def test_isso_disqus_6_posts_1_deleted_2_replies_1_on_a_missing_thread(self):
        _out, err = run("disqus", SHARED / "disqus" / "isso_disqus.xml")
        assert counts() == {"approved": 4, "trash": 1}
        assert replies() == 2
        assert "thread 1337: 1" in err
        deleted = Comment.objects.get(import_id="9")
        assert deleted.replies.get().import_id == "11"
