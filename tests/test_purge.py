"""``comments_purge``: the retention policy (spam, trash, IP addresses), safe from cron."""

from __future__ import annotations

import datetime
import io
import sys

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from comments_plugin import operations
from comments_plugin.models import Comment, Flag, ModerationEvent, Status
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


def run(**options: object) -> str:
    out = io.StringIO()
    call_command("comments_purge", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def moved(comment: Comment, status: str, when: datetime.datetime) -> None:
    """``comment`` got ``status`` at ``when`` (its audit row says so)."""
    Comment.objects.filter(pk=comment.pk).update(status=status)
    ModerationEvent.objects.create(
        comment=comment,
        action="spam",
        from_status=Status.APPROVED,
        to_status=status,
        created_at=when,
    )


class PurgeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Retention", slug="retention")
        old, new = days_ago(100), days_ago(1)
        cls.old_spam = make_comment(
            cls.article, "old spam", submitted_at=old, ip_address="192.0.2.1"
        )
        moved(cls.old_spam, Status.SPAM, old)
        cls.new_spam = make_comment(cls.article, "new spam", submitted_at=new)
        moved(cls.new_spam, Status.SPAM, new)
        cls.old_trash = make_comment(cls.article, "old trash", submitted_at=old)
        moved(cls.old_trash, Status.TRASH, old)
        # Written long ago, trashed yesterday: the retention period starts now.
        cls.recently_trashed = make_comment(cls.article, "recently trashed", submitted_at=old)
        moved(cls.recently_trashed, Status.TRASH, new)
        cls.old_approved = make_comment(
            cls.article, "old approved", submitted_at=days_ago(400), ip_address="192.0.2.2"
        )
        cls.new_approved = make_comment(
            cls.article, "new", submitted_at=new, ip_address="192.0.2.3"
        )
        Flag.objects.create(
            comment=cls.old_approved, ip_address="192.0.2.9", created_at=days_ago(400)
        )

    def alive(self) -> set[str]:
        return set(Comment.objects.values_list("body", flat=True))

    def test_defaults_delete_month_old_spam_and_trash_and_half_year_old_ips(self) -> None:
        out = run()
        assert self.alive() == {"new spam", "recently trashed", "old approved", "new"}
        assert "Deleted 1 spam comment(s) older than 30 day(s)." in out
        assert "Deleted 1 trashed comment(s) older than 30 day(s)." in out
        assert (
            "Removed the IP address of 1 comment(s) and 1 report(s) older than 180 day(s)." in out
        )
        assert Comment.objects.get(pk=self.old_approved.pk).ip_address is None
        assert Comment.objects.get(pk=self.new_approved.pk).ip_address == "192.0.2.3"
        assert Flag.objects.get().ip_address is None

    def test_a_second_run_has_nothing_left_to_do(self) -> None:
        run()
        out = run()
        assert "Deleted 0 spam" in out and "Deleted 0 trashed" in out and "of 0 comment(s)" in out
        assert len(self.alive()) == 4

    def test_dry_run_prints_counts_and_changes_nothing(self) -> None:
        out = run(dry_run=True)
        assert "Would delete 1 spam comment(s)" in out and "Would delete 1 trashed" in out
        assert "Would remove the IP address of 1 comment(s)" in out
        assert len(self.alive()) == 6
        assert Comment.objects.get(pk=self.old_approved.pk).ip_address == "192.0.2.2"

    @override_settings(
        COMMENTS_PLUGIN={
            "PURGE_SPAM_AFTER": None,
            "PURGE_TRASH_AFTER": 0,
            "ANONYMISE_IP_AFTER": None,
        }
    )
    def test_settings_choose_the_periods_and_none_keeps_forever(self) -> None:
        run()
        assert self.alive() == {"old spam", "new spam", "old approved", "new"}
        assert Comment.objects.get(pk=self.old_approved.pk).ip_address == "192.0.2.2"

    def test_options_override_the_settings(self) -> None:
        run(spam_days=0, trash_days=None, ip_days=0)
        assert self.alive() == {"old trash", "recently trashed", "old approved", "new"}
        assert not Comment.objects.filter(ip_address__isnull=False).exists()

    def test_a_negative_or_bad_number_of_days_is_a_clear_error(self) -> None:
        for value in ("-1", "soon"):
            with self.assertRaises(CommandError):
                call_command("comments_purge", f"--spam-days={value}", stdout=io.StringIO())
        assert len(self.alive()) == 6

    def test_a_period_longer_than_the_calendar_keeps_everything_or_is_a_clear_error(self) -> None:
        run(spam_days=1_000_000, trash_days=1_000_000, ip_days=1_000_000)
        assert len(self.alive()) == 6
        assert Comment.objects.get(pk=self.old_approved.pk).ip_address == "192.0.2.2"
        with self.assertRaisesMessage(CommandError, "use 'never'"):
            call_command("comments_purge", "--spam-days=99999999999", stdout=io.StringIO())

    def test_quiet_at_verbosity_zero(self) -> None:
        assert run(verbosity=0) == ""

    def test_spam_with_replies_in_another_status_is_kept_with_its_thread(self) -> None:
        reply = make_comment(self.article, "legit reply", parent=self.old_spam)
        run()
        assert "legit reply" in self.alive() and "old spam" in self.alive()
        reply.delete()
        run()
        assert "old spam" not in self.alive()

    def test_purging_only_touches_spam_and_trash(self) -> None:
        with self.assertRaises(ValueError):
            operations.purge(Status.APPROVED)

    def test_a_legit_reply_below_a_chain_of_old_spam_is_never_deleted(self) -> None:
        # approved root → old spam → old spam → approved: deleting the first spam reply
        # would cascade through the second to the approved grandchild.
        root = make_comment(self.article, "root")
        first = make_comment(self.article, "spam reply", parent=root)
        moved(first, Status.SPAM, days_ago(100))
        second = make_comment(self.article, "spam reply to spam", parent=first)
        moved(second, Status.SPAM, days_ago(100))
        make_comment(self.article, "legit grandchild", parent=second)
        assert operations.purge(Status.SPAM, older_than=datetime.timedelta(days=30)) == 1
        assert {"root", "spam reply", "spam reply to spam", "legit grandchild"} <= self.alive()

    def test_old_spam_stays_while_a_reply_below_it_is_younger_than_the_period(self) -> None:
        root = make_comment(self.article, "root")
        old = make_comment(self.article, "old spam reply", parent=root)
        moved(old, Status.SPAM, days_ago(100))
        young = make_comment(self.article, "young spam reply", parent=old)
        moved(young, Status.SPAM, days_ago(1))
        assert (
            operations.purge(Status.SPAM, older_than=datetime.timedelta(days=30), dry_run=True) == 1
        )
        run()
        assert {"old spam reply", "young spam reply"} <= self.alive()

    def test_a_thread_deeper_than_the_recursion_limit_is_deleted_without_a_crash(self) -> None:
        root = parent = make_comment(self.article, "deep root", status=Status.TRASH)
        for depth in range(sys.getrecursionlimit()):
            parent = make_comment(self.article, f"deep {depth}", parent=parent, status=Status.TRASH)
        assert operations.delete_permanently([root]) == sys.getrecursionlimit() + 1
        assert not any(body.startswith("deep") for body in self.alive())
