"""CSRF protection on every view that changes something, with Django's checks enforced."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, TestCase, override_settings

from comments_plugin.models import Comment, Flag, Status
from tests.testapp.helpers import make_comment, old_token
from tests.testapp.models import Article

QUIET = {"SPAM_FILTERS": [], "ALLOW_ANONYMOUS_FLAGS": True}


def csrf_token_of(client: Client, url: str) -> str:
    """Load ``url`` the way a browser would, and read back the CSRF cookie it set."""
    response = client.get(url)
    assert response.status_code == 200, url
    return client.cookies["csrftoken"].value


def spam_action() -> str:
    """The name of the admin's bulk "mark as spam" action."""
    names = [a if isinstance(a, str) else a.__name__ for a in admin.site._registry[Comment].actions]
    return next(name for name in names if "spam" in name and "not" not in name)


@override_settings(COMMENTS_PLUGIN=QUIET)
class CsrfTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Mine", slug="mine")
        cls.admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")

    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.comment = make_comment(self.article, "Original")

    def comment_data(self) -> dict[str, str]:
        return {
            "name": "Eve",
            "email": "eve@example.com",
            "body": "New",
            "token": old_token(self.article),
        }

    def test_posting_a_comment_without_the_token_is_forbidden(self) -> None:
        response = self.client.post("/comments/post/", self.comment_data())
        assert response.status_code == 403
        assert Comment.objects.count() == 1

    def test_posting_a_comment_with_a_wrong_token_is_forbidden(self) -> None:
        csrf_token_of(self.client, "/articles/mine/")
        data = self.comment_data() | {"csrfmiddlewaretoken": "x" * 64}
        assert self.client.post("/comments/post/", data).status_code == 403
        assert Comment.objects.count() == 1

    def test_posting_a_comment_with_the_pages_token_works(self) -> None:
        token = csrf_token_of(self.client, "/articles/mine/")
        data = self.comment_data() | {"csrfmiddlewaretoken": token}
        assert self.client.post("/comments/post/", data).status_code == 302
        assert Comment.objects.count() == 2

    def test_reporting_a_comment_without_the_token_is_forbidden(self) -> None:
        response = self.client.post(f"/comments/c/{self.comment.pk}/flag/", {"reason": "x"})
        assert response.status_code == 403
        assert not Flag.objects.exists()

    def test_reporting_a_comment_with_the_token_works(self) -> None:
        token = csrf_token_of(self.client, f"/comments/c/{self.comment.pk}/flag/")
        response = self.client.post(
            f"/comments/c/{self.comment.pk}/flag/", {"reason": "x", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 200
        assert Flag.objects.count() == 1

    def test_admin_actions_without_the_token_are_forbidden(self) -> None:
        self.client.force_login(self.admin)
        data = {"action": spam_action(), "_selected_action": [str(self.comment.pk)]}
        response = self.client.post("/admin/comments_plugin/comment/", data)
        assert response.status_code == 403
        self.comment.refresh_from_db()
        assert self.comment.status == Status.APPROVED

    def test_admin_actions_with_the_token_work(self) -> None:
        self.client.force_login(self.admin)
        token = csrf_token_of(self.client, "/admin/comments_plugin/comment/?status=approved")
        data = {
            "action": spam_action(),
            "_selected_action": [str(self.comment.pk)],
            "csrfmiddlewaretoken": token,
        }
        self.client.post("/admin/comments_plugin/comment/", data)
        self.comment.refresh_from_db()
        assert self.comment.status == Status.SPAM

    def test_admin_edits_and_deletes_without_the_token_are_forbidden(self) -> None:
        self.client.force_login(self.admin)
        base = f"/admin/comments_plugin/comment/{self.comment.pk}"
        assert self.client.post(f"{base}/change/", {"body": "Edited"}).status_code == 403
        assert self.client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
        self.comment.refresh_from_db()
        assert self.comment.body == "Original"

    def test_admin_row_actions_and_empty_spam_without_the_token_are_forbidden(self) -> None:
        self.client.force_login(self.admin)
        spam = make_comment(self.article, "Spam", status=Status.SPAM)
        base = "/admin/comments_plugin/comment"
        assert self.client.post(f"{base}/{self.comment.pk}/moderate/spam/").status_code == 403
        assert (
            self.client.post(
                f"{base}/{self.comment.pk}/moderate/reply/", {"body": "Hi"}
            ).status_code
            == 403
        )
        assert self.client.post(f"{base}/empty/spam/").status_code == 403
        self.comment.refresh_from_db()
        assert self.comment.status == Status.APPROVED
        assert Comment.objects.filter(pk=spam.pk).exists()
        assert Comment.objects.count() == 2

    def test_admin_row_actions_with_the_token_work(self) -> None:
        self.client.force_login(self.admin)
        token = csrf_token_of(self.client, "/admin/comments_plugin/comment/?status=approved")
        url = f"/admin/comments_plugin/comment/{self.comment.pk}/moderate/spam/"
        self.client.post(url, {"csrfmiddlewaretoken": token})
        self.comment.refresh_from_db()
        assert self.comment.status == Status.SPAM
