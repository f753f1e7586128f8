import re
import time
from unittest import mock

from django.test import TestCase

from comments_plugin.forms import make_token
from comments_plugin.models import Comment, Status
from tests.testapp.models import Article


class PostingSmokeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello <world>", slug="hello")

    def post(self, **extra):
        with mock.patch("time.time", return_value=time.time() - 60):
            token = make_token(self.article)
        data = {"name": "Ann", "email": "ann-secret@example.com", "url": "", "body": "Nice post!\n\nSecond para", "token": token, "next": "", **extra}
        return self.client.post("/comments/post/", data)

    def test_posting_stores_an_approved_comment_and_redirects_to_it(self):
        response = self.post()
        comment = Comment.objects.get()
        assert comment.status == Status.APPROVED, comment.spam_reasons
        assert response.status_code == 302
        assert response["Location"] == f"/articles/hello/#comment-{comment.pk}"
        page = self.client.get("/articles/hello/").content.decode()
        assert "1 response to “Hello &lt;world&gt;”" in re.sub(r"\s+", " ", page) or "One response to" in page
        assert "ann-secret" not in page
        assert "Your email address will not be published." in page

    def test_reply_nests_under_parent(self):
        self.post()
        parent = Comment.objects.get()
        self.post(parent=parent.pk, body="A reply")
        reply = Comment.objects.exclude(pk=parent.pk).get()
        assert reply.parent_id == parent.pk and reply.thread_id == parent.pk and reply.depth == 1
        page = self.client.get("/articles/hello/").content.decode()
        assert '<ol class="children">' in page
