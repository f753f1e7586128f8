import datetime
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from comments_plugin.models import Comment, Status
from tests.testapp.models import Article

DATA = Path(__file__).parent / "data" / "import"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("comments_import", "disqus", *args, "--no-input", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class DisqusImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="First", slug="first-post")

    def test_statuses_authors_and_dates_are_kept(self):
        run(str(DATA / "small_disqus.xml"), "--model", "testapp.Article", "--match", "slug")
        by_name = {c.author_name: c for c in Comment.objects.all()}
        assert by_name["Ann"].status == Status.APPROVED
        assert by_name["Spammer"].status == Status.SPAM
        assert by_name["Gone"].status == Status.TRASH
        assert by_name["Ann"].author_email == "ann@example.com"
        assert by_name["Ann"].ip_address == "192.0.2.5"
        assert by_name["Ann"].body == "<p>Parent second</p>"
        assert by_name["Ann"].submitted_at == datetime.datetime(
            2020, 1, 1, 9, 0, tzinfo=datetime.UTC
        )
        assert (by_name["Ann"].import_source, by_name["Ann"].import_id) == ("disqus", "1001")
        assert all(c.content_object == self.article for c in by_name.values())

    def test_a_reply_listed_before_its_parent_is_threaded(self):
        run(str(DATA / "small_disqus.xml"), "--model", "testapp.Article", "--match", "slug")
        ann, bob = Comment.objects.get(author_name="Ann"), Comment.objects.get(author_name="Bob")
        assert (bob.parent_id, bob.thread_id, bob.depth) == (ann.pk, ann.pk, 1)

    def test_posts_on_unknown_threads_are_reported(self):
        _out, err = run(
            str(DATA / "small_disqus.xml"), "--model", "testapp.Article", "--match", "slug"
        )
        assert "1 comments on 1 threads with no matching object were NOT imported" in err
        assert "thread 404: 1" in err
        assert Comment.objects.count() == 4

    def test_match_by_pk_uses_the_disqus_identifier(self):
        from tests.testapp.models import Note

        note = Note.objects.create(text="x")
        with open(DATA / "small_disqus.xml") as src:
            text = src.read().replace("<id>first-post</id>", f"<id>{note.pk}</id>")
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "d.xml"
        path.write_text(text)
        run(str(path), "--model", "testapp.Note", "--match", "pk")
        assert Comment.objects.count() == 4
        assert {c.content_object for c in Comment.objects.all()} == {note}

    def test_a_second_run_creates_nothing(self):
        run(str(DATA / "small_disqus.xml"), "--model", "testapp.Article", "--match", "slug")
        out, _err = run(
            str(DATA / "small_disqus.xml"), "--model", "testapp.Article", "--match", "slug"
        )
        assert "Imported 0 comments" in out
        assert Comment.objects.count() == 4

    def test_a_file_that_is_not_xml_is_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "not well-formed XML (line 1"):
            run(str(DATA / "ATTRIBUTION.md"), "--model", "testapp.Article")

    def test_a_parent_in_another_thread_is_not_linked_and_a_far_date_is_not_a_crash(self):
        other = Article.objects.create(title="Second", slug="second-post")
        posts = (
            ("p1", "t1", "", "2020-01-01T00:00:00Z"),
            ("p2", "t2", '<parent dsq:id="p1"/>', "0001-01-01T00:00:00+05:00"),
        )
        text = (
            '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
            '<thread dsq:id="t1"><link>https://old.example/a/first-post/</link></thread>'
            '<thread dsq:id="t2"><link>https://old.example/a/second-post/</link></thread>'
            + "".join(
                f'<post dsq:id="{pid}"><message>{pid}</message><createdAt>{date}</createdAt>'
                f'<thread dsq:id="{tid}"/>{parent}</post>'
                for pid, tid, parent, date in posts
            )
            + "</disqus>"
        )
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "d.xml"
        path.write_text(text)
        out, _err = run(str(path), "--model", "testapp.Article", "--match", "slug")
        reply = Comment.objects.get(body="p2")
        assert reply.content_object == other
        assert (reply.parent_id, reply.thread_id, reply.depth) == (None, None, 0)
        assert reply.submitted_at.year > 2000  # no representable date: the time of import
        assert "1 replies to comments missing from the input" in out
