import html
import re
import time
import uuid
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.utils.html import strip_tags

from comments_plugin import avatars, threads
from comments_plugin.exceptions import CommentRejected
from comments_plugin.forms import TOKEN_SALT, make_token
from comments_plugin.models import Comment, Status
from comments_plugin.signals import comment_will_be_posted
from comments_plugin.templatetags.comments_plugin import AUTHOR_COOKIE
from tests.testapp.helpers import form_data, make_comment, old_token
from tests.testapp.models import Article, Note, Page

POST_URL = "/comments/post/"
EMAIL = "ann-secret@example.com"


def forget_flood_marks() -> None:
    """Posts in a test come seconds apart; a person takes longer than the flood interval."""
    cache.clear()


def text_of(markup: str) -> str:
    """The visible text of ``markup`` with whitespace collapsed (entities decoded)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup))).strip()


class PostingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def post(self, client=None, target=None, **extra):
        forget_flood_marks()
        return (client or self.client).post(POST_URL, form_data(target or self.article, **extra))

    def test_get_is_not_allowed(self):
        assert self.client.get(POST_URL).status_code == 405

    def test_a_valid_comment_is_stored_and_redirects_to_its_anchor(self):
        response = self.post()
        comment = Comment.objects.get()
        assert comment.status == Status.APPROVED
        assert comment.author_email == EMAIL
        assert response.status_code == 302
        assert response["Location"] == f"/articles/hello/#comment-{comment.pk}"

    def test_request_metadata_is_stored(self):
        self.client.post(
            POST_URL, form_data(self.article), HTTP_USER_AGENT="Browser/1.0", REMOTE_ADDR="10.1.2.3"
        )
        comment = Comment.objects.get()
        assert comment.ip_address == "10.1.2.3"
        assert comment.user_agent == "Browser/1.0"

    def test_a_safe_next_is_followed(self):
        response = self.post(next="/articles/hello/?sort=new&reply_to=3")
        comment = Comment.objects.get()
        assert response["Location"] == f"/articles/hello/?sort=new#comment-{comment.pk}"

    def test_an_unsafe_next_is_ignored(self):
        for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
            response = self.post(next=bad)
            assert response["Location"].startswith("/articles/hello/#comment-"), bad

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 1})
    def test_the_redirect_goes_to_the_page_showing_the_new_comment(self):
        make_comment(self.article, "Older thread")
        response = self.post()
        comment = Comment.objects.latest("pk")
        assert response["Location"] == f"/articles/hello/?cpage=2#comment-{comment.pk}"

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        assert self.post(client).status_code == 403
        assert not Comment.objects.exists()

    def test_a_csrf_token_from_the_page_lets_the_form_post(self):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/articles/hello/").content.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = self.post(client, csrfmiddlewaretoken=csrf)
        assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_a_tampered_token_is_a_400_with_a_message(self):
        token = old_token(self.article)
        response = self.post(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        assert response.status_code == 400
        assert "This form was tampered with or is damaged." in response.content.decode()
        assert not Comment.objects.exists()

    def test_a_missing_or_garbage_token_is_a_400(self):
        for token in ("", "x", "a:b:c", "é" * 500):
            assert self.post(token=token).status_code == 400

    def test_an_expired_token_is_a_400_asking_to_reload(self):
        with mock.patch("time.time", return_value=time.time() - 3 * 24 * 3600):
            token = make_token(self.article)
        response = self.post(token=token)
        assert response.status_code == 400
        assert "This form has expired." in response.content.decode()

    def test_an_expired_form_gives_the_visitors_text_back_with_a_fresh_token(self):
        # A tab left open for days: the words written in it must not be lost.
        with mock.patch("time.time", return_value=time.time() - 3 * 24 * 3600):
            token = make_token(self.article)
        response = self.post(token=token, body="Words I took days to write")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Words I took days to write" in html
        assert "This form has expired." in html
        fresh = re.search(r'name="token" value="([^"]+)"', html).group(1)
        assert fresh != token
        assert self.post(token=fresh).status_code == 302

    def test_a_deleted_target_is_a_400(self):
        article = Article.objects.create(title="Gone", slug="gone")
        data = form_data(article)
        article.delete()
        response = self.client.post(POST_URL, data)
        assert response.status_code == 400
        assert "The page you commented on no longer exists." in response.content.decode()

    def test_a_signed_token_for_an_unknown_content_type_is_a_400(self):
        token = signing.dumps(
            {"ct": 999999, "pk": "1", "t": int(time.time()) - 60}, salt=TOKEN_SALT
        )
        assert self.post(token=token).status_code == 400

    def test_a_signed_token_with_a_malformed_uuid_is_a_400(self):
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Note)
        token = signing.dumps(
            {"ct": ct.pk, "pk": "not-a-uuid", "t": int(time.time()) - 60}, salt=TOKEN_SALT
        )
        assert self.post(token=token).status_code == 400

    def test_comments_on_a_uuid_keyed_object_work(self):
        note = Note.objects.create(text="A note")
        response = self.post(target=note)
        comment = Comment.objects.get()
        assert comment.object_pk == str(note.pk)
        assert comment.content_object == note
        assert response["Location"] == f"/notes/{note.pk}/#comment-{comment.pk}"
        assert comment.body in self.client.get(f"/notes/{note.pk}/").content.decode()

    def test_comments_on_a_slug_keyed_object_work(self):
        page = Page.objects.create(slug="about-us", title="About us")
        response = self.post(target=page)
        comment = Comment.objects.get()
        assert comment.object_pk == "about-us"
        assert response["Location"] == f"/pages/about-us/#comment-{comment.pk}"
        assert comment.body in self.client.get("/pages/about-us/").content.decode()

    def test_a_reply_gets_its_thread_and_depth(self):
        root = make_comment(self.article)
        middle = make_comment(self.article, parent=root)
        self.post(parent=middle.pk)
        reply = Comment.objects.latest("pk")
        assert (reply.parent_id, reply.thread_id, reply.depth) == (middle.pk, root.pk, 2)

    def test_a_parent_on_another_object_is_a_400_with_a_message(self):
        other = Article.objects.create(title="Other", slug="other")
        foreign = make_comment(other)
        response = self.post(parent=foreign.pk)
        assert response.status_code == 400
        assert "The comment you replied to is not on this page." in response.content.decode()
        assert Comment.objects.count() == 1

    def test_a_parent_beyond_the_depth_limit_is_a_400_with_a_message(self):
        parent = make_comment(self.article)
        for _ in range(5):
            parent = make_comment(self.article, parent=parent)
        response = self.post(parent=parent.pk)
        assert response.status_code == 400
        assert "does not allow replies this deep" in response.content.decode()

    def test_a_nonsense_or_huge_parent_is_a_400_not_a_500(self):
        for value in ("abc", "-1", "0", str(2**70), "1e5"):
            response = self.post(parent=value)
            assert response.status_code == 400, value
        assert not Comment.objects.exists()

    def test_a_spam_or_trashed_parent_cannot_be_replied_to(self):
        for status in (Status.SPAM, Status.TRASH):
            parent = make_comment(self.article, status=status)
            assert self.post(parent=parent.pk).status_code == 400

    def test_form_errors_rerender_the_form_with_the_visitors_text(self):
        response = self.post(email="not-an-email", body="My carefully written words")
        assert response.status_code == 400
        html = response.content.decode()
        assert "My carefully written words" in html
        assert "Enter a valid email address." in html
        assert 'value="Ann"' in html
        assert not Comment.objects.exists()

    def test_an_empty_body_is_a_form_error(self):
        response = self.post(body="   \n  ")
        assert response.status_code == 400
        assert "This field is required." in response.content.decode() or "Please write" in (
            response.content.decode()
        )

    def test_a_website_that_is_not_http_is_a_form_error(self):
        for url in ("javascript:alert(1)", "ftp://example.com/", "data:text/html,hi"):
            response = self.post(url=url)
            assert response.status_code == 400, url
        assert not Comment.objects.exists()

    def test_a_website_without_scheme_gets_https(self):
        self.post(url="ann.example")
        assert Comment.objects.get().author_url == "https://ann.example"

    @override_settings(COMMENTS_PLUGIN={"MAX_LENGTH": 20})
    def test_a_too_long_body_is_a_form_error(self):
        assert self.post(body="x" * 21).status_code == 400
        assert not Comment.objects.exists()

    def test_preview_shows_the_rendered_comment_and_stores_nothing(self):
        response = self.post(preview="Preview", body="Look at https://example.com/ <b>now</b>")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview your comment" in html
        assert '<a href="https://example.com/" rel="nofollow ugc noopener">' in html
        assert "&lt;b&gt;now&lt;/b&gt;" in html
        assert not Comment.objects.exists()

    @override_settings(COMMENTS_PLUGIN={"ALLOW_PREVIEW": False})
    def test_preview_can_be_turned_off(self):
        response = self.post(preview="Preview")
        assert response.status_code == 302
        assert Comment.objects.count() == 1

    def test_a_rejecting_receiver_shows_its_message_to_the_visitor(self):
        def reject(sender, comment, **kwargs):
            raise CommentRejected("No comments about cats.", code="cats")

        comment_will_be_posted.connect(reject)
        self.addCleanup(comment_will_be_posted.disconnect, reject)
        response = self.post(body="I love cats")
        assert response.status_code == 400
        html = response.content.decode()
        assert "No comments about cats." in html
        assert "I love cats" in html
        assert not Comment.objects.exists()

    def test_a_rejection_with_another_status_gets_the_error_page(self):
        def slow_down(sender, comment, **kwargs):
            raise CommentRejected("Too many comments.", code="flood", status=429)

        comment_will_be_posted.connect(slow_down)
        self.addCleanup(comment_will_be_posted.disconnect, slow_down)
        response = self.post()
        assert response.status_code == 429
        assert response["Retry-After"] == "60"
        assert "Too many comments." in response.content.decode()

    def test_a_filled_honeypot_is_discarded_silently(self):
        response = self.post(homepage="http://spam.example/")
        assert response.status_code == 302
        assert response["Location"] == "/articles/hello/#comments"
        assert not Comment.objects.exists()

    def test_the_email_never_appears_in_error_or_preview_pages_other_than_its_own_field(self):
        response = self.post(preview="Preview")
        html = response.content.decode()
        # Only the visitor's own form field carries it back to them.
        assert html.count(EMAIL) == 1
        assert f'value="{EMAIL}"' in html
        assert EMAIL not in self.post(token="bad").content.decode()


class RememberMeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def test_no_cookie_is_set_when_the_box_is_not_ticked(self):
        response = self.client.post(POST_URL, form_data(self.article))
        assert AUTHOR_COOKIE not in response.cookies

    def test_ticking_the_box_remembers_the_author_for_the_next_form(self):
        response = self.client.post(
            POST_URL, form_data(self.article, remember="on", url="https://ann.example/")
        )
        morsel = response.cookies[AUTHOR_COOKIE]
        assert morsel["httponly"] and morsel["samesite"] == "Lax"
        html = self.client.get("/articles/hello/").content.decode()
        assert 'name="name" value="Ann"' in html or 'value="Ann"' in html
        assert 'value="https://ann.example/"' in html

    def test_over_https_the_cookie_is_sent_back_over_https_only(self):
        # It carries the e-mail address: never in clear over plain HTTP to an HTTPS site.
        response = self.client.post(POST_URL, form_data(self.article, remember="on"), secure=True)
        assert response.cookies[AUTHOR_COOKIE]["secure"]
        forget_flood_marks()
        plain = self.client.post(POST_URL, form_data(self.article, remember="on"))
        assert not plain.cookies[AUTHOR_COOKIE]["secure"]

    def test_unticking_the_box_forgets_the_author(self):
        self.client.post(POST_URL, form_data(self.article, remember="on"))
        forget_flood_marks()
        response = self.client.post(POST_URL, form_data(self.article))
        assert response.cookies[AUTHOR_COOKIE].value == ""
        assert 'value="Ann"' not in self.client.get("/articles/hello/").content.decode()


class LoggedInPostingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.user = get_user_model().objects.create_user(
            "member", email="member@example.com", password="pw", first_name="Mem", last_name="Ber"
        )

    def test_name_and_email_come_from_the_account(self):
        self.client.force_login(self.user)
        data = form_data(self.article, name="Impostor", email="impostor@example.com")
        response = self.client.post(POST_URL, data)
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.user == self.user
        assert comment.author_name == "Mem Ber"
        assert comment.author_email == "member@example.com"

    def test_a_member_whose_username_is_their_email_is_not_published_by_it(self):
        # Many sites log people in by e-mail address: USERNAME_FIELD = "email", or usernames
        # that are addresses. Without a full name, the username must not become the byline.
        user = get_user_model().objects.create_user("mem.ber@example.org", password="pw")
        self.client.force_login(user)
        assert self.client.post(POST_URL, form_data(self.article)).status_code == 302
        comment = Comment.objects.get()
        assert "@" not in comment.author_name and comment.author_name
        self.client.logout()
        assert "example.org" not in self.client.get("/articles/hello/").content.decode()

    def test_the_page_shows_no_name_or_email_fields_to_members(self):
        self.client.force_login(self.user)
        html = self.client.get("/articles/hello/").content.decode()
        assert 'name="email"' not in html
        assert "Logged in as member." in text_of(html)


class HeldCommentVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    @override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True})
    def test_a_held_comment_is_shown_only_to_its_author(self):
        author = Client()
        response = author.post(POST_URL, form_data(self.article, body="Waiting for a moderator"))
        comment = Comment.objects.get()
        assert comment.status == Status.PENDING
        assert response["Location"] == f"/articles/hello/#comment-{comment.pk}"

        own = author.get("/articles/hello/").content.decode()
        assert "Waiting for a moderator" in own
        assert "Your comment is awaiting moderation." in own
        assert "0 comments" in own  # the count is of approved comments only

        stranger = Client().get("/articles/hello/").content.decode()
        assert "Waiting for a moderator" not in stranger
        assert "awaiting moderation" not in stranger

    @override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True})
    def test_the_permalink_of_a_held_comment_works_only_for_its_author(self):
        author = Client()
        author.post(POST_URL, form_data(self.article))
        comment = Comment.objects.get()
        assert author.get(f"/comments/c/{comment.pk}/").status_code == 302
        assert Client().get(f"/comments/c/{comment.pk}/").status_code == 404

    @override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True})
    def test_only_its_author_can_reply_to_a_held_comment(self):
        author = Client()
        author.post(POST_URL, form_data(self.article))
        held = Comment.objects.get()
        # A preview runs the same checks without storing: a stranger must not learn from
        # it which ids are held comments on this page.
        stranger = Client().post(POST_URL, form_data(self.article, parent=held.pk, preview="1"))
        assert stranger.status_code == 400
        assert "The comment you replied to is not on this page." in stranger.content.decode()
        forget_flood_marks()
        response = author.post(POST_URL, form_data(self.article, parent=held.pk))
        assert response.status_code == 302
        assert Comment.objects.get(parent=held).status == Status.PENDING

    @override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True})
    def test_without_an_object_url_the_thank_you_page_says_it_is_held(self):
        from comments_plugin.views.comments import object_url

        with mock.patch("comments_plugin.views.comments.object_url", return_value=""):
            response = self.client.post(POST_URL, form_data(self.article))
        assert response["Location"] == "/comments/posted/?held=1"
        page = self.client.get(response["Location"]).content.decode()
        assert "Your comment is awaiting moderation." in page
        assert object_url(object()) == ""


class EndToEndPageTests(TestCase):
    """A visitor reads the page, posts through the real form, and replies."""

    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="News", slug="news")

    def submit_form(self, client, path, **fields):
        # The form is shown a minute ago, as a person takes time to type.
        with mock.patch("time.time", return_value=time.time() - 60):
            page = client.get(path).content.decode()
        form = re.search(
            r'<form action="([^"]+)" method="post" id="commentform".*?</form>', page, re.S
        )
        # Every hidden input (an empty parent has no value) and every filled-in field.
        values = dict(
            re.findall(r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', form.group(0))
        )
        values.update(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
        values.pop("preview", None)
        values.update(fields)
        forget_flood_marks()
        return client.post(form.group(1), values)

    def test_post_reply_and_read(self):
        client = Client(enforce_csrf_checks=True)
        response = self.submit_form(
            client, "/articles/news/", name="Ann", email=EMAIL, body="First!"
        )
        assert response.status_code == 302, response.content.decode()
        first = Comment.objects.get()
        assert first.status == Status.APPROVED
        response = self.submit_form(
            client,
            f"/articles/news/?reply_to={first.pk}",
            name="Bob",
            email="b@example.com",
            body="A reply",
        )
        assert response.status_code == 302
        reply = Comment.objects.latest("pk")
        assert reply.parent_id == first.pk
        assert response["Location"] == f"/articles/news/#comment-{reply.pk}"
        html = Client().get("/articles/news/").content.decode()
        assert "2 responses to “News”" in text_of(html)
        assert html.index("First!") < html.index('<ol class="children">') < html.index("A reply")
        assert "2 comments" in html
        assert EMAIL not in html


class PermalinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.comments = [make_comment(cls.article, f"Root {i}") for i in range(3)]

    def test_a_permalink_redirects_to_the_anchor(self):
        pk = self.comments[0].pk
        response = self.client.get(f"/comments/c/{pk}/")
        assert response["Location"] == f"/articles/hello/#comment-{pk}"

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 1})
    def test_a_permalink_goes_to_the_right_page(self):
        pk = self.comments[2].pk
        response = self.client.get(f"/comments/c/{pk}/")
        assert response["Location"] == f"/articles/hello/?cpage=3#comment-{pk}"

    def test_unknown_and_unapproved_comments_are_404(self):
        spam = make_comment(self.article, status=Status.SPAM)
        assert self.client.get("/comments/c/999999/").status_code == 404
        assert self.client.get(f"/comments/c/{spam.pk}/").status_code == 404

    def test_the_permalink_does_not_reveal_the_email(self):
        response = self.client.get(f"/comments/c/{self.comments[0].pk}/")
        assert "ann@example.com" not in response["Location"]
        assert b"ann@example.com" not in response.content


class AvatarViewTests(TestCase):
    def test_an_avatar_is_an_svg_identicon(self):
        key = avatars.avatar_key("ann@example.com")
        response = self.client.get(f"/comments/avatar/{key}.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg")
        assert "immutable" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_head_requests_are_answered_like_get(self):
        # Link checkers and caches send HEAD; Django's own read-only views accept it.
        key = avatars.avatar_key("ann@example.com")
        assert self.client.head(f"/comments/avatar/{key}.svg").status_code == 200
        assert self.client.head("/comments/posted/").status_code == 200

    def test_a_malformed_key_is_404(self):
        for key in ("ann@example.com", "abc", "Z" * avatars.KEY_LENGTH, uuid.uuid4().hex):
            assert self.client.get(f"/comments/avatar/{key}.svg").status_code == 404


class PendingCookieTests(TestCase):
    def test_the_pending_cookie_is_signed_and_bounded(self):
        from django.http import HttpRequest, HttpResponse

        request = HttpRequest()
        response = HttpResponse()
        for pk in range(1, 30):
            threads.remember_pending(request, response, pk)
            request.COOKIES[threads.PENDING_COOKIE] = response.cookies[threads.PENDING_COOKIE].value
        ids = threads.pending_ids(request)
        assert len(ids) == threads.PENDING_LIMIT
        assert ids[0] == 29
