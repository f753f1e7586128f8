from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase, override_settings

from comments_plugin import operations
from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment, ModerationEvent, Status
from comments_plugin.moderation import CommentPolicy, moderator
from comments_plugin.signals import comment_status_changed
from comments_plugin.spam import Decision
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


class SignalRecorder:
    def __init__(self, signal):
        self.calls: list[dict] = []
        self.signal = signal
        signal.connect(self)

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)

    def close(self):
        self.signal.disconnect(self)


class StatusChangeTests(TestCase):
    """Each operation moves the status, writes one audit row and sends one signal."""

    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.moderator = get_user_model().objects.create_user("mod")

    def setUp(self):
        self.changes = SignalRecorder(comment_status_changed)
        self.addCleanup(self.changes.close)

    def check(self, operation, start, expected, action):
        comment = make_comment(self.article, status=start)
        assert operation(comment, user=self.moderator, reason="because") is True
        comment.refresh_from_db()
        assert comment.status == expected
        event = ModerationEvent.objects.get(comment=comment)
        assert (event.from_status, event.to_status, event.action) == (start, expected, action)
        assert event.actor == self.moderator and event.source == "moderator"
        assert event.reason == "because"
        assert len(self.changes.calls) == 1
        call = self.changes.calls[0]
        assert (call["old_status"], call["new_status"], call["action"]) == (start, expected, action)
        assert call["user"] == self.moderator and call["comment"].pk == comment.pk

    def test_approve(self):
        self.check(operations.approve, Status.PENDING, Status.APPROVED, "approve")

    def test_hold(self):
        self.check(operations.hold, Status.APPROVED, Status.PENDING, "hold")

    def test_mark_spam(self):
        self.check(operations.mark_spam, Status.APPROVED, Status.SPAM, "spam")

    def test_mark_ham(self):
        self.check(operations.mark_ham, Status.SPAM, Status.APPROVED, "ham")

    def test_trash(self):
        self.check(operations.trash, Status.APPROVED, Status.TRASH, "trash")

    def test_restore_without_history_goes_to_pending(self):
        self.check(operations.restore, Status.TRASH, Status.PENDING, "restore")

    def test_restore_returns_to_the_status_before_the_trash(self):
        for before in (Status.APPROVED, Status.SPAM, Status.PENDING):
            comment = make_comment(self.article, status=before)
            operations.trash(comment)
            operations.restore(comment)
            comment.refresh_from_db()
            assert comment.status == before

    def test_restore_after_two_trashings_uses_the_latest(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        operations.trash(comment)
        operations.restore(comment)  # back to approved
        operations.mark_spam(comment)
        operations.trash(comment)
        operations.restore(comment)
        comment.refresh_from_db()
        assert comment.status == Status.SPAM

    def test_a_change_to_the_same_status_does_nothing(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        assert operations.approve(comment) is False
        assert not ModerationEvent.objects.filter(comment=comment).exists()
        assert self.changes.calls == []

    def test_a_system_change_records_its_source(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        operations.hold(comment, source="flags")
        event = ModerationEvent.objects.get(comment=comment)
        assert event.actor is None and event.source == "flags"

    def test_a_stale_instance_still_records_the_real_old_status(self):
        comment = make_comment(self.article, status=Status.PENDING)
        stale = Comment.objects.get(pk=comment.pk)
        operations.approve(comment)
        assert operations.mark_spam(stale) is True
        event = ModerationEvent.objects.filter(comment=comment).latest("pk")
        assert event.from_status == Status.APPROVED


class PostCommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def build(self, **kwargs):
        defaults = {"target": self.article, "body": "Hi", "author_name": "Ann"}
        return operations.build_comment(**{**defaults, **kwargs})

    def test_posting_offline_approves_and_stores_the_decision_on_the_comment(self):
        result = operations.post_comment(self.build())
        assert result.decision == Decision.APPROVE and result.is_public
        stored = Comment.objects.get(pk=result.comment.pk)
        assert stored.status == Status.APPROVED
        assert stored.spam_reasons == [v.as_dict() for v in result.verdicts]
        # One row a post: the audit trail starts with the first change made to it.
        assert not ModerationEvent.objects.exists()

    def test_the_first_change_records_the_status_the_comment_was_posted_with(self):
        with override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True}):
            comment = operations.post_comment(self.build()).comment
        operations.approve(comment, source="test")
        event = ModerationEvent.objects.get()
        assert (event.from_status, event.to_status) == (Status.PENDING, Status.APPROVED)

    def test_build_comment_fills_thread_fields_and_request_metadata(self):
        root = make_comment(self.article)
        child = make_comment(self.article, parent=root)
        request = RequestFactory().post("/", REMOTE_ADDR="not-an-ip", HTTP_USER_AGENT="x" * 600)
        comment = self.build(parent=child, request=request)
        assert (comment.parent, comment.thread_id, comment.depth) == (child, root.pk, 2)
        assert comment.ip_address is None
        assert len(comment.user_agent) == 500

    def test_a_member_comment_takes_name_and_email_from_the_account(self):
        user = get_user_model().objects.create_user("mem", email="mem@example.com")
        comment = self.build(author_name="", user=user)
        assert (comment.user, comment.author_name, comment.author_email) == (
            user,
            "mem",
            "mem@example.com",
        )

    @override_settings(COMMENTS_PLUGIN={"MODERATE_ALL": True})
    def test_moderate_all_holds_the_comment(self):
        result = operations.post_comment(self.build())
        assert result.comment.status == Status.PENDING
        assert not result.is_public

    def test_closed_discussions_reject_comments(self):
        class ClosedPolicy(CommentPolicy):
            enable_field = "comments_open"

        moderator.register(Article, ClosedPolicy)
        self.addCleanup(moderator.unregister, Article)
        self.article.comments_open = False
        with self.assertRaises(CommentRejected) as ctx:
            operations.post_comment(self.build())
        assert ctx.exception.status == 403
        assert not Comment.objects.exists()

    def test_too_deep_replies_are_rejected(self):
        parent = make_comment(self.article)
        for _ in range(5):
            parent = make_comment(self.article, parent=parent)
        with self.assertRaises(CommentRejected) as ctx:
            operations.post_comment(self.build(parent=parent))
        assert ctx.exception.code == "too_deep"

    def test_a_comment_on_a_deleted_object_is_refused_before_any_work(self):
        comment = self.build()
        comment.content_object = None
        with self.assertRaisesMessage(ValueError, "does not exist"):
            operations.post_comment(comment)
        assert not Comment.objects.exists()

    def test_a_reply_under_a_deleted_object_is_refused_instead_of_left_orphaned(self):
        parent = make_comment(self.article, status=Status.PENDING)
        parent.object_pk = "0"
        with self.assertRaisesMessage(ValueError, "does not exist"):
            operations.reply(parent, "Thanks", user=None)
        parent.refresh_from_db()
        assert parent.status == Status.PENDING
        assert Comment.objects.count() == 1


class PurgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def test_purge_deletes_only_the_given_status(self):
        make_comment(self.article, status=Status.SPAM)
        make_comment(self.article, status=Status.APPROVED)
        assert operations.purge(Status.SPAM, dry_run=True) == 1
        assert Comment.objects.count() == 2
        assert operations.purge(Status.SPAM) == 1
        assert list(Comment.objects.values_list("status", flat=True)) == [Status.APPROVED]

    def test_approved_comments_cannot_be_purged(self):
        with self.assertRaises(ValueError):
            operations.purge(Status.APPROVED)
