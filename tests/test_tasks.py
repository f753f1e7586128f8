from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.test import TestCase, override_settings

from comments_plugin import operations, tasks
from comments_plugin.models import Status
from comments_plugin.moderation import CommentPolicy, moderator
from tests.testapp.helpers import form_data, make_comment
from tests.testapp.models import Article

try:
    from django.tasks import task_backends

    BACKENDS = "django.tasks.backends"
except ImportError:  # Django 5.2: the backport
    from django_tasks import task_backends

    BACKENDS = "django_tasks.backends"

DUMMY = {"default": {"BACKEND": f"{BACKENDS}.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": f"{BACKENDS}.immediate.ImmediateBackend"}}
SITE = {"SITE_URL": "https://news.example", "MODERATOR_EMAILS": ["mods@example.com"]}


class EditorPolicy(CommentPolicy):
    def get_author_email(self, obj):
        return "editor@example.com"


class TaskTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Soup tips", slug="soup")

    def setUp(self):
        moderator.register(Article, EditorPolicy)
        self.addCleanup(moderator.unregister, Article)

    def post(self, *, user=None, name="Ann", email="ann@example.com"):
        comment = operations.build_comment(
            target=self.article,
            body="Is it salty?",
            author_name=name,
            author_email=email,
            user=user,
        )
        with self.captureOnCommitCallbacks(execute=True):
            return operations.post_comment(comment).comment


@override_settings(
    TASKS=IMMEDIATE, COMMENTS_PLUGIN={**SITE, "SPAM_FILTERS": [], "MODERATE_ALL": True}
)
class HeldNotificationTests(TaskTestCase):
    def test_moderators_get_a_mail_with_an_absolute_link_to_the_admin_page(self):
        comment = self.post()
        [message] = mail.outbox
        assert message.to == ["mods@example.com"]
        assert message.subject == "Comment by Ann on “Soup tips” awaits moderation"
        assert (
            f"https://news.example/admin/comments_plugin/comment/{comment.pk}/change/"
            in message.body
        )
        assert "https://news.example/admin/comments_plugin/comment/?status=pending" in message.body
        assert "Is it salty?" in message.body

    def test_a_comment_held_by_reports_is_announced_too(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        with self.captureOnCommitCallbacks(execute=True):
            operations.hold(comment, source="flags")
        assert len(mail.outbox) == 1

    def test_a_comment_moderated_before_the_task_ran_is_not_announced(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        assert tasks.notify_moderators.call(comment.pk) == 0
        assert mail.outbox == []

    @override_settings(
        COMMENTS_PLUGIN={"SPAM_FILTERS": [], "MODERATE_ALL": True, "NOTIFY_MODERATORS": False}
    )
    def test_the_setting_turns_it_off(self):
        self.post()
        assert mail.outbox == []

    def test_names_with_line_breaks_cannot_add_headers(self):
        self.post(name="Eve\r\nBcc: victim@example.com\nX-Evil: 1")
        [message] = mail.outbox
        raw = message.message().as_string()
        assert "\nBcc:" not in raw and "\nX-Evil:" not in raw
        assert message.subject.startswith("Comment by Eve Bcc: victim@example.com X-Evil: 1")
        assert message.recipients() == ["mods@example.com"]

    def test_the_link_uses_the_request_host_when_no_site_url_is_set(self):
        site = {"MODERATE_ALL": True, "MODERATOR_EMAILS": ["m@example.com"]}
        with self.settings(COMMENTS_PLUGIN=site), self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/comments/post/", form_data(self.article))
        assert response.status_code == 302
        [message] = mail.outbox
        assert "http://testserver/admin/comments_plugin/comment/" in message.body


@override_settings(TASKS=IMMEDIATE, COMMENTS_PLUGIN={"SPAM_FILTERS": [], "MODERATE_ALL": True})
class ModeratorAddressTests(TaskTestCase):
    def test_without_a_list_every_active_moderator_with_an_address_is_mailed(self):
        perm = Permission.objects.get(codename="moderate_comment")
        User.objects.create_superuser("root", "root@example.com", "pw")
        direct = User.objects.create_user("direct", "direct@example.com", is_staff=True)
        direct.user_permissions.add(perm)
        group = Group.objects.create(name="Moderators")
        group.permissions.add(perm)
        User.objects.create_user("grouped", "grouped@example.com").groups.add(group)
        User.objects.create_user("gone", "gone@example.com", is_active=False).groups.add(group)
        User.objects.create_user("reader", "reader@example.com")
        User.objects.create_superuser("nomail", "", "pw")
        self.post()
        # One message each, so moderators do not see each other's addresses.
        assert [m.to for m in mail.outbox] == [
            ["direct@example.com"],
            ["grouped@example.com"],
            ["root@example.com"],
        ]

    def test_nobody_to_tell_sends_nothing(self):
        self.post()
        assert mail.outbox == []


@override_settings(
    TASKS=IMMEDIATE, COMMENTS_PLUGIN={**SITE, "SPAM_FILTERS": [], "NOTIFY_AUTHOR": True}
)
class ApprovedNotificationTests(TaskTestCase):
    def test_the_author_hears_of_a_published_comment(self):
        comment = self.post()
        [message] = mail.outbox
        assert message.to == ["editor@example.com"]
        assert message.subject == "New comment by Ann on “Soup tips”"
        assert f"https://news.example/comments/c/{comment.pk}/" in message.body

    def test_the_author_hears_when_a_moderator_approves(self):
        comment = make_comment(self.article, status=Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            operations.approve(comment)
        assert [m.to for m in mail.outbox] == [["editor@example.com"]]

    def test_restoring_from_the_trash_is_not_news(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        operations.trash(comment)
        with self.captureOnCommitCallbacks(execute=True):
            operations.restore(comment)
        assert comment.status == Status.APPROVED
        assert mail.outbox == []

    def test_the_author_is_not_told_of_their_own_comment(self):
        self.post(email="EDITOR@example.com")
        assert mail.outbox == []

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [], "NOTIFY_AUTHOR": False})
    def test_the_setting_turns_it_off(self):
        self.post()
        assert mail.outbox == []

    def test_a_policy_without_an_author_sends_nothing(self):
        moderator.unregister(Article)
        moderator.register(Article, CommentPolicy)
        self.post()
        assert mail.outbox == []


@override_settings(
    TASKS=DUMMY,
    COMMENTS_PLUGIN={**SITE, "SPAM_FILTERS": [], "MODERATE_ALL": True, "NOTIFY_AUTHOR": True},
)
class DummyBackendTests(TaskTestCase):
    def setUp(self):
        super().setUp()
        task_backends["default"].clear()

    def test_a_held_comment_enqueues_the_task_instead_of_mailing(self):
        comment = self.post()
        assert mail.outbox == []
        [result] = task_backends["default"].results
        assert result.task.name == tasks.notify_moderators.name
        assert list(result.args) == [comment.pk, "https://news.example"]

    def test_nothing_is_enqueued_before_the_transaction_commits(self):
        comment = operations.build_comment(
            target=self.article, body="x", author_name="A", author_email="a@example.com"
        )
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            operations.post_comment(comment)
        assert task_backends["default"].results == []
        assert len(callbacks) == 1

    def test_approval_enqueues_the_author_task(self):
        comment = make_comment(self.article, status=Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            operations.approve(comment)
        [result] = task_backends["default"].results
        assert result.task.name == tasks.notify_author.name
        # Run as a worker would, later:
        assert result.task.call(*result.args) == 1
        assert mail.outbox[0].to == ["editor@example.com"]


@override_settings(
    TASKS=IMMEDIATE,
    COMMENTS_PLUGIN={
        "NOTIFY_AUTHOR": True,
        "MODERATOR_EMAILS": ["mods@example.com"],
        "FLAGS_TO_HOLD": 1,
    },
)
class RequestHostTests(TaskTestCase):
    """Without ``SITE_URL`` the links use the host of the request that changed the status."""

    def test_a_moderators_approval_mails_absolute_links(self):
        self.client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
        comment = make_comment(self.article, status=Status.PENDING)
        url = f"/admin/comments_plugin/comment/{comment.pk}/moderate/approve/"
        with self.captureOnCommitCallbacks(execute=True):
            assert self.client.post(url).status_code == 302
        [message] = mail.outbox
        assert f"http://testserver/comments/c/{comment.pk}/" in message.body

    def test_a_comment_held_by_a_report_mails_absolute_links(self):
        comment = make_comment(self.article, status=Status.APPROVED)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/comments/c/{comment.pk}/flag/")
        [message] = mail.outbox
        assert message.to == ["mods@example.com"]
        assert (
            f"http://testserver/admin/comments_plugin/comment/{comment.pk}/change/" in message.body
        )


class HeaderSafeTests(TestCase):
    def test_line_breaks_and_runs_of_space_become_one_space(self):
        assert tasks.header_safe("a\r\nb\n\tc  d") == "a b c d"

    def test_long_values_are_cut(self):
        assert len(tasks.header_safe("x" * 500)) == 150
