import datetime
import io
import tempfile
import tracemalloc
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from comments_plugin.importers.wordpress import WordPressImporter
from comments_plugin.importers.xmlstream import XMLStream
from comments_plugin.models import Comment, ModerationEvent, Status
from tests.testapp.models import Article

DATA = Path(__file__).parent / "data" / "import"


def run(*args, **kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("comments_import", *args, "--no-input", stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def wxr(count, *, per_post=50):
    """A generated WXR of ``count`` comments (every fifth a reply to the one before)."""
    parts = ['<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>']
    number = 0
    post = 0
    while number < count:
        post += 1
        parts.append(f"<item><wp:post_id>{post}</wp:post_id><wp:post_name>p{post}</wp:post_name>")
        for _i in range(min(per_post, count - number)):
            number += 1
            parent = number - 1 if number % 5 == 0 else 0
            parts.append(
                f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
                f"<wp:comment_author>Reader {number}</wp:comment_author>"
                f"<wp:comment_date_gmt>2020-01-01 00:00:00</wp:comment_date_gmt>"
                f"<wp:comment_content>Comment number {number} {'x' * 200}</wp:comment_content>"
                f"<wp:comment_approved>1</wp:comment_approved>"
                f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
            )
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


class WordPressImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = Article.objects.create(title="First", slug="first-post")
        cls.second = Article.objects.create(title="Second", slug="second-post")

    def import_threads(self, *extra):
        return run(
            "wordpress",
            str(DATA / "threads.wxr"),
            "--model",
            "testapp.Article",
            "--match",
            "slug",
            *extra,
        )

    def test_authors_addresses_agents_and_utc_dates_are_kept(self):
        self.import_threads()
        ann = Comment.objects.get(author_name="Ann")
        assert ann.content_object == self.first
        assert ann.author_email == "ann@example.com"
        assert ann.ip_address == "192.0.2.5"
        assert ann.user_agent == "Mozilla/5.0 (X11)"
        assert ann.body == "<p>The <em>first</em> comment &amp; more.</p>"
        assert ann.submitted_at == datetime.datetime(2020, 1, 1, 11, 0, tzinfo=datetime.UTC)
        carol = Comment.objects.get(author_name="Carol")
        assert carol.author_url == "https://carol.example.com/"
        assert carol.ip_address == "2001:db8::1"
        assert (ann.import_source, ann.import_id) == ("wordpress", "10:101")

    def test_replies_listed_before_their_parents_are_threaded(self):
        self.import_threads()
        ann, bob, carol = (Comment.objects.get(author_name=n) for n in ("Ann", "Bob", "Carol"))
        assert (ann.parent_id, ann.thread_id, ann.depth) == (None, None, 0)
        assert (bob.parent_id, bob.thread_id, bob.depth) == (ann.pk, ann.pk, 1)
        assert (carol.parent_id, carol.thread_id, carol.depth) == (bob.pk, ann.pk, 2)

    def test_pings_are_skipped_unless_asked_for(self):
        out, _err = self.import_threads()
        assert not Comment.objects.filter(author_name__endswith="blog").exists()
        assert "2 pingbacks/trackbacks skipped" in out
        Comment.objects.all().delete()
        self.import_threads("--include-pings")
        assert Comment.objects.filter(author_name__endswith="blog").count() == 2

    def test_unmatched_posts_are_reported_with_counts_and_not_imported(self):
        _out, err = self.import_threads()
        assert "2 comments on 1 threads with no matching object were NOT imported" in err
        assert "post 30 https://old.example.com/2020/03/gone/" in err
        assert not Comment.objects.filter(author_name__in=["Eve", "Fay"]).exists()
        assert Comment.objects.count() == 4

    def test_a_second_run_creates_nothing(self):
        self.import_threads()
        before = list(
            Comment.objects.values_list("pk", "parent_id", "thread_id", "depth").order_by("pk")
        )
        out, _err = self.import_threads()
        assert "Imported 0 comments" in out
        assert "4 already imported" in out
        assert (
            list(
                Comment.objects.values_list("pk", "parent_id", "thread_id", "depth").order_by("pk")
            )
            == before
        )

    def test_each_comment_gets_one_import_audit_row(self):
        self.import_threads()
        events = ModerationEvent.objects.all()
        assert events.count() == 4
        assert {(e.source, e.action, e.from_status, e.to_status) for e in events} == {
            ("import", "import", "", Status.APPROVED)
        }

    def test_dry_run_saves_nothing_but_reports(self):
        out, _err = self.import_threads("--dry-run")
        assert "Imported 4 comments" in out
        assert "Dry run: nothing was saved." in out
        assert Comment.objects.count() == 0

    def test_every_status_maps_and_missing_values_get_documented_defaults(self):
        Article.objects.create(title="S", slug="statuses")
        run(
            "wordpress",
            str(DATA / "statuses.wxr"),
            "--model",
            "testapp.Article",
            "--match",
            "slug",
            "--timezone",
            "Europe/Paris",
        )
        status = dict(Comment.objects.values_list("body", "status"))
        assert status == {
            "approved": Status.APPROVED,
            "pending": Status.PENDING,
            "spam": Status.SPAM,
            "trash": Status.TRASH,
            "post-trashed": Status.TRASH,
            "local date only": Status.APPROVED,
            "no status, date or email": Status.PENDING,
        }
        local = Comment.objects.get(body="local date only")
        assert local.submitted_at == datetime.datetime(
            2019, 5, 6, 10, 5, tzinfo=datetime.UTC
        )  # 12:05 CEST
        bare = Comment.objects.get(body="no status, date or email")
        assert bare.submitted_at == datetime.datetime(
            2019, 5, 5, 8, 0, tzinfo=datetime.UTC
        )  # the post's date
        assert bare.author_email == ""

    def test_wxr_without_version_and_http_namespace_is_read(self):
        Article.objects.create(title="Old", slug="old")
        run(
            "wordpress",
            str(DATA / "no_version.wxr"),
            "--model",
            "testapp.Article",
            "--match",
            "slug",
        )
        assert Comment.objects.get().body == "Still here."

    def test_match_by_url_compares_paths_with_get_absolute_url(self):
        moved = Article.objects.create(title="Moved", slug="moved")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "url.wxr"
            path.write_text(
                '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                "<item><link>https://old.example.com/articles/moved</link><wp:post_id>7</wp:post_id>"
                "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>hi</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved></wp:comment></item>"
                "<item><link>https://old.example.com/elsewhere/</link><wp:post_id>8</wp:post_id>"
                "<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content>lost</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved></wp:comment></item>"
                "</channel></rss>"
            )
            _out, err = run("wordpress", str(path), "--model", "testapp.Article", "--match", "url")
        assert Comment.objects.get().content_object == moved
        assert "post 8 https://old.example.com/elsewhere/: 1" in err

    def test_match_by_pk_uses_the_wordpress_post_id(self):
        Article.objects.filter(pk=10).delete()  # PostgreSQL sequences may have reached 10
        Article.objects.create(pk=10, title="Ten", slug="ten")
        run("wordpress", str(DATA / "threads.wxr"), "--model", "testapp.Article", "--match", "pk")
        assert Comment.objects.count() == 3
        assert set(Comment.objects.values_list("object_pk", flat=True)) == {"10"}

    def test_match_by_a_field_holding_the_old_url(self):
        from tests.testapp.models import Note

        note = Note.objects.create(text="https://old.example.com/2020/02/second-post/")
        run("wordpress", str(DATA / "threads.wxr"), "--model", "testapp.Note", "--match", "text")
        assert Comment.objects.get().content_object == note

    def test_entity_declarations_are_refused_and_nothing_is_imported(self):
        Article.objects.create(title="Old", slug="old")
        for name in ("entities.wxr", "external.wxr"):
            with self.subTest(name):
                try:
                    run(
                        "wordpress",
                        str(DATA / name),
                        "--model",
                        "testapp.Article",
                        "--match",
                        "slug",
                    )
                except CommandError as exc:
                    assert "refused" in str(exc)
                else:
                    raise AssertionError("no error")
        assert Comment.objects.count() == 0

    def test_a_file_broken_halfway_imports_nothing_and_names_the_line(self):
        Article.objects.create(title="Old", slug="old")
        with self.assertRaisesMessage(CommandError, "(line 12, column 5)"):
            run(
                "wordpress",
                str(DATA / "truncated.wxr"),
                "--model",
                "testapp.Article",
                "--match",
                "slug",
            )
        assert Comment.objects.count() == 0
        assert ModerationEvent.objects.count() == 0

    def test_a_missing_file_is_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            run("wordpress", str(DATA / "nope.xml"), "--model", "testapp.Article")

    def test_without_a_model_or_resolver_the_command_explains_what_to_give(self):
        with self.assertRaisesMessage(CommandError, "--model app.Model"):
            run("wordpress", str(DATA / "threads.wxr"))

    def test_an_unknown_match_field_is_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "has no field 'nope'"):
            run(
                "wordpress",
                str(DATA / "threads.wxr"),
                "--model",
                "testapp.Article",
                "--match",
                "nope",
            )

    def test_five_thousand_comments_stream_with_each_item_freed_once_read(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.wxr"
            path.write_text(wxr(5000))
            # Each <item> is removed from <channel> once handled, so the tree never grows (the
            # parser may already have started the next item or two of its 16 KiB chunk).
            siblings = [
                len(ancestors[-1])
                for _item, ancestors in XMLStream(path).elements({"item"}, depth=2)
            ]
            assert len(siblings) == 100
            assert max(siblings) <= 3, siblings
            peaks = []
            for count in (500, 5000):
                sample = Path(tmp) / f"c{count}.wxr"
                sample.write_text(wxr(count))
                tracemalloc.start()
                for _record in WordPressImporter(sample).records():
                    pass
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
            # Ten times the comments, about the same peak (a tree kept whole would be ~10x).
            assert peaks[1] < peaks[0] * 3, peaks
            for post in range(1, 101):
                Article.objects.create(title=f"P{post}", slug=f"p{post}")
            run("wordpress", str(path), "--model", "testapp.Article", "--match", "slug")
        assert Comment.objects.count() == 5000
        assert Comment.objects.filter(parent__isnull=False).count() == 1000

    def test_an_unknown_declared_encoding_is_a_command_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bogus.xml"
            path.write_text('<?xml version="1.0" encoding="x-bogus"?><rss/>')
            with self.assertRaisesMessage(CommandError, "declares an unknown encoding"):
                run("wordpress", str(path), "--model", "testapp.Article")

    def test_a_reply_in_another_item_with_the_same_post_id_stays_on_its_own_page(self):
        comment = (
            "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_parent>{parent}"
            "</wp:comment_parent><wp:comment_content>c{id}</wp:comment_content></wp:comment>"
        )
        items = "".join(
            f"<item><wp:post_id>7</wp:post_id><wp:post_name>{slug}</wp:post_name>"
            f"{comment.format(id=cid, parent=parent)}</item>"
            for slug, cid, parent in (("first-post", 1, 0), ("second-post", 2, 1))
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "same-id.xml"
            path.write_text(
                f'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>{items}</channel></rss>'
            )
            run("wordpress", str(path), "--model", "testapp.Article", "--match", "slug")
        reply = Comment.objects.get(body="c2")
        assert reply.content_object == self.second
        assert (reply.parent_id, reply.thread_id, reply.depth) == (None, None, 0)

    def test_a_date_without_a_utc_equivalent_falls_back_like_a_missing_one(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "far.xml"
            path.write_text(
                '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
                "<wp:post_id>1</wp:post_id><wp:post_name>first-post</wp:post_name>"
                "<wp:post_date_gmt>2020-02-02 10:00:00</wp:post_date_gmt>"
                "<wp:comment><wp:comment_id>1</wp:comment_id>"
                "<wp:comment_date>9999-12-31 23:59:59</wp:comment_date>"
                "<wp:comment_content>far</wp:comment_content></wp:comment></item></channel></rss>"
            )
            run(
                "wordpress", str(path), "--model", "testapp.Article", "--match", "slug",
                "--timezone", "America/New_York",
            )  # fmt: skip
        assert Comment.objects.get().submitted_at == datetime.datetime(
            2020, 2, 2, 10, 0, tzinfo=datetime.UTC
        )
