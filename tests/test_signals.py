from django.test import TestCase

from comments_plugin import operations
from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment
from comments_plugin.signals import (
    comment_spam_checked,
    comment_status_changed,
    comment_was_posted,
    comment_will_be_posted,
)
from comments_plugin.spam import Decision, Verdict
from tests.testapp.helpers import form_data
from tests.testapp.models import Article


class Recorder:
    def __init__(self, signal, test):
        self.calls: list[dict] = []
        signal.connect(self)
        test.addCleanup(signal.disconnect, self)

    def __call__(self, sender, **kwargs):
        # The comment is saved later; keep what it looked like when the signal was sent.
        saved = getattr(kwargs.get("comment"), "pk", None) is not None
        self.calls.append({"sender": sender, "was_saved": saved, **kwargs})


class SignalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def post(self, **extra):
        return self.client.post("/comments/post/", form_data(self.article, **extra))

    def test_will_be_posted_is_sent_with_the_unsaved_comment_and_request(self):
        calls = Recorder(comment_will_be_posted, self)
        self.post()
        (call,) = calls.calls
        assert call["sender"] is Comment
        assert not call["was_saved"] and call["comment"].body.startswith("I tried step")
        assert call["request"].path == "/comments/post/"

    def test_a_will_be_posted_receiver_can_veto_with_a_message(self):
        def veto(sender, comment, **kwargs):
            raise CommentRejected("Not today.")

        comment_will_be_posted.connect(veto)
        self.addCleanup(comment_will_be_posted.disconnect, veto)
        response = self.post()
        assert response.status_code == 400
        assert "Not today." in response.content.decode()
        assert not Comment.objects.exists()

    def test_was_posted_is_sent_after_saving_with_the_decision(self):
        calls = Recorder(comment_was_posted, self)
        self.post()
        (call,) = calls.calls
        assert call["was_saved"] and call["comment"].pk == Comment.objects.get().pk
        assert call["decision"] == Decision.APPROVE

    def test_was_posted_is_not_sent_for_a_discarded_comment(self):
        calls = Recorder(comment_was_posted, self)
        self.post(homepage="bot")
        assert calls.calls == []

    def test_a_spam_checked_receiver_can_add_a_verdict(self):
        def add(sender, verdicts, **kwargs):
            verdicts.append(Verdict(filter="mine", code="mine", score=5.0))

        comment_spam_checked.connect(add)
        self.addCleanup(comment_spam_checked.disconnect, add)
        self.post()
        comment = Comment.objects.get()
        assert comment.status == "spam"
        assert comment.spam_reasons[-1]["code"] == "mine"

    def test_status_changed_is_sent_by_operations_not_by_posting(self):
        calls = Recorder(comment_status_changed, self)
        self.post()
        assert calls.calls == []
        operations.trash(Comment.objects.get())
        assert [c["action"] for c in calls.calls] == ["trash"]
