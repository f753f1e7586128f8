"""A visitor editing the form: forged tokens, foreign parents, extra fields, open redirects."""

from __future__ import annotations

import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client, TestCase, override_settings

from comments_plugin.forms import TOKEN_SALT, make_token
from comments_plugin.models import Comment, Status
from comments_plugin.threads import PENDING_COOKIE
from tests.hostile import audit, is_on_site
from tests.testapp.helpers import make_comment, old_token
from tests.testapp.models import Article

POST_URL = "/comments/post/"
QUIET = {"SPAM_FILTERS": []}
OPEN_REDIRECTS = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://EVIL.EXAMPLE",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "http:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\r\n/evil.example",
    "java\tscript:alert(1)",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "https://evil.example#@testserver",
    "http://testserver.evil.example/",
    "ftp://evil.example/",
    "//evil.example%2F@testserver",
    "/\x00/evil.example",
    "\u3002evil.example",
    "//evil\u3002example",
]


@override_settings(COMMENTS_PLUGIN=QUIET)
class TokenTamperingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Mine", slug="mine")
        cls.other = Article.objects.create(title="Other", slug="other")

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=False)

    def post(self, token: str, **extra: str) -> object:
        data = {"name": "Eve", "email": "eve@example.com", "body": "Hi", "token": token}
        return self.client.post(POST_URL, data | extra)

    def test_a_token_with_an_edited_payload_is_refused(self) -> None:
        token = old_token(self.article)
        payload, rest = token.split(":", 1)
        forged = signing.b64_encode(b'{"ct":1,"pk":"2","t":1}').decode() + ":" + rest
        for bad in (forged, token[:-1] + ("A" if token[-1] != "A" else "B"), payload, ""):
            response = self.post(bad)
            assert response.status_code == 400, bad
        assert not Comment.objects.exists()

    def test_a_token_signed_for_another_purpose_is_refused(self) -> None:
        value = {"ct": 1, "pk": str(self.article.pk), "t": int(time.time()) - 60}
        for salt in ("comments_plugin.author", "comments_plugin.pending", ""):
            response = self.post(signing.dumps(value, salt=salt))
            assert response.status_code == 400, salt
        assert not Comment.objects.exists()

    def test_a_token_for_a_deleted_object_is_refused(self) -> None:
        doomed = Article.objects.create(title="Doomed", slug="doomed")
        token = old_token(doomed)
        doomed.delete()
        response = self.post(token)
        assert response.status_code == 400
        assert b"no longer exists" in response.content
        assert not Comment.objects.exists()

    @override_settings(COMMENTS_PLUGIN={**QUIET, "TOKEN_MAX_AGE": 60})
    def test_an_expired_token_is_refused(self) -> None:
        response = self.post(old_token(self.article, seconds_ago=61))
        assert response.status_code == 400
        assert b"expired" in response.content
        assert not Comment.objects.exists()
        assert self.post(old_token(self.article, seconds_ago=30)).status_code == 302

    def test_a_token_from_the_future_gives_no_head_start(self) -> None:
        with mock.patch("time.time", return_value=time.time() + 3600):
            token = make_token(self.article)
        # Signing checks the age only one way; a future time must still not break anything.
        response = self.post(token)
        assert response.status_code in (302, 400)

    def test_another_objects_token_posts_to_that_object_not_this_one(self) -> None:
        response = self.post(old_token(self.other), next="/articles/mine/")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.object_pk == str(self.other.pk)

    def test_a_replayed_token_cannot_be_moved_to_another_object(self) -> None:
        token = old_token(self.article)
        assert self.post(token).status_code == 302
        assert self.post(token, body="Again").status_code == 302
        assert set(Comment.objects.values_list("object_pk", flat=True)) == {str(self.article.pk)}


@override_settings(COMMENTS_PLUGIN=QUIET)
class ParentTamperingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Mine", slug="mine")
        cls.other = Article.objects.create(title="Other", slug="other")
        cls.token = old_token(cls.article)

    def post(self, parent: object) -> object:
        data = {"name": "Eve", "email": "eve@example.com", "body": "Reply", "token": self.token}
        return Client(raise_request_exception=False).post(POST_URL, data | {"parent": parent})

    def test_a_parent_on_another_object_is_refused(self) -> None:
        foreign = make_comment(self.other)
        response = self.post(foreign.pk)
        assert response.status_code == 400
        assert b"not on this page" in response.content
        assert Comment.objects.count() == 1

    def test_a_spam_or_trashed_parent_is_refused(self) -> None:
        for status in (Status.SPAM, Status.TRASH):
            parent = make_comment(self.article, status=status)
            assert self.post(parent.pk).status_code == 400, status
        assert Comment.objects.count() == 2

    def test_a_parent_that_does_not_exist_is_refused(self) -> None:
        assert self.post(987654).status_code == 400
        assert not Comment.objects.exists()

    def test_a_valid_parent_sets_thread_and_depth_from_the_database(self) -> None:
        root = make_comment(self.article)
        child = make_comment(self.article, parent=root)
        response = self.post(child.pk)
        assert response.status_code == 302
        reply = Comment.objects.latest("pk")
        assert (reply.parent_id, reply.thread_id, reply.depth) == (child.pk, root.pk, 2)


@override_settings(COMMENTS_PLUGIN={**QUIET, "MODERATE_ALL": True})
class ExtraFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Mine", slug="mine")
        cls.staff = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")

    def test_status_score_user_ip_and_thread_fields_posted_by_a_visitor_are_ignored(self) -> None:
        other = Article.objects.create(title="Other", slug="other")
        data = {
            "name": "Eve",
            "email": "eve@example.com",
            "body": "Hi",
            "token": old_token(self.article),
            "status": Status.APPROVED,
            "spam_score": "-100",
            "spam_reasons": "[]",
            "user": str(self.staff.pk),
            "user_id": str(self.staff.pk),
            "ip_address": "10.9.8.7",
            "user_agent": "Forged",
            "depth": "0",
            "thread": "1",
            "submitted_at": "2000-01-01T00:00:00Z",
            "content_type": "1",
            "object_pk": str(other.pk),
            "flag_count": "-5",
            "learned_as": "ham",
            "is_moderator": "1",
            "import_source": "wordpress",
        }
        response = self.client.post(
            POST_URL,
            data,
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR="10.9.8.7",
            HTTP_USER_AGENT="Real",
        )
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.status == Status.PENDING
        assert comment.spam_score == 0
        assert comment.user_id is None
        assert comment.ip_address == "192.0.2.1"
        assert comment.user_agent == "Real"
        assert comment.object_pk == str(self.article.pk)
        assert comment.thread_id is None and comment.depth == 0
        assert comment.flag_count == 0 and comment.learned_as == "" and comment.import_source == ""
        assert comment.submitted_at.year > 2000

    def test_a_forged_pending_cookie_shows_no_one_elses_held_comment(self) -> None:
        held = make_comment(self.article, "Secret held text", status=Status.PENDING)
        self.client.cookies[PENDING_COOKIE] = f"{held.pk}:forged-signature"
        page = self.client.get("/articles/mine/").content.decode()
        assert "Secret held text" not in page
        response = self.client.get(f"/comments/c/{held.pk}/")
        assert response.status_code == 404

    def test_a_pending_cookie_signed_for_another_purpose_is_ignored(self) -> None:
        held = make_comment(self.article, "Secret held text", status=Status.PENDING)
        value = signing.get_cookie_signer(salt=TOKEN_SALT).sign(str(held.pk))
        self.client.cookies[PENDING_COOKIE] = value
        assert "Secret held text" not in self.client.get("/articles/mine/").content.decode()


@override_settings(COMMENTS_PLUGIN=QUIET)
class OpenRedirectTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Mine", slug="mine")
        cls.token = old_token(cls.article)

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=False)

    def test_the_redirect_after_posting_never_leaves_the_site(self) -> None:
        for value in OPEN_REDIRECTS:
            response = self.client.post(
                POST_URL,
                {"name": "Eve", "email": "eve@example.com", "body": "Hi", "token": self.token}
                | {"next": value},
            )
            assert response.status_code in (302, 400), value
            if response.status_code == 302:
                assert is_on_site(response["Location"]), (value, response["Location"])

    def test_an_on_site_next_is_followed(self) -> None:
        response = self.client.post(
            POST_URL,
            {"name": "Eve", "email": "eve@example.com", "body": "Hi", "token": self.token}
            | {"next": "/articles/mine/?sort=new"},
        )
        assert response["Location"].startswith("/articles/mine/?sort=new#comment-")

    def test_the_report_pages_never_link_or_redirect_off_site(self) -> None:
        comment = make_comment(self.article)
        for value in OPEN_REDIRECTS:
            for method in ("get", "post"):
                response = getattr(self.client, method)(
                    f"/comments/c/{comment.pk}/flag/", {"next": value, "reason": "spam"}
                )
                assert response.status_code in (200, 302, 403, 429), (method, value)
                if response.status_code == 302:
                    assert is_on_site(response["Location"]), (value, response["Location"])
                html = audit(response.content.decode())
                hrefs = [e.attrs["href"] for e in html.elements if "href" in e.attrs]
                assert all(is_on_site(href) for href in hrefs), (method, value, hrefs)

    def test_the_checker_itself_flags_off_site_urls(self) -> None:
        # The assertions above are only as good as is_on_site: make sure it can say no.
        assert not any(
            is_on_site(v) for v in ("//evil.example", "/\\evil.example", "java\tscript:x")
        )
        assert is_on_site("/articles/mine/#comment-1")
