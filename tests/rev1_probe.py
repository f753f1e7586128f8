from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments_plugin import operations
from comments_plugin.models import Comment, Flag, Status
from tests.test_admin import AdminTestCase, CHANGELIST, row_action_url, text, make_staff
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


class Probe(AdminTestCase):
    def test_history_html(self):
        from tests.test_admin import ChangePageTests
        c = make_comment(self.article, status=Status.PENDING)
        self.client.post(row_action_url(c, "spam"))
        page = text(self.client.get(reverse("admin:comments_plugin_comment_change", args=[c.pk])))
        i = page.index("field-actor")
        print(page[i-600:i+400])

    def test_restore_on_approved(self):
        c = make_comment(self.article, status=Status.APPROVED)
        r = self.client.post(row_action_url(c, "restore"))
        c.refresh_from_db()
        print("restore approved ->", c.status)

    def test_reply_on_spam(self):
        c = make_comment(self.article, status=Status.SPAM)
        r = self.client.post(row_action_url(c, "reply"), {"body": "hi"})
        print("reply on spam", r.status_code, list(Comment.objects.values_list("status", "parent_id")))

    def test_reply_deleted_target(self):
        a = Article.objects.create(title="x", slug="x")
        c = make_comment(a, status=Status.PENDING)
        a.delete()
        try:
            r = self.client.post(row_action_url(c, "reply"), {"body": "hi"})
            print("reply deleted target", r.status_code)
        except Exception as e:
            print("reply deleted target EXC", type(e), e)

    def test_nplus1_deleted(self):
        arts = [Article.objects.create(title=f"x{i}", slug=f"x{i}") for i in range(10)]
        for a in arts:
            make_comment(a, status=Status.PENDING)
        self.client.get(CHANGELIST, {"status": "pending"})
        with CaptureQueriesContext(connection) as q:
            self.client.get(CHANGELIST, {"status": "pending"})
        n1 = len(q)
        for a in arts:
            a.delete()
        with CaptureQueriesContext(connection) as q:
            r = self.client.get(CHANGELIST, {"status": "pending"})
        print("queries live", n1, "deleted", len(q))

    def test_change_form_status(self):
        c = make_comment(self.article, status=Status.PENDING)
        r = self.client.post(reverse("admin:comments_plugin_comment_change", args=[c.pk]), {
            "author_name": "Bea", "author_email": "", "author_url": "", "body": "x",
            "status": "approved", "flag_count": 0, "spam_score": 9, "user": self.moderator.pk,
            "flags-TOTAL_FORMS": 0, "flags-INITIAL_FORMS": 0, "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0})
        c.refresh_from_db()
        print("change form", r.status_code, c.status, c.flag_count, c.spam_score, c.user_id)

    def test_change_perm_no_moderate(self):
        u = make_staff("chg", "view_comment", "change_comment", "delete_comment")
        self.client.force_login(u)
        c = make_comment(self.article, status=Status.PENDING)
        r = self.client.post(reverse("admin:comments_plugin_comment_change", args=[c.pk]), {
            "author_name": "Bea", "author_email": "", "author_url": "", "body": "x"})
        print("change w/o moderate", r.status_code)
        r = self.client.post(reverse("admin:comments_plugin_comment_delete", args=[c.pk]), {"post": "yes"})
        print("delete w/o moderate", r.status_code, Comment.objects.filter(pk=c.pk).exists())
        r = self.client.post(CHANGELIST + "?status=pending", {"action": "delete_selected", "_selected_action": [c.pk], "post": "yes"})
        print("bulk delete w/o moderate", r.status_code, Comment.objects.filter(pk=c.pk).exists())
        r = self.client.get(reverse("admin:comments_plugin_comment_empty", args=["spam"]))
        print("empty GET w/o moderate", r.status_code)

    def test_empty_get(self):
        make_comment(self.article, status=Status.SPAM)
        r = self.client.get(reverse("admin:comments_plugin_comment_empty", args=["spam"]))
        print("empty GET", r.status_code, Comment.objects.count())

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 2})
    def test_rehold_after_approval(self):
        c = make_comment(self.article, status=Status.APPROVED)
        for ip in ("203.0.113.1", "203.0.113.2"):
            self.client.logout()
            self.client.post(reverse("comments_plugin:flag", args=[c.pk]), REMOTE_ADDR=ip)
        c.refresh_from_db(); print("after 2 flags", c.status)
        operations.approve(c, user=self.moderator)
        self.client.post(reverse("comments_plugin:flag", args=[c.pk]), REMOTE_ADDR="203.0.113.3")
        c.refresh_from_db(); print("after moderator approval + 1 flag", c.status)

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 3})
    def test_ipv6(self):
        self.client.logout()
        c = make_comment(self.article, status=Status.APPROVED)
        for i in range(1, 4):
            r = self.client.post(reverse("comments_plugin:flag", args=[c.pk]), REMOTE_ADDR=f"2001:db8::{i}")
        c.refresh_from_db(); print("ipv6 same /64", c.status, c.flag_count)

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 3})
    def test_noip(self):
        self.client.logout()
        c = make_comment(self.article, status=Status.APPROVED)
        for i in range(1, 4):
            r = self.client.post(reverse("comments_plugin:flag", args=[c.pk]), REMOTE_ADDR="")
        c.refresh_from_db(); print("no ip", c.status, c.flag_count)


from django.core import mail
from tests.test_tasks import IMMEDIATE, EditorPolicy
from comments_plugin.moderation import moderator as registry


@override_settings(TASKS=IMMEDIATE, COMMENTS_PLUGIN={"NOTIFY_AUTHOR": True, "MODERATOR_EMAILS": ["m@example.com"], "FLAGS_TO_HOLD": 1})
class ProbeMail(AdminTestCase):
    def test_admin_approve_mail_links(self):
        registry.register(Article, EditorPolicy)
        self.addCleanup(registry.unregister, Article)
        c = make_comment(self.article, status=Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(row_action_url(c, "approve"))
        print("APPROVE MAIL:", [m.body for m in mail.outbox])
        mail.outbox.clear()
        self.client.logout()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("comments_plugin:flag", args=[c.pk]), REMOTE_ADDR="203.0.113.1")
        print("FLAG HOLD MAIL:", [m.body for m in mail.outbox])
