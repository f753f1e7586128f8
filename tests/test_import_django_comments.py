import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from comments_plugin.models import Comment, Status
from tests.testapp.models import Article

# The column layout of django-contrib-comments 2.x and django-comments-xtd 2.x, typed per backend.
TYPES = {
    "postgresql": {"pk": "serial PRIMARY KEY", "dt": "timestamp with time zone", "bool": "boolean"},
    "sqlite": {"pk": "integer PRIMARY KEY AUTOINCREMENT", "dt": "datetime", "bool": "bool"},
}
COMMENTS_DDL = """
CREATE TABLE django_comments (
    id {pk}, content_type_id integer NOT NULL, object_pk varchar(64) NOT NULL,
    site_id integer NOT NULL, user_id integer NULL, user_name varchar(50) NOT NULL,
    user_email varchar(254) NOT NULL, user_url varchar(200) NOT NULL, comment text NOT NULL,
    submit_date {dt} NOT NULL, ip_address char(39) NULL, is_public {bool} NOT NULL,
    is_removed {bool} NOT NULL
)"""
XTD_DDL = """
CREATE TABLE django_comments_xtd_xtdcomment (
    comment_ptr_id integer PRIMARY KEY, thread_id integer NOT NULL, parent_id integer NOT NULL,
    level smallint NOT NULL, "order" integer NOT NULL, followup {bool} NOT NULL,
    nested_count integer NOT NULL
)"""


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("comments_import", "django_comments", *args, "--no-input", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class DjangoCommentsImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        cls.user = get_user_model().objects.create_user("ann", "ann@example.com", "pw")
        cls.ct = ContentType.objects.get_for_model(Article)

    def create_tables(self, *, xtd):
        types = TYPES[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(COMMENTS_DDL.format(**types))
            if xtd:
                cursor.execute(XTD_DDL.format(**types))

    def add(
        self,
        pk,
        *,
        object_pk=None,
        public=True,
        removed=False,
        user=None,
        ip="192.0.2.1",
        parent=None,
        thread=None,
        level=0,
        xtd=False,
        when=None,
    ):
        when = when or datetime.datetime(2018, 1, pk, 9, 30, tzinfo=datetime.UTC)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_comments (id, content_type_id, object_pk, site_id, user_id, user_name,"
                " user_email, user_url, comment, submit_date, ip_address, is_public, is_removed)"
                " VALUES (%s, %s, %s, 1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    pk,
                    self.ct.pk,
                    object_pk or str(self.article.pk),
                    user,
                    f"User {pk}",
                    f"u{pk}@example.com",
                    "https://u.example.com/",
                    f"Comment {pk}",
                    connection.ops.adapt_datetimefield_value(when),
                    ip,
                    public,
                    removed,
                ],
            )
            if xtd:
                cursor.execute(
                    'INSERT INTO django_comments_xtd_xtdcomment (comment_ptr_id, thread_id, parent_id, level, "order", followup, nested_count)'
                    " VALUES (%s, %s, %s, %s, 1, %s, 0)",
                    [pk, thread or pk, parent or pk, level, False],
                )

    def test_statuses_come_from_is_public_and_is_removed(self):
        self.create_tables(xtd=False)
        self.add(1, user=self.user.pk)
        self.add(2, public=False)
        self.add(3, removed=True)
        self.add(4, public=False, removed=True, ip=None)
        run()
        status = dict(Comment.objects.values_list("import_id", "status"))
        assert status == {
            "1": Status.APPROVED,
            "2": Status.PENDING,
            "3": Status.TRASH,
            "4": Status.TRASH,
        }
        first = Comment.objects.get(import_id="1")
        assert first.user == self.user
        assert first.content_object == self.article
        assert (first.author_name, first.author_email, first.author_url, first.body) == (
            "User 1",
            "u1@example.com",
            "https://u.example.com/",
            "Comment 1",
        )
        assert first.ip_address == "192.0.2.1"
        assert first.submitted_at == datetime.datetime(2018, 1, 1, 9, 30, tzinfo=datetime.UTC)
        assert first.import_source == "django_comments"

    def test_xtd_threads_are_kept(self):
        self.create_tables(xtd=True)
        self.add(1, xtd=True)
        self.add(2, xtd=True, parent=1, thread=1, level=1)
        self.add(3, xtd=True, parent=2, thread=1, level=2)
        self.add(4, xtd=True)
        run()
        c = {x.import_id: x for x in Comment.objects.all()}
        assert (c["1"].parent_id, c["1"].depth) == (None, 0)
        assert (c["2"].parent_id, c["2"].thread_id, c["2"].depth) == (c["1"].pk, c["1"].pk, 1)
        assert (c["3"].parent_id, c["3"].thread_id, c["3"].depth) == (c["2"].pk, c["1"].pk, 2)
        assert c["4"].parent_id is None

    def test_comments_on_deleted_objects_are_reported_and_a_rerun_adds_nothing(self):
        self.create_tables(xtd=False)
        self.add(1)
        self.add(2, object_pk="999")
        _out, err = run()
        assert "testapp.article 999: 1" in err
        out, _err = run()
        assert "1 already imported" in out
        assert Comment.objects.count() == 1

    def test_without_the_table_the_command_says_so(self):
        with self.assertRaisesMessage(CommandError, "There is no django_comments table"):
            run()

    def test_a_file_argument_is_refused(self):
        with self.assertRaisesMessage(CommandError, "takes no file"):
            run("x.xml")
