import datetime
import itertools
import pickle
import weakref
import zlib
import zoneinfo

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.test import RequestFactory, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

from comments_plugin import markup, operations, rendering, threads
from comments_plugin.models import Comment, Status
from comments_plugin.templatetags import comments_plugin as comments_plugin_tags
from tests.testapp.helpers import make_comment, make_thread_tree
from tests.testapp.models import Article

# The per-comment markup as a template loop: what a site overriding list.html would write,
# and what render_comments() replaced. Both must give the same HTML.
LOOP = (
    "{% load i18n tz comments_plugin %}{% for node in nodes %}{% with c=node.comment %}"
    '<li id="comment-{{ c.pk }}" class="comment depth-{{ node.depth|add:1 }}'
    '{% if node.is_pending %} comment-awaiting-moderation{% endif %}">'
    '<article class="comment-body"><footer class="comment-meta">'
    '<img class="avatar" src="{% comment_avatar_url c %}" alt="" width="{{ avatar_size }}" '
    'height="{{ avatar_size }}" loading="lazy"> '
    '<b class="comment-author">{% if c.author_url %}<a href="{{ c.author_url }}" '
    'rel="nofollow ugc noopener" class="url">{{ c.author_name }}</a>{% else %}'
    "{{ c.author_name }}{% endif %}</b> "
    '<a href="#comment-{{ c.pk }}"><time datetime="'
    "{{ c.submitted_at|utc|date:'Y-m-d\\TH:i:s\\Z' }}\">"
    '{{ c.submitted_at|date:"DATETIME_FORMAT" }}</time></a>'
    '{% if node.is_pending %} <em class="comment-awaiting-moderation">'
    '{% translate "Your comment is awaiting moderation." %}</em>{% endif %}'
    '</footer><div class="comment-content">{{ c.body|comment_body }}</div>'
    '{% if not node.is_pending %}<div class="reply">'
    "{% if can_reply and c.depth < max_depth %}"
    '<a rel="nofollow" class="comment-reply-link" href="?{{ prefix }}'
    '{{ c.pk }}#respond" aria-label="{% blocktranslate with '
    'name=c.author_name %}Reply to {{ name }}{% endblocktranslate %}">{% translate "Reply" %}'
    "</a> {% endif %}"
    '<a rel="nofollow" class="comment-report-link" '
    'href="{% url \'comments_plugin:flag\' c.pk %}">{% translate "Report" %}</a></div>'
    "{% endif %}"
    "</article>"
    '{% if node.has_children %}<ol class="children">{% else %}</li>{% endif %}'
    "{% for _ in node.closes %}</ol></li>{% endfor %}\n{% endwith %}{% endfor %}"
)


class RenderCommentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="T", slug="t")
        tree = make_thread_tree(cls.article, 40)
        make_comment(
            cls.article,
            "Tom & <b>\"Jerry\"</b> 'x' https://ex.example/a?b=1&c=2.\n\nTwo\nlines  ",
            author_name="O'Brien <x>",
            author_url='https://o.example/?a=1&b="2"',
        )
        make_comment(cls.article, "Held", status=Status.PENDING, author_email="")
        make_comment(cls.article, "  spaced  ", author_name="Sp", parent=tree[3])

    def test_the_markup_is_the_same_as_a_template_loop_over_the_nodes(self):
        loop = engines["django"].from_string(LOOP)
        comments = list(Comment.objects.all())
        cases = itertools.product(["en", "de"], ["UTC", "America/New_York"], [True, False], [2, 5])
        for language, zone, can_reply, max_depth in cases:
            with translation.override(language), timezone.override(zone):
                nodes = threads.build_nodes(comments, max_depth=max_depth)
                context = {"can_reply": can_reply, "max_depth": max_depth, "avatar_size": 40}
                prefix = mark_safe("cpage=2&amp;r=")
                expected = loop.render({**context, "nodes": nodes, "prefix": prefix})
                html = rendering.render_comments(
                    nodes,
                    can_reply=can_reply,
                    max_depth=max_depth,
                    avatar_size=40,
                    reply_prefix="?cpage=2&r=",
                )
                assert html == expected, (language, zone, can_reply, max_depth)

    def test_rows_give_the_markup_their_comments_give(self):
        rows = threads.load_rows(Comment.objects.all())
        for source in (rows, list(Comment.objects.all())):
            nodes = threads.build_nodes(source)
            loop = engines["django"].from_string(LOOP)
            context = {"can_reply": True, "max_depth": 5, "avatar_size": 40, "prefix": "r="}
            html = rendering.render_comments(
                nodes, can_reply=True, max_depth=5, avatar_size=40, reply_prefix="?r="
            )
            assert html == loop.render({**context, "nodes": nodes}), type(source[0])
            assert html.count('class="comment depth-') == Comment.objects.count()

    def test_the_writer_appends_the_list_as_utf8_to_a_buffer(self):
        article = Article.objects.create(title="Bytes", slug="bytes")
        make_comment(article, "Short. " * 30, author_url="https://ann.example.org/")
        make_comment(article, "é “quoted” text ☃", author_name="Zoë")
        nodes = threads.load_page(article, page_size=0).nodes
        options = {"can_reply": True, "max_depth": 5, "avatar_size": 48}
        out = bytearray(b"<ol>")
        rendering.CommentWriter(**options).write(out, nodes, reply_prefix="?reply_to=")
        assert out.startswith(b"<ol><li id=")
        expected = rendering.render_comments(nodes, reply_prefix="?reply_to=", **options)
        assert out.decode() == "<ol>" + expected
        assert "é “quoted” text ☃" in expected and "Zoë" in expected

    def test_the_writer_uses_the_time_zone_it_was_made_in(self):
        nodes = threads.build_nodes(Comment.objects.filter(author_name="Sp"))
        options = {"can_reply": True, "max_depth": 5, "avatar_size": 48, "reply_prefix": "?r="}
        with timezone.override("Asia/Tokyo"):
            writer = rendering.CommentWriter(can_reply=True, max_depth=5, avatar_size=48)
            expected = rendering.render_comments(nodes, **options)
        out = bytearray()
        writer.write(out, nodes, reply_prefix="?r=")
        assert out.decode() == expected
        assert expected != rendering.render_comments(nodes, **options)  # shown in UTC

    def test_the_time_attribute_is_the_instant_in_utc_to_the_second(self):
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        value = datetime.datetime(2025, 7, 1, 9, 30, 15, 123456, tzinfo=berlin)
        assert rendering.machine_time(value) == "2025-07-01T07:30:15Z"
        assert rendering.machine_time(value.replace(tzinfo=None)) == "2025-07-01T09:30:15"
        assert datetime.datetime.fromisoformat(rendering.machine_time(value)) == value.replace(
            microsecond=0
        )
        # Times as the database hands them back (tzinfo is datetime.UTC), and an equal UTC
        # offset of another object, read alike.
        utc = value.astimezone(datetime.UTC)
        assert rendering.machine_time(utc) == "2025-07-01T07:30:15Z"
        other_utc = utc.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
        assert rendering.machine_time(other_utc) == "2025-07-01T07:30:15Z"

    def test_names_and_addresses_are_escaped(self):
        nodes = threads.build_nodes(Comment.objects.all())
        html = rendering.render_comments(
            nodes, can_reply=True, max_depth=5, avatar_size=48, reply_prefix="?r="
        )
        assert "O&#x27;Brien &lt;x&gt;" in html
        assert 'href="https://o.example/?a=1&amp;b=&quot;2&quot;"' in html
        assert "<b>" not in html.replace('<b class="comment-author">', "")

    def test_a_translation_with_quotes_stays_inside_the_reply_label(self):
        from unittest import mock

        def gettext(message: str) -> str:
            return 'Reply to "%(name)s"' if message == "Reply to %(name)s" else message

        nodes = threads.build_nodes(Comment.objects.filter(author_name="O'Brien <x>"))
        with mock.patch.object(rendering, "gettext", gettext):
            html = rendering.render_comments(
                nodes, can_reply=True, max_depth=5, avatar_size=48, reply_prefix="?r="
            )
        assert 'aria-label="Reply to &quot;O&#x27;Brien &lt;x&gt;&quot;"' in html

    def test_an_address_that_is_not_http_is_never_a_link(self):
        comment = Comment.objects.filter(author_name="O'Brien <x>").get()
        comment.author_url = " javascript:alert(1)"
        node = threads.Node(comment)  # not through build_nodes(), which blanks it
        html = rendering.render_comments(
            [node], can_reply=True, max_depth=5, avatar_size=48, reply_prefix="?r="
        )
        assert "javascript:" not in html
        assert '<b class="comment-author">O&#x27;Brien &lt;x&gt;</b>' in html


class BodyTests(TestCase):
    def test_one_line_bodies_come_out_as_markup_renders_them(self):
        for body in ["plain <b>", "bell\x07 and tab\x0b<i>", "nul\x00", "  spaced  ", "", "é ☃"]:
            assert rendering._body_html(body) == markup.render_body(body), repr(body)


class CacheKeyTests(TestCase):
    @override_settings(COMMENTS_PLUGIN={"LIST_CACHE_TIMEOUT": 300})
    def test_keys_stay_valid_for_memcached_whatever_the_primary_key(self):
        awkward = ["with space", "x" * 255, "tab\there", "ünï", "a:b"]
        keys = set()
        for pk in [*awkward, "plain-slug_1.2", 42]:
            for key in (
                rendering._version_key(3, str(pk)),
                rendering.cached_list_key(3, pk, "en"),
            ):
                assert key is not None
                assert len(key) < 200 and key.isascii(), key
                assert not any(char.isspace() or ord(char) < 33 for char in key), key
                keys.add(key)
        assert len(keys) == 14  # no two objects share a key
        assert rendering._version_key(3, "plain-slug_1.2").endswith(":3:plain-slug_1.2")


class Latin1Tests(TestCase):
    def test_characters_beyond_latin1_become_character_references(self):
        assert rendering.latin1_entities("“Tom” & café ☃") == "&#8220;Tom&#8221; & café &#9731;"
        assert rendering.latin1_entities("plain") == "plain"

    def test_the_list_heading_keeps_an_ascii_page_one_byte_a_character(self):
        article = Article.objects.create(title="Plain title", slug="plain")
        make_comment(article, "Words")
        page = self.client.get("/articles/plain/").content.decode()
        assert "One response to &#8220;Plain title&#8221;" in page
        assert max(map(ord, list_of(page))) < 256


class JoinListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Join", slug="join")
        make_comment(cls.article, "First words")
        make_comment(cls.article, "Second words")

    def nodes(self) -> list[threads.Node]:
        return threads.load_page(self.article, page_size=0).nodes

    mark = comments_plugin_tags.list_placeholder()

    def join(self, html: str, nodes: list[threads.Node]) -> str:
        writer = rendering.CommentWriter(can_reply=True, max_depth=5, avatar_size=48)
        return comments_plugin_tags.join_list(html, self.mark, writer, nodes, "?r=").decode()

    def test_the_comments_go_where_the_template_put_its_placeholder(self):
        mark = self.mark
        items = rendering.render_comments(
            self.nodes(), can_reply=True, max_depth=5, avatar_size=48, reply_prefix="?r="
        )
        assert self.join(f"<ol>{mark}</ol>“", self.nodes()) == f"<ol>{items}</ol>“"
        assert self.join(f"{mark}<hr>{mark}", self.nodes()) == f"{items}<hr>{items}"
        assert self.join(f"<ol>{mark}</ol>", []) == "<ol></ol>"

    def test_the_comments_are_let_go_once_their_markup_is_written(self):
        # Before the page is decoded into one string: not the comments and the page at once.
        nodes = threads.build_nodes(list(Comment.objects.filter(body="First words")))
        watched = weakref.ref(nodes[0].row)
        self.join(f"<ol>{self.mark}</ol>", nodes)
        assert nodes == []
        assert watched() is None


class PlaceholderTests(TestCase):
    def test_text_of_the_page_cannot_move_the_list(self):
        # An object whose title is printed unescaped and holds what the placeholder was
        # before it was made new for every render.
        article = Article.objects.create(title="<!--comments_plugin:comments-->", slug="marker")
        make_comment(article, "The only comment")
        assert comments_plugin_tags.list_placeholder() != comments_plugin_tags.list_placeholder()
        html = (
            engines["django"]
            .from_string(
                "{% load comments_plugin %}{{ article.title|safe }}|"
                "{% render_comment_list for article %}"
            )
            .render({"article": article})
        )
        title, _bar, listing = html.partition("|")
        assert title == article.title  # left as it was, no comments in it
        assert listing.count("The only comment") == 1


class PackListTests(TestCase):
    def test_a_long_list_is_stored_compressed_and_comes_back_the_same(self):
        html = "<li>" + "Zqmark words é " * 5000 + "</li>"
        packed = rendering.pack_list(html)
        assert isinstance(packed, bytes)
        assert len(packed) < len(html) // 10
        assert rendering.unpack_list(packed) == html

    def test_a_list_of_many_chunks_comes_back_the_same_and_a_cut_one_is_a_miss(self):
        from unittest import mock

        # Multi-byte characters across every chunk boundary, in and out.
        html = "".join(f"<li>{i} é☃ “quoted” </li>" for i in range(3000))
        with mock.patch.object(rendering, "ZLIB_CHUNK", 1001):
            packed = rendering.pack_list(html)
            assert isinstance(packed, bytes)
            assert zlib.decompress(packed).decode() == html
            assert rendering.unpack_list(packed) == html
            assert rendering.unpack_list(packed[: len(packed) // 2]) is None

    def test_a_short_list_is_stored_as_it_is(self):
        assert rendering.pack_list("<li>short</li>") == "<li>short</li>"
        assert rendering.unpack_list("<li>short</li>") == "<li>short</li>"


class DateFormatterTests(TestCase):
    def test_memoised_pieces_give_what_django_gives(self):
        formats = [
            "N j, Y, P",
            r"j \d\e F \d\e Y \a \l\a\s H:i",
            "D, d M Y H:i:s",
            "l jS F Y, g:i a",
            "Y-m-d\\TH:i",
            "c",
            "r",
            "e T I",
            "U u",
        ]
        tz = zoneinfo.ZoneInfo("Europe/Berlin")
        start = datetime.datetime(2025, 3, 30, 0, 0, 5, 123456, tzinfo=tz)
        values = [start + datetime.timedelta(minutes=37 * i, seconds=i) for i in range(120)]
        for language in ("en", "de", "fr"):
            with translation.override(language):
                for fmt in formats:
                    formatter = rendering._date_formatter(fmt)
                    for value in values + values:  # the second pass reads the memo
                        assert formatter(value) == format_date(value, fmt), (language, fmt)

    def test_a_format_is_split_into_date_and_time_runs(self):
        assert rendering._segments("N j, Y, P") == [("d", "N j, Y, "), ("t", "P")]
        assert rendering._segments(r"H:i \a\m j.n.") == [("t", r"H:i \a\m "), ("d", "j.n.")]
        assert rendering._segments("Y T") is None


CACHED = {"PAGE_SIZE": 0, "LIST_CACHE_TIMEOUT": 300}
# Tests that look into the stored entries, whatever cache the suite runs with (CACHE_URL).
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def list_of(page: str) -> str:
    return page[page.index('<section class="comments-area"') : page.index("</section>")]


@override_settings(COMMENTS_PLUGIN=CACHED)
class ListCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Cached", slug="cached")
        cls.other = Article.objects.create(title="Other", slug="other")
        cls.first = make_comment(cls.article, "First words")
        make_comment(cls.other, "Other words")

    def setUp(self):
        cache.clear()

    def page(self, slug: str = "cached", query: str = "", **cookies) -> tuple[int, str]:
        self.client.cookies.clear()
        for name, value in cookies.items():
            self.client.cookies[name] = value
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(f"/articles/{slug}/{query}")
        return len(ctx.captured_queries), response.content.decode()

    def test_a_warm_list_is_served_without_loading_the_comments(self):
        cold, html = self.page()
        warm, again = self.page()
        assert warm == cold - 1
        assert list_of(again) == list_of(html)
        assert "First words" in list_of(again)

    def test_a_new_comment_shows_at_once(self):
        self.page()
        make_comment(self.article, "Fresh words")
        assert "Fresh words" in self.page()[1]

    def test_a_new_held_or_spam_comment_keeps_the_list_warm(self):
        cold, _ = self.page()
        make_comment(self.article, "Held words", status=Status.PENDING)
        make_comment(self.article, "Spam words", status=Status.SPAM)
        warm, html = self.page()
        assert warm == cold - 1
        assert "Held words" not in html and "Spam words" not in html
        held = Comment.objects.get(body="Held words")
        operations.approve(held)
        assert "Held words" in self.page()[1]

    def test_every_status_change_shows_at_once(self):
        self.page()
        operations.trash(self.first)
        assert "First words" not in self.page()[1]
        operations.restore(self.first)
        assert "First words" in self.page()[1]

    def test_an_edit_and_a_deletion_show_at_once(self):
        self.page()
        self.first.body = "Edited words"
        self.first.save()
        assert "Edited words" in self.page()[1]
        self.first.delete()
        assert "Edited words" not in self.page()[1]

    def test_the_version_changes_again_once_the_change_is_committed(self):
        # A list rendered between the change and its commit must not stay cached.
        ct = ContentType.objects.get_for_model(Article)
        key = rendering._version_key(ct.pk, str(self.article.pk))
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            make_comment(self.article, "Committed words")
            during = cache.get(key)
        assert callbacks
        assert during is not None
        assert cache.get(key) != during

    def test_a_change_on_another_object_keeps_this_list_cached(self):
        cold, _ = self.page()
        make_comment(self.other, "More other words")
        warm, _ = self.page()
        assert warm == cold - 1

    def test_a_visitor_with_a_held_comment_of_their_own_bypasses_the_cache(self):
        self.page()  # cached without the held comment
        held = make_comment(self.article, "My held words", status=Status.PENDING)
        request = RequestFactory().get("/")
        from django.http import HttpResponse

        response = HttpResponse()
        threads.remember_pending(request, response, held.pk)
        cookie = response.cookies[threads.PENDING_COOKIE].value
        assert "My held words" in self.page(**{threads.PENDING_COOKIE: cookie})[1]
        assert "My held words" not in self.page()[1]

    def test_the_language_is_part_of_the_key(self):
        self.page()
        with translation.override("de"):
            key_de = rendering.cached_list_key(1, self.article.pk, "de")
        key_en = rendering.cached_list_key(1, self.article.pk, "en")
        assert key_de != key_en

    @override_settings(CACHES=LOCMEM)
    def test_a_long_list_is_served_from_its_compressed_copy(self):
        cache.clear()
        for i in range(200):
            make_comment(self.article, f"Long thread words {i} " + "x" * 200)
        cold, html = self.page()
        stored = [v for k, v in cache._cache.items() if "comments_plugin:list:" in k]
        warm, again = self.page()
        assert warm == cold - 1
        assert len(stored) == 1 and len(stored[0]) < len(list_of(html)) // 5
        assert list_of(again) == list_of(html)
        assert "Long thread words 199" in list_of(again)

    @override_settings(CACHES=LOCMEM)
    def test_an_entry_that_does_not_decode_is_rendered_again(self):
        cache.clear()
        self.page()
        keys = [k for k in cache._cache if "comments_plugin:list:" in k]
        assert len(keys) == 1
        for junk in (b"\x00not zlib", zlib.compress(b"\xff\xfe"), 12):
            cache._cache[keys[0]] = pickle.dumps(junk)
            _queries, html = self.page()
            assert "First words" in list_of(html)

    @override_settings(CACHES=LOCMEM)
    def test_without_paging_a_page_parameter_does_not_make_another_copy(self):
        cache.clear()
        cold, html = self.page()
        warm, other = self.page(query="?cpage=7")
        assert warm == cold - 1
        assert list_of(other) == list_of(html)
        assert len([k for k in cache._cache if "comments_plugin:list:" in k]) == 1

    @override_settings(CACHES=LOCMEM, COMMENTS_PLUGIN={"PAGE_SIZE": 1, "LIST_CACHE_TIMEOUT": 300})
    def test_a_page_number_past_the_end_shows_the_last_page_without_a_copy_of_its_own(self):
        make_comment(self.article, "Second thread")
        cache.clear()
        _queries, last = self.page(query="?cpage=2")
        for number in ("3", "9999", "02"):
            _queries, html = self.page(query=f"?cpage={number}")
            assert list_of(html) == list_of(last)
        assert "Second thread" in list_of(last)
        assert len([k for k in cache._cache if "comments_plugin:list:" in k]) == 1

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0}, CACHES=LOCMEM)
    def test_with_the_cache_off_nothing_is_stored(self):
        cache.clear()
        self.page()
        assert rendering.cached_list_key(1, self.article.pk) is None
        assert not [k for k in cache._cache if "comments_plugin:list" in k]
