import gc
import html
import re
import types
import weakref

from django.contrib.auth import get_user_model
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from comments_plugin import threads
from comments_plugin.models import Comment, Status
from comments_plugin.moderation import CommentPolicy, moderator
from tests.testapp.helpers import make_comment, make_thread_tree
from tests.testapp.models import Article, Note


def text_of(markup: str) -> str:
    """The visible text of ``markup`` with whitespace collapsed (entities decoded)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup))).strip()


def render(source: str, request=None, **context) -> str:
    template = Template("{% load comments_plugin %}" + source)
    return template.render(Context({"request": request, **context}))


def page_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


class CountAndListTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.other = Article.objects.create(title="Other", slug="other")
        cls.first = make_comment(cls.article, "First")
        cls.second = make_comment(cls.article, "Second")
        make_comment(cls.article, "Held", status=Status.PENDING)
        make_comment(cls.article, "Spam", status=Status.SPAM)
        make_comment(cls.article, "Binned", status=Status.TRASH)
        make_comment(cls.other, "Elsewhere")

    def test_comment_count_counts_only_approved_comments_on_the_object(self):
        html = render("{% get_comment_count for a as n %}[{{ n }}]", a=self.article)
        assert html == "[2]"

    def test_comment_list_holds_only_approved_comments_oldest_first(self):
        html = render(
            "{% get_comment_list for a as cs %}{% for c in cs %}{{ c.body }},{% endfor %}",
            a=self.article,
        )
        assert html == "First,Second,"

    def test_count_without_as_is_a_syntax_error(self):
        with self.assertRaises(TemplateSyntaxError):
            Template("{% load comments_plugin %}{% get_comment_count for a %}")

    def test_render_list_with_a_bad_argument_is_a_syntax_error(self):
        with self.assertRaises(TemplateSyntaxError):
            Template("{% load comments_plugin %}{% render_comment_list a %}")

    def test_a_missing_object_renders_nothing(self):
        assert render("{% render_comment_list for missing %}") == ""
        assert render("{% get_comment_count for missing as n %}[{{ n }}]") == "[None]"

    def test_count_and_list_share_one_count_query_per_request(self):
        request = RequestFactory().get("/")
        with CaptureQueriesContext(connection) as ctx:
            render(
                "{% get_comment_count for a as n %}{% render_comment_list for a %}",
                request,
                a=self.article,
            )
        counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1


class RenderCommentListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Tom & “Jerry”", slug="tom")
        cls.root = make_comment(
            cls.article,
            "Root body\nsecond line",
            author_name="Ann",
            author_email="ann-private@example.com",
            author_url="https://ann.example/",
        )
        cls.reply = make_comment(cls.article, "Reply body", parent=cls.root, author_name="Bob")
        cls.later = make_comment(cls.article, "Later root", author_name="Cy")

    def render_list(self, target=None, path="/") -> str:
        return render(
            "{% render_comment_list for a %}", RequestFactory().get(path), a=target or self.article
        )

    def test_heading_counts_responses_and_names_the_object(self):
        assert "3 responses to “Tom &amp; “Jerry”&rdquo;" not in self.render_list()
        assert "3 responses to “Tom & “Jerry””" in text_of(self.render_list())

    def test_heading_uses_the_singular_for_one_comment(self):
        article = Article.objects.create(title="Solo", slug="solo")
        make_comment(article)
        assert "One response to “Solo”" in text_of(self.render_list(article))

    def test_no_heading_without_comments(self):
        article = Article.objects.create(title="Empty", slug="empty")
        html = self.render_list(article)
        assert "response" not in html
        assert "comment-list" not in html

    def test_replies_are_nested_under_their_parent_in_order(self):
        html = self.render_list()
        root_at = html.index(f'id="comment-{self.root.pk}"')
        children_at = html.index('<ol class="children">')
        reply_at = html.index(f'id="comment-{self.reply.pk}"')
        later_at = html.index(f'id="comment-{self.later.pk}"')
        assert root_at < children_at < reply_at < later_at
        assert html.count("<ol") == html.count("</ol>")
        assert html.count("<li") == html.count("</li>")

    def test_each_comment_shows_avatar_author_link_permalink_body_and_reply(self):
        html = self.render_list()
        assert '<img class="avatar" src="/comments/avatar/' in html
        assert (
            '<a href="https://ann.example/" rel="nofollow ugc noopener" class="url">Ann</a>' in html
        )
        assert f'href="#comment-{self.root.pk}"><time datetime=' in html
        assert "<p>Root body<br>second line</p>" in html
        assert f'href="?reply_to={self.root.pk}#respond"' in html
        assert "Reply</a>" in html

    def test_an_author_without_website_is_plain_text(self):
        html = self.render_list()
        assert '<b class="comment-author">Bob</b>' in html

    def test_the_email_address_is_never_in_the_list(self):
        assert "ann-private" not in self.render_list()

    @override_settings(COMMENTS_PLUGIN={"AVATAR_SIZE": 32})
    def test_avatar_size_follows_the_setting(self):
        assert 'width="32" height="32"' in self.render_list()

    def test_a_per_model_template_is_chosen_before_the_default(self):
        note = Note.objects.create(text="A note")
        make_comment(note, "On a note")
        html = self.render_list(note)
        assert html.startswith('<div class="note-comments">')
        assert "On a note" in html
        assert '<div class="note-comments">' not in self.render_list()

    def test_rendering_the_list_and_the_form_keeps_no_calling_frame_in_memory(self):
        # Caught TemplateDoesNotExist in reference cycles would keep every frame up the
        # stack (here the view's, holding the page it renders) until the cycle collector
        # ran. Without the collector, the view's locals must go when it returns.
        class Page:
            pass

        def view():
            page = Page()
            render(
                "{% render_comment_list for a %}{% render_comment_form for a %}",
                RequestFactory().get("/"),
                a=self.article,
            )
            return weakref.ref(page)

        gc.collect()
        gc.disable()
        try:
            page = view()
            assert page() is None
        finally:
            gc.enable()

    def test_frames_kept_by_a_caught_exception_hold_no_copy_of_the_list(self):
        # Should anything up the stack keep the tag's frames (Django's select_template()
        # does, through the tracebacks it keeps), they must not hold the joined list.
        from unittest import mock

        from django.template import loader

        module = "comments_plugin.templatetags.comments_plugin.select_template"
        gc.collect()
        gc.disable()
        try:
            with mock.patch(module, loader.select_template):
                html = self.render_list()
            frames = [
                o
                for o in gc.get_objects()
                if isinstance(o, types.FrameType)
                and o.f_code.co_filename.endswith("templatetags/comments_plugin.py")
            ]
            assert {f.f_code.co_name for f in frames} >= {"value", "render_list"}
            kept = [v for f in frames for v in f.f_locals.values() if isinstance(v, str)]
            assert "Later root" in html
            assert not [v for v in kept if "Later root" in v]
        finally:
            gc.enable()

    def test_a_missing_template_names_every_name_tried(self):
        from django.template import TemplateDoesNotExist

        from comments_plugin.templatetags.comments_plugin import select_template

        with self.assertRaisesMessage(TemplateDoesNotExist, "comments_plugin/a.html, b.html"):
            select_template(["comments_plugin/a.html", "b.html"])
        found = select_template(["comments_plugin/nothing.html", "comments_plugin/list.html"])
        assert found.origin.template_name == "comments_plugin/list.html"

    def test_template_names_go_from_model_to_app_to_default(self):
        from comments_plugin.templatetags.comments_plugin import template_names

        assert template_names(self.article, "list.html") == [
            "comments_plugin/testapp/article/list.html",
            "comments_plugin/testapp/list.html",
            "comments_plugin/list.html",
        ]


class DepthTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Deep", slug="deep")
        cls.chain = [make_comment(cls.article, "Level 0")]
        for level in range(1, 6):
            cls.chain.append(make_comment(cls.article, f"Level {level}", parent=cls.chain[-1]))

    def render_list(self) -> str:
        return render("{% render_comment_list for a %}", RequestFactory().get("/"), a=self.article)

    def test_replies_nest_to_the_default_depth_of_five(self):
        html = self.render_list()
        assert html.count('<ol class="children">') == 5
        assert f'id="comment-{self.chain[5].pk}" class="comment depth-6' in html

    def test_the_deepest_comment_has_no_reply_link(self):
        html = self.render_list()
        assert f"reply_to={self.chain[4].pk}" in html
        assert f"reply_to={self.chain[5].pk}" not in html

    def test_a_deep_reply_shown_higher_up_because_its_parent_is_hidden_has_no_reply_link(self):
        Comment.objects.filter(pk=self.chain[4].pk).update(status=Status.PENDING)
        html = self.render_list()
        assert f'id="comment-{self.chain[5].pk}" class="comment depth-2' in html
        assert f"reply_to={self.chain[5].pk}" not in html

    @override_settings(COMMENTS_PLUGIN={"MAX_DEPTH": 2})
    def test_a_lower_depth_setting_flattens_deeper_replies_and_hides_their_reply_links(self):
        html = self.render_list()
        assert html.count('<ol class="children">') == 2
        assert f"reply_to={self.chain[1].pk}" in html
        assert f"reply_to={self.chain[2].pk}" not in html
        assert f'id="comment-{self.chain[5].pk}" class="comment depth-3' in html

    def test_a_policy_depth_applies_to_its_model(self):
        class ShallowPolicy(CommentPolicy):
            max_depth = 1

        moderator.register(Article, ShallowPolicy)
        self.addCleanup(moderator.unregister, Article)
        html = self.render_list()
        assert html.count('<ol class="children">') == 1
        assert f"reply_to={self.chain[1].pk}" not in html


@override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 2})
class PagingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Paged", slug="paged")
        cls.roots = [make_comment(cls.article, f"Root {i}") for i in range(5)]
        cls.reply = make_comment(cls.article, "Reply to root 2", parent=cls.roots[2])

    def render_list(self, query: str = "") -> str:
        request = RequestFactory().get("/" + query)
        return render("{% render_comment_list for a %}", request, a=self.article)

    def test_the_first_page_shows_the_first_threads(self):
        html = self.render_list()
        assert "Root 0" in html and "Root 1" in html
        assert "Root 2" not in html
        assert "Page 1 of 3" in text_of(html)
        assert 'href="?cpage=2#comments"' in html

    def test_a_page_shows_whole_threads(self):
        html = self.render_list("?cpage=2")
        assert "Root 2" in html and "Reply to root 2" in html and "Root 3" in html
        assert "Root 1" not in html

    def test_the_heading_counts_every_comment_not_just_the_page(self):
        assert "6 responses" in text_of(self.render_list("?cpage=3"))

    def test_a_page_number_out_of_range_or_not_a_number_is_clamped(self):
        assert "Root 4" in self.render_list("?cpage=99")
        assert "Root 0" in self.render_list("?cpage=x")

    def test_reply_links_keep_the_page(self):
        html = self.render_list("?cpage=2")
        assert f'href="?cpage=2&amp;reply_to={self.roots[2].pk}#respond"' in html

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0})
    def test_page_size_zero_shows_everything(self):
        html = self.render_list()
        assert all(f"Root {i}" in html for i in range(5))
        assert "comment-navigation" not in html

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 2, "ORDER_NEWEST_FIRST": True})
    def test_newest_first_pages_from_the_latest_thread(self):
        html = self.render_list()
        assert "Root 4" in html and "Root 3" in html and "Root 0" not in html
        assert html.index("Root 4") < html.index("Root 3")


class HeldCommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Held", slug="held")
        cls.held = make_comment(cls.article, "Please approve me", status=Status.PENDING)

    def request_with_cookie(self, ids):
        from django.http import HttpResponse

        response = HttpResponse()
        request = RequestFactory().get("/")
        for pk in ids:
            threads.remember_pending(request, response, pk)
            request.COOKIES[threads.PENDING_COOKIE] = response.cookies[threads.PENDING_COOKIE].value
        return request

    def test_a_held_comment_is_shown_to_its_author_marked_as_awaiting_moderation(self):
        request = self.request_with_cookie([self.held.pk])
        html = render("{% render_comment_list for a %}", request, a=self.article)
        assert "Please approve me" in html
        assert "Your comment is awaiting moderation." in html
        assert f"reply_to={self.held.pk}" not in html

    def test_a_held_comment_is_hidden_from_other_visitors(self):
        html = render("{% render_comment_list for a %}", RequestFactory().get("/"), a=self.article)
        assert "Please approve me" not in html

    def test_a_forged_pending_cookie_shows_nothing(self):
        request = RequestFactory().get("/")
        request.COOKIES[threads.PENDING_COOKIE] = f"{self.held.pk}:forged"
        html = render("{% render_comment_list for a %}", request, a=self.article)
        assert "Please approve me" not in html

    def test_a_held_comment_is_not_counted(self):
        request = self.request_with_cookie([self.held.pk])
        html = render("{% get_comment_count for a as n %}[{{ n }}]", request, a=self.article)
        assert html == "[0]"


class RenderCommentFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Form", slug="form")
        cls.comment = make_comment(cls.article, author_name="Ann")
        cls.user = get_user_model().objects.create_user(
            "member", email="member@example.com", password="pw", first_name="Mem"
        )

    def render_form(self, path="/articles/form/", user=None, cookies=None) -> str:
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get(path)
        request.user = user or AnonymousUser()
        request.COOKIES.update(cookies or {})
        return render("{% render_comment_form for a %}", request, a=self.article)

    def test_the_form_has_the_heading_fields_and_notice(self):
        html = self.render_form()
        text = text_of(html)
        assert "Leave a Reply" in text
        assert "Your email address will not be published. Required fields are marked *" in text
        for label in ("Name *", "Email *", "Website", "Comment *"):
            assert label in text
        assert text.index("Name *") < text.index("Email *") < text.index("Website")
        assert text.index("Website") < text.index("Comment *")
        assert (
            "Save my name, email, and website in this browser for the next time I comment." in text
        )
        assert 'action="/comments/post/"' in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_the_remember_me_box_is_not_ticked_by_default(self):
        html = self.render_form()
        assert re.search(r'<input type="checkbox" name="remember"[^>]*>', html)
        assert "checked" not in html

    def test_logged_in_users_get_no_name_email_or_remember_fields(self):
        html = self.render_form(user=self.user)
        assert 'name="name"' not in html and 'name="email"' not in html
        assert 'name="remember"' not in html
        assert "Logged in as member." in text_of(html)
        assert 'name="body"' in html and 'name="url"' in html

    def test_reply_to_presets_the_parent_and_offers_to_cancel(self):
        html = self.render_form(f"/articles/form/?reply_to={self.comment.pk}&x=1")
        assert f'name="parent" value="{self.comment.pk}"' in html
        assert "Leave a Reply to Ann" in text_of(html)
        assert 'href="/articles/form/?x=1#respond"' in html

    def test_reply_to_a_comment_elsewhere_or_garbage_gives_the_plain_form(self):
        other = make_comment(Article.objects.create(title="O", slug="o"))
        for value in (str(other.pk), "abc", "99999999", "-1", "9" * 40):
            html = self.render_form(f"/articles/form/?reply_to={value}")
            assert re.search(r'name="parent"[^>]*value=', html) is None
            assert "Cancel reply" not in html

    def test_reply_to_a_comment_at_the_depth_limit_gives_the_plain_form(self):
        parent = self.comment
        for _ in range(5):
            parent = make_comment(self.article, parent=parent)
        html = self.render_form(f"/articles/form/?reply_to={parent.pk}")
        assert "Cancel reply" not in html

    def test_next_is_this_page_without_the_reply_and_page_choice(self):
        html = self.render_form(f"/articles/form/?reply_to={self.comment.pk}&cpage=2&q=a")
        assert '<input type="hidden" name="next" value="/articles/form/?q=a">' in html

    def test_a_remembered_author_is_filled_in(self):
        from django.core import signing

        from comments_plugin.templatetags.comments_plugin import AUTHOR_COOKIE, AUTHOR_SALT

        value = signing.dumps(
            {"name": "Rita", "email": "rita@example.com", "url": "https://rita.example/"},
            salt=AUTHOR_SALT,
        )
        html = self.render_form(cookies={AUTHOR_COOKIE: value})
        assert 'value="Rita"' in html and 'value="https://rita.example/"' in html
        assert re.search(r'name="remember"[^>]*checked', html)

    def test_a_tampered_author_cookie_is_ignored(self):
        from comments_plugin.templatetags.comments_plugin import AUTHOR_COOKIE

        html = self.render_form(cookies={AUTHOR_COOKIE: "garbage:sig"})
        assert "checked" not in html

    def test_closed_discussions_show_a_notice_instead_of_the_form(self):
        class ClosedPolicy(CommentPolicy):
            enable_field = "comments_open"

        moderator.register(Article, ClosedPolicy)
        self.addCleanup(moderator.unregister, Article)
        self.article.comments_open = False
        html = self.render_form()
        assert "Comments are closed." in html
        assert "<form" not in html

    @override_settings(COMMENTS_PLUGIN={"REQUIRE_LOGIN": True})
    def test_login_required_asks_anonymous_visitors_to_log_in(self):
        assert "You must be logged in to post a comment." in self.render_form()
        assert "<form" in self.render_form(user=self.user)

    def test_get_comment_form_exposes_an_unbound_form(self):
        html = render(
            "{% get_comment_form for a as f %}{{ f.is_bound }}{{ f.body.name }}",
            RequestFactory().get("/"),
            a=self.article,
        )
        assert html == "Falsebody"


class SimpleTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Tags", slug="tags")
        cls.comment = make_comment(cls.article)

    def test_comment_form_target_is_the_posting_url(self):
        assert render("{% comment_form_target %}") == "/comments/post/"

    def test_get_comment_permalink_points_at_the_comment(self):
        assert render("{% get_comment_permalink c %}", c=self.comment) == (
            f"/comments/c/{self.comment.pk}/"
        )
        assert render('{% get_comment_permalink c "#c%(id)s" %}', c=self.comment) == (
            f"/comments/c/{self.comment.pk}/#c{self.comment.pk}"
        )

    def test_comment_feed_url_names_the_object(self):
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Article)
        assert render("{% comment_feed_url a %}", a=self.article) == (
            f"/comments/feed/{ct.pk}/{self.article.pk}/"
        )

    def test_comment_body_filter_escapes_and_links(self):
        html = render("{{ b|comment_body }}", b="<b>hi</b> https://x.example/")
        assert html == (
            '<p>&lt;b&gt;hi&lt;/b&gt; <a href="https://x.example/" '
            'rel="nofollow ugc noopener">https://x.example/</a></p>'
        )


class QueryCountTests(TestCase):
    """The article page costs the same number of queries for 10 or 500 comments."""

    @classmethod
    def setUpTestData(cls):
        cls.small = Article.objects.create(title="Small", slug="small")
        cls.big = Article.objects.create(title="Big", slug="big")
        cls.small_comments = make_thread_tree(cls.small, 10)
        cls.big_comments = make_thread_tree(cls.big, 500)

    def measure(self, query: str = "") -> tuple[int, int, str]:
        page_queries(self.client, "/articles/small/")  # warm the content type cache
        small, _ = page_queries(self.client, "/articles/small/" + query)
        big, html = page_queries(self.client, "/articles/big/" + query)
        return small, big, html

    def test_the_tree_has_replies_at_every_depth(self):
        assert {c.depth for c in self.big_comments} == {0, 1, 2, 3, 4, 5}

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0})
    def test_the_unpaged_page_takes_the_same_queries_for_10_and_500_comments(self):
        small, big, html = self.measure()
        assert small == big == 3  # article, approved count, comments
        assert html.count('class="comment depth-') == 500
        assert "500 responses" in text_of(html)

    def test_the_paged_page_takes_the_same_queries_for_10_and_500_comments(self):
        small, big, html = self.measure()
        assert small == big == 4  # article, approved count, thread ids, comments
        assert "Page 1 of 2" in text_of(html)

    def test_a_later_page_takes_the_same_queries(self):
        small, big, html = self.measure("?cpage=2")
        assert small == big == 4
        assert "Page 2 of 2" in text_of(html)

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0})
    def test_a_reply_link_adds_one_query_for_the_parent(self):
        parent = self.big_comments[0]
        small, _ = page_queries(self.client, "/articles/big/")
        queries, html = page_queries(self.client, f"/articles/big/?reply_to={parent.pk}")
        assert queries == small + 1
        assert f'name="parent" value="{parent.pk}"' in html

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0})
    def test_a_logged_in_visitor_adds_only_the_session_and_user_queries(self):
        user = get_user_model().objects.create_user("reader", password="pw")
        self.client.force_login(user)
        small, big, _ = self.measure()
        assert small == big == 5


# Like tests/settings.py, without the ``request`` context processor.
NO_REQUEST_PROCESSOR = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth"]},
    }
]


class RequestContextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Plain context", slug="plain-context")

    @override_settings(TEMPLATES=NO_REQUEST_PROCESSOR)
    def test_the_form_has_its_csrf_token_without_the_request_context_processor(self):
        from django.contrib.auth.models import AnonymousUser
        from django.template import RequestContext

        request = RequestFactory().get("/articles/plain-context/")
        request.user = AnonymousUser()
        template = Template("{% load comments_plugin %}{% render_comment_form for a %}")
        html = template.render(RequestContext(request, {"a": self.article}))
        assert 'name="csrfmiddlewaretoken"' in html


class Latin1EntitiesFilterTests(TestCase):
    def test_text_that_is_not_safe_is_escaped_once_and_its_references_kept(self):
        html = render("{{ t|latin1_entities }}", t="“<b>” & café")
        assert html == "&#8220;&lt;b&gt;&#8221; &amp; café"

    def test_safe_text_is_not_escaped_again(self):
        html = render("{% filter latin1_entities %}<i>“{{ t }}”</i>{% endfilter %}", t="<b>")
        assert html == "<i>&#8220;&lt;b&gt;&#8221;</i>"


# A site's list.html that shows something about the visitor: the cached list must not.
VISITOR_LIST = (
    '{% load comments_plugin %}<section class="comments-area">[{{ user.username }}]'
    "[{% csrf_token %}][{{ request.user.username }}]<ol>{{ comments_html }}</ol></section>"
)
CACHED_VISITOR_LIST_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"comments_plugin/testapp/article/list.html": VISITOR_LIST},
                ),
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]


@override_settings(
    TEMPLATES=CACHED_VISITOR_LIST_TEMPLATES,
    COMMENTS_PLUGIN={"PAGE_SIZE": 0, "LIST_CACHE_TIMEOUT": 300},
)
class CachedListVisitorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Shared", slug="shared")
        make_comment(cls.article, "Shared words")
        cls.user = get_user_model().objects.create_user("secretmember", password="pw")

    def setUp(self):
        from django.core.cache import cache

        cache.clear()

    def test_a_cached_list_carries_nothing_of_the_visitor_it_was_rendered_for(self):
        self.client.force_login(self.user)
        first = self.client.get("/articles/shared/").content.decode()
        self.client.logout()
        second = self.client.get("/articles/shared/").content.decode()
        for page in (first, second):
            section = page[page.index('<section class="comments-area">') :]
            section = section[: section.index("</section>")]
            assert "Shared words" in section
            assert "secretmember" not in section
            assert "csrfmiddlewaretoken" not in section
