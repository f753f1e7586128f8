"""Query-count bounds of the public paths (the timings are in benchmarks/peers.py)."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from comments_plugin.models import Comment, Status
from tests.testapp.helpers import form_data, make_comment, make_thread_tree
from tests.testapp.models import Article

UNPAGED = {"PAGE_SIZE": 0}
CACHED = {"PAGE_SIZE": 0, "LIST_CACHE_TIMEOUT": 300}


class RenderQueryTests(TestCase):
    """An article page shows the count, every comment and the form in three queries."""

    @classmethod
    def setUpTestData(cls):
        cls.small = Article.objects.create(title="Small", slug="small")
        cls.big = Article.objects.create(title="Big", slug="big")
        make_thread_tree(cls.small, 10)
        make_thread_tree(cls.big, 1000)

    def page(self, slug: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(f"/articles/{slug}/")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    @override_settings(COMMENTS_PLUGIN=UNPAGED)
    def test_10_and_1000_comments_take_the_same_three_queries(self):
        self.page("small")  # the content type is cached per process, as on a live site
        small, _ = self.page("small")
        big, html = self.page("big")
        assert small == big <= 3
        assert html.count('class="comment depth-') == 1000

    @override_settings(COMMENTS_PLUGIN=CACHED)
    def test_with_the_list_cache_a_cold_page_takes_no_more_queries(self):
        self.page("small")
        small, _ = self.page("small")  # now warm
        big, _ = self.page("big")  # cold
        assert big <= 3
        assert small < big


@override_settings(COMMENTS_PLUGIN=UNPAGED)
class PostQueryTests(TestCase):
    """A comment goes through the whole default spam pipeline in at most eight queries."""

    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Post", slug="post")
        cls.parent = make_comment(cls.article, "Earlier")

    def post(self, **extra) -> int:
        # A first comment from someone else compiles the rules and caches the content type,
        # as on a site that has been up for a while.
        warm_up = form_data(self.article, email="warm-up@example.com")
        self.client.post("/comments/post/", warm_up, REMOTE_ADDR="198.51.100.8")
        data = form_data(self.article, **extra)
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.post("/comments/post/", data, REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 302
        self.sql = [query["sql"] for query in ctx.captured_queries]
        return len(ctx.captured_queries)

    def test_a_new_comment_is_read_checked_and_written_in_three_queries(self):
        # The object, the spam filters' look-back at earlier comments, the one INSERT.
        assert self.post() == 3
        writes = [sql for sql in self.sql if not sql.startswith("SELECT")]
        assert len(writes) == 1 and writes[0].startswith('INSERT INTO "comments_plugin_comment"')

    def test_a_reply_adds_only_the_look_up_of_its_parent(self):
        assert self.post(parent=self.parent.pk) == 4

    def test_a_new_comment_takes_at_most_eight_queries(self):
        queries = self.post()
        assert Comment.objects.filter(status=Status.APPROVED).count() == 3
        assert queries <= 8

    def test_a_reply_takes_at_most_eight_queries(self):
        queries = self.post(parent=self.parent.pk)
        assert Comment.objects.filter(parent=self.parent).count() == 1
        assert queries <= 8

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 2})
    def test_with_paging_a_new_comment_also_takes_at_most_eight_queries(self):
        # One of them finds the list page the redirect goes to.
        queries = self.post()
        assert Comment.objects.filter(status=Status.APPROVED).count() == 3
        assert queries <= 8
