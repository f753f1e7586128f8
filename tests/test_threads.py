import datetime
from unittest import mock

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments_plugin import threads
from comments_plugin.models import Comment, Status
from tests.testapp.helpers import make_comment, make_thread_tree
from tests.testapp.models import Article


def ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


class BuildNodesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="T", slug="t")
        cls.a = make_comment(cls.article, "a", submitted_at=ago(50))
        cls.b = make_comment(cls.article, "b", submitted_at=ago(40))
        cls.a1 = make_comment(cls.article, "a1", parent=cls.a, submitted_at=ago(30))
        cls.a1x = make_comment(cls.article, "a1x", parent=cls.a1, submitted_at=ago(20))
        cls.a2 = make_comment(cls.article, "a2", parent=cls.a, submitted_at=ago(10))

    def bodies(self, nodes) -> list[tuple[str, int]]:
        return [(n.comment.body, n.depth) for n in nodes]

    def test_threads_are_flattened_depth_first_oldest_first(self):
        nodes = threads.build_nodes(Comment.objects.all())
        assert self.bodies(nodes) == [("a", 0), ("a1", 1), ("a1x", 2), ("a2", 1), ("b", 0)]
        assert [n.number for n in nodes] == [1, 2, 3, 4, 5]

    def test_nesting_markers_open_and_close_lists(self):
        nodes = threads.build_nodes(Comment.objects.all())
        assert [n.has_children for n in nodes] == [True, True, False, False, False]
        assert [len(n.closes) for n in nodes] == [0, 0, 1, 1, 0]

    def test_newest_first_reverses_threads_but_not_replies(self):
        nodes = threads.build_nodes(Comment.objects.all(), newest_first=True)
        assert self.bodies(nodes)[0] == ("b", 0)
        assert self.bodies(nodes)[1:3] == [("a", 0), ("a1", 1)]

    def test_a_reply_whose_parent_is_hidden_hangs_from_its_thread(self):
        nodes = threads.build_nodes(Comment.objects.exclude(pk=self.a1.pk))
        assert ("a1x", 1) in self.bodies(nodes)

    def test_display_depth_is_capped(self):
        nodes = threads.build_nodes(Comment.objects.all(), max_depth=1)
        assert max(n.depth for n in nodes) == 1

    def test_a_very_deep_thread_does_not_hit_the_recursion_limit(self):
        comments = [Comment(pk=1, submitted_at=ago(5000), body="0")]
        for i in range(2, 3000):
            comments.append(
                Comment(pk=i, parent_id=i - 1, thread_id=1, submitted_at=ago(5000 - i), body=str(i))
            )
        nodes = threads.build_nodes(comments, max_depth=5)
        assert len(nodes) == 2999


class LoadPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="T", slug="t")
        cls.comments = make_thread_tree(cls.article, 60)

    def test_all_visible_comments_load_without_paging(self):
        page = threads.load_page(self.article, page_size=0)
        assert len(page.nodes) == 60 and page.count == 60 and page.num_pages == 1

    def test_pages_hold_whole_threads(self):
        page = threads.load_page(self.article, page_size=5, page=2)
        roots = [n.comment for n in page.nodes if n.comment.parent_id is None]
        assert len(roots) == 5
        root_ids = {r.pk for r in roots}
        assert all(n.comment.pk in root_ids or n.comment.thread_id in root_ids for n in page.nodes)
        assert page.count == 60 and page.thread_count == 12 and page.num_pages == 3

    def test_queries_do_not_grow_with_the_page(self):
        for size in (0, 5):
            with CaptureQueriesContext(connection) as ctx:
                threads.load_page(self.article, page_size=size)
            assert len(ctx.captured_queries) == (2 if size == 0 else 3), size

    def test_the_count_is_shared_within_a_request(self):
        request = RequestFactory().get("/")
        assert threads.approved_count(self.article, request) == 60
        with self.assertNumQueries(0):
            assert threads.approved_count(self.article, request) == 60
        with self.assertNumQueries(1):
            assert threads.approved_count(self.article) == 60

    def test_held_comments_load_only_for_their_author(self):
        held = make_comment(self.article, "mine", status=Status.PENDING)
        request = RequestFactory().get("/")
        assert held not in [
            n.comment for n in threads.load_page(self.article, request=request).nodes
        ]
        response = HttpResponse()
        threads.remember_pending(request, response, held.pk)
        request.COOKIES[threads.PENDING_COOKIE] = response.cookies[threads.PENDING_COOKIE].value
        nodes = threads.load_page(self.article, request=request, page_size=0).nodes
        (node,) = [n for n in nodes if n.comment.pk == held.pk]
        assert node.is_pending

    def test_a_trashed_comment_stays_hidden_even_from_its_author(self):
        binned = make_comment(self.article, "binned", status=Status.TRASH)
        request = RequestFactory().get("/")
        response = HttpResponse()
        threads.remember_pending(request, response, binned.pk)
        request.COOKIES[threads.PENDING_COOKIE] = response.cookies[threads.PENDING_COOKIE].value
        nodes = threads.load_page(self.article, request=request, page_size=0).nodes
        assert binned.pk not in {n.comment.pk for n in nodes}


class RowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="T", slug="t")
        cls.root = make_comment(cls.article, "root", author_name="Ann")
        cls.reply = make_comment(cls.article, "reply", parent=cls.root, author_name="Ann")

    def test_a_row_holds_exactly_the_list_fields(self):
        assert threads.Row._fields == tuple(
            "id" if name == "pk" else name for name in threads.LIST_FIELDS
        )

    def test_the_list_loads_rows_not_model_instances(self):
        nodes = threads.load_page(self.article, page_size=0).nodes
        assert [type(n.row) for n in nodes] == [threads.Row, threads.Row]
        assert [(n.row.pk, n.row.body, n.row.depth) for n in nodes] == [
            (self.root.pk, "root", 0),
            (self.reply.pk, "reply", 1),
        ]
        # One string per distinct author name, not one per row.
        assert nodes[0].row.author_name is nodes[1].row.author_name

    def test_a_rows_comment_is_the_model_instance_with_the_other_fields_deferred(self):
        node = threads.load_page(self.article, page_size=0).nodes[1]
        comment = node.comment
        assert isinstance(comment, Comment) and comment is node.comment
        assert (comment.pk, comment.parent_id, comment.thread_id) == (
            self.reply.pk,
            self.root.pk,
            self.root.pk,
        )
        assert comment.submitted_at == self.reply.submitted_at
        assert comment.get_absolute_url() == self.reply.get_absolute_url()
        assert "ip_address" in comment.get_deferred_fields()
        assert "body" not in comment.get_deferred_fields()

    def test_a_post_init_receiver_hears_every_comment_of_the_list(self):
        from django.db.models.signals import post_init

        heard = []

        def receiver(sender, instance, **kwargs):
            heard.append(instance.pk)

        post_init.connect(receiver, sender=Comment)
        try:
            nodes = threads.load_page(self.article, page_size=0).nodes
        finally:
            post_init.disconnect(receiver, sender=Comment)
        assert heard == [self.root.pk, self.reply.pk]
        assert all(isinstance(n.row, Comment) for n in nodes)

    def test_rows_are_read_a_chunk_at_a_time_where_that_needs_no_server_side_cursor(self):
        # A chunk at a time, the raw rows the driver returns are freed as the list is built.
        from django.db.models import QuerySet

        chunks = []
        iterator = QuerySet.iterator

        def spy(queryset, chunk_size=None):
            chunks.append(chunk_size)
            return iterator(queryset, chunk_size=chunk_size)

        with mock.patch.object(QuerySet, "iterator", spy):
            rows = threads.load_rows(Comment.objects.order_by("pk"))
        assert [row.pk for row in rows] == [self.root.pk, self.reply.pk]
        assert chunks == ([] if connection.vendor == "postgresql" else [threads.ROWS_CHUNK])
        with mock.patch.object(connection, "vendor", "postgresql"):
            assert not threads._streams("default")
            with mock.patch.dict(connection.settings_dict, {"DISABLE_SERVER_SIDE_CURSORS": True}):
                assert threads._streams("default")

    def test_a_row_with_an_address_that_is_not_http_is_listed_without_it(self):
        row = threads.load_rows(Comment.objects.filter(pk=self.root.pk))[0]
        row = row._replace(author_url="javascript:alert(1)")
        (node,) = threads.build_nodes([row])
        assert node.row.author_url == ""
        assert node.row.pk == self.root.pk


class PageOfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="T", slug="t")
        now = timezone.now()
        cls.roots = [make_comment(cls.article, str(i), submitted_at=now) for i in range(5)]
        cls.reply = make_comment(cls.article, "r", parent=cls.roots[3])

    def test_page_of_follows_the_thread_root(self):
        assert threads.page_of(self.roots[0], page_size=2) == 1
        assert threads.page_of(self.roots[3], page_size=2) == 2
        assert threads.page_of(self.reply, page_size=2) == 2
        assert threads.page_of(self.roots[4], page_size=0) == 1

    @override_settings(COMMENTS_PLUGIN={"ORDER_NEWEST_FIRST": True})
    def test_page_of_agrees_with_the_list_when_newest_first(self):
        for size in (1, 2):
            for root in self.roots:
                page = threads.page_of(root, page_size=size)
                listed = threads.load_page(self.article, page=page, page_size=size)
                assert root.pk in {n.comment.pk for n in listed.nodes}, (size, root.body)

    def test_page_of_agrees_with_the_list_oldest_first(self):
        for root in self.roots:
            page = threads.page_of(root, page_size=2)
            listed = threads.load_page(self.article, page=page, page_size=2)
            assert root.pk in {n.comment.pk for n in listed.nodes}


class HiddenRootTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from comments_plugin import operations

        cls.article = Article.objects.create(title="Held root", slug="held-root")
        cls.root = make_comment(cls.article, "reported root", submitted_at=ago(30))
        cls.reply = make_comment(cls.article, "old reply", parent=cls.root, submitted_at=ago(20))
        cls.later = make_comment(cls.article, "later root", submitted_at=ago(10))
        operations.hold(cls.root, reason="Reported by readers.")

    def bodies(self, page) -> list[str]:
        return [node.comment.body for node in page.nodes]

    def test_an_approved_reply_to_a_held_root_shows_with_paging_as_without(self):
        unpaged = threads.load_page(self.article, page_size=0)
        paged = threads.load_page(self.article, page_size=5)
        assert self.bodies(unpaged) == ["old reply", "later root"]
        assert self.bodies(paged) == self.bodies(unpaged)
        assert paged.thread_count == 2

    def test_its_thread_takes_one_place_in_the_page_order(self):
        first = threads.load_page(self.article, page_size=1, page=1)
        second = threads.load_page(self.article, page_size=1, page=2)
        assert (self.bodies(first), self.bodies(second)) == (["old reply"], ["later root"])
        assert first.num_pages == 2


class PendingCookieTests(TestCase):
    def test_the_cookie_is_secure_on_https_and_only_there(self):
        for secure in (True, False):
            request = RequestFactory().get("/", secure=secure)
            response = HttpResponse()
            threads.remember_pending(request, response, 7)
            cookie = response.cookies[threads.PENDING_COOKIE]
            assert bool(cookie["secure"]) is secure
            assert cookie["httponly"] and cookie["samesite"] == "Lax"
