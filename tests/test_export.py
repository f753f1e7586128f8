import datetime
import io
import json
import tempfile
from pathlib import Path
from xml.etree import ElementTree

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase

from comments_plugin.models import Comment, Status
from tests.testapp.models import Article, Note

PARIS = datetime.timezone(datetime.timedelta(hours=2))
WP = "{http://wordpress.org/export/1.2/}"


def make_comments(article, note, user):
    """A small site: a three-level thread, spam with reasons, a trashed comment, a comment
    imported earlier from WordPress and one on a UUID-keyed model."""
    ct = ContentType.objects.get_for_model(Article)

    def add(**fields):
        defaults = {
            "content_type": ct,
            "object_pk": str(article.pk),
            "author_name": "Ann",
            "body": "Hi",
        }
        return Comment.objects.create(**{**defaults, **fields})

    root = add(
        body="Root <b>bold</b> & “quotes”\nsecond line",
        author_email="ann@example.com",
        author_url="https://ann.example.com/",
        ip_address="192.0.2.1",
        user_agent="Mozilla/5.0",
        status=Status.APPROVED,
        submitted_at=datetime.datetime(2024, 3, 1, 12, 30, 15, tzinfo=PARIS),
        user=user,
    )
    reply = add(
        parent=root,
        thread=root,
        depth=1,
        author_name="Bob",
        status=Status.PENDING,
        ip_address="2001:db8::5",
        submitted_at=datetime.datetime(2024, 3, 2, 8, 0, tzinfo=datetime.UTC),
    )
    add(
        parent=reply,
        thread=root,
        depth=2,
        author_name="Cy",
        status=Status.TRASH,
        submitted_at=datetime.datetime(2024, 3, 3, 8, 0, tzinfo=datetime.UTC),
    )
    add(
        author_name="Spammer",
        body="cheap pills",
        status=Status.SPAM,
        spam_score=4.5,
        spam_reasons=[{"filter": "keywords", "code": "phrase", "score": 4.5, "message": "pills"}],
        learned_as="spam",
        flag_count=2,
        submitted_at=datetime.datetime(2024, 3, 4, 8, 0, tzinfo=datetime.UTC),
    )
    add(
        author_name="From WP",
        import_source="wordpress",
        import_id="10:101",
        status=Status.APPROVED,
        submitted_at=datetime.datetime(2015, 1, 1, 0, 0, tzinfo=datetime.UTC),
    )
    Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Note),
        object_pk=str(note.pk),
        author_name="Uu",
        body="on a note",
        status=Status.APPROVED,
        submitted_at=datetime.datetime(2024, 3, 5, 8, 0, tzinfo=datetime.UTC),
    )


def export(fmt, path):
    call_command("comments_export", "--format", fmt, "-o", str(path), verbosity=0)


def import_(*args):
    call_command("comments_import", *args, "--no-input", stdout=io.StringIO(), stderr=io.StringIO())


FIELDS = [
    f.attname
    for f in Comment._meta.concrete_fields
    if f.attname not in ("id", "parent_id", "thread_id")
]


def snapshot():
    """Every field of every comment, keyed by its import identity, parents by that key too."""
    rows = {}
    keys = {
        c.pk: (c.import_source, c.import_id) if c.import_source else ("jsonl", str(c.pk))
        for c in Comment.objects.all()
    }
    for c in Comment.objects.all():
        key = keys[c.pk]
        row = {name: getattr(c, name) for name in FIELDS}
        row["import_source"], row["import_id"] = key
        row["parent"] = keys.get(c.parent_id)
        row["thread"] = keys.get(c.thread_id)
        rows[key] = row
    return rows


class JSONLinesExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("ann", "ann@example.com", "pw")
        cls.article = Article.objects.create(title="A", slug="a")
        cls.note = Note.objects.create(text="n")
        make_comments(cls.article, cls.note, cls.user)

    def test_one_json_object_per_comment_with_every_field(self):
        out = io.StringIO()
        call_command("comments_export", stdout=out)
        lines = out.getvalue().splitlines()
        assert len(lines) == 6
        root = json.loads(lines[0])
        assert root["target"] == {"model": "testapp.article", "pk": str(self.article.pk)}
        assert root["submitted_at"] == "2024-03-01T10:30:15+00:00"
        assert root["user"] == "ann"
        assert root["ip_address"] == "192.0.2.1"
        assert root["key"] == f"jsonl:{root['id']}"
        reply = json.loads(lines[1])
        assert reply["parent"] == root["key"]
        spam = json.loads(lines[3])
        assert spam["spam_reasons"][0]["filter"] == "keywords"
        assert spam["spam_score"] == 4.5
        assert json.loads(lines[4])["key"] == "wordpress:10:101"

    def test_export_then_wipe_then_import_restores_every_field_and_thread(self):
        before = snapshot()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "backup.jsonl"
            export("jsonl", path)
            Comment.objects.all().delete()
            import_("jsonl", str(path))
        after = snapshot()
        assert after.keys() == before.keys()
        for key, row in before.items():
            assert after[key] == row, key

    def test_importing_the_same_backup_twice_creates_nothing_new(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "backup.jsonl"
            export("jsonl", path)
            Comment.objects.all().delete()
            import_("jsonl", str(path))
            import_("jsonl", str(path))
        assert Comment.objects.count() == 6

    def test_status_and_model_filters(self):
        out = io.StringIO()
        call_command("comments_export", "--status", "spam", "--status", "trash", stdout=out)
        assert [json.loads(line)["status"] for line in out.getvalue().splitlines()] == [
            "trash",
            "spam",
        ]
        out = io.StringIO()
        call_command("comments_export", "--model", "testapp.Note", stdout=out)
        assert [json.loads(line)["author_name"] for line in out.getvalue().splitlines()] == ["Uu"]


class WXRExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("ann", "ann@example.com", "pw")
        cls.article = Article.objects.create(title="A & B", slug="a")
        cls.note = Note.objects.create(text="n")
        make_comments(cls.article, cls.note, cls.user)

    def test_wxr_is_well_formed_with_one_item_per_object(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "site.xml"
            call_command(
                "comments_export",
                "--format",
                "wxr",
                "-o",
                str(path),
                "--base-url",
                "https://new.example.com",
                verbosity=0,
            )
            root = ElementTree.parse(path).getroot()
        items = root.findall("channel/item")
        assert len(items) == 2
        first = items[0]
        assert first.findtext("title") == "A & B"
        assert first.findtext("link") == "https://new.example.com/articles/a/"
        assert first.findtext(f"{WP}post_name") == "a"
        approved = [c.findtext(f"{WP}comment_approved") for c in first.findall(f"{WP}comment")]
        assert approved == ["1", "0", "trash", "spam", "1"]

    def test_our_wordpress_importer_reads_our_wxr_back(self):
        before = {
            c.author_name: (
                c.body,
                c.status,
                c.submitted_at,
                c.ip_address,
                c.author_email,
                c.author_url,
                c.user_agent,
                c.depth,
            )
            for c in Comment.objects.filter(content_type=ContentType.objects.get_for_model(Article))
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "site.xml"
            export("wxr", path)
            Comment.objects.all().delete()
            import_("wordpress", str(path), "--model", "testapp.Article", "--match", "pk")
        after = {
            c.author_name: (
                c.body,
                c.status,
                c.submitted_at,
                c.ip_address,
                c.author_email,
                c.author_url,
                c.user_agent,
                c.depth,
            )
            for c in Comment.objects.all()
        }
        assert after == before
        cy = Comment.objects.get(author_name="Cy")
        assert cy.parent.author_name == "Bob"
        assert cy.thread.author_name == "Ann"
