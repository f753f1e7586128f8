from unittest import mock

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.test import TestCase, override_settings
from django.urls import reverse

from comments_plugin import operations
from comments_plugin.models import Comment, Flag, ModerationEvent, Status
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


def flag_url(comment: Comment) -> str:
    return reverse("comments_plugin:flag", args=[comment.pk])


class FlagTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Soup", slug="soup")
        cls.comment = make_comment(cls.article, "You are all idiots.")
        cls.readers = [
            User.objects.create_user(f"reader{i}", f"r{i}@example.com") for i in range(4)
        ]

    def report(self, user=None, ip="203.0.113.1", **data):
        if user is not None:
            self.client.force_login(user)
        return self.client.post(flag_url(self.comment), data, REMOTE_ADDR=ip)


class ReportLinkTests(FlagTestCase):
    def test_published_comments_have_a_report_link(self):
        page = self.client.get("/articles/soup/").content.decode()
        assert f'href="{flag_url(self.comment)}"' in page
        assert ">Report</a>" in page

    def test_a_held_comment_shown_to_its_author_has_no_report_link(self):
        held = make_comment(self.article, status=Status.PENDING)
        page = self.client.get("/articles/soup/").content.decode()
        assert f'href="{flag_url(held)}"' not in page


class ReportViewTests(FlagTestCase):
    def test_the_link_opens_a_confirmation_form(self):
        response = self.client.get(flag_url(self.comment))
        page = response.content.decode()
        assert response.status_code == 200
        assert "You are all idiots." in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert not Flag.objects.exists()

    def test_a_report_is_recorded_and_thanked_for(self):
        response = self.report(self.readers[0], reason="Insulting")
        assert response.status_code == 200
        assert "Thank you for your report" in response.content.decode()
        report = Flag.objects.get()
        assert (report.user, report.reason, report.ip_address) == (
            self.readers[0],
            "Insulting",
            "203.0.113.1",
        )
        self.comment.refresh_from_db()
        assert self.comment.flag_count == 1

    def test_a_reader_reporting_twice_counts_once(self):
        self.report(self.readers[0])
        self.report(self.readers[0], ip="203.0.113.2")
        assert Flag.objects.count() == 1

    def test_a_members_report_sent_twice_at_once_counts_once(self):
        Flag.objects.create(comment=self.comment, user=self.readers[0])
        # The second request's check ran before the first one's report was stored.
        with mock.patch.object(QuerySet, "exists", return_value=False):
            assert operations.flag(self.comment, user=self.readers[0]) is None
        assert Flag.objects.count() == 1
        assert Comment.objects.get(pk=self.comment.pk).flag_count == 0

    def test_an_anonymous_address_reporting_twice_counts_once(self):
        self.report()
        self.report()
        assert Flag.objects.count() == 1
        self.report(ip="203.0.113.2")
        assert Flag.objects.count() == 2

    def test_addresses_of_one_ipv6_network_report_once(self):
        # An IPv6 subscriber holds a whole /64: counting addresses would let one person
        # hold any comment alone.
        for ip in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"):
            self.report(ip=ip)
        assert Flag.objects.count() == 1
        self.report(ip="2001:db8:1:3::1")
        assert Flag.objects.count() == 2

    def test_readers_without_an_address_count_as_one(self):
        self.report(ip="")
        self.report(ip="")
        assert Flag.objects.count() == 1

    def test_held_spam_and_trashed_comments_cannot_be_reported(self):
        for status in (Status.PENDING, Status.SPAM, Status.TRASH):
            comment = make_comment(self.article, status=status)
            assert self.client.post(flag_url(comment)).status_code == 404
        assert not Flag.objects.exists()

    def test_reporting_needs_a_csrf_token(self):
        self.client.handler.enforce_csrf_checks = True
        assert self.report().status_code == 403
        assert not Flag.objects.exists()

    def test_an_unsafe_next_is_not_offered_as_the_way_back(self):
        response = self.report(next="https://evil.example/")
        page = response.content.decode()
        assert "evil.example" not in page
        assert 'href="/articles/soup/"' in page


class ThresholdTests(FlagTestCase):
    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 3})
    def test_enough_reports_hold_the_comment(self):
        for reader in self.readers[:2]:
            self.report(reader)
        self.comment.refresh_from_db()
        assert self.comment.status == Status.APPROVED
        self.report(self.readers[2])
        self.comment.refresh_from_db()
        assert self.comment.status == Status.PENDING
        event = ModerationEvent.objects.get(comment=self.comment)
        assert (event.source, event.action, event.actor) == ("flags", "hold", None)
        assert "3 readers" in event.reason

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 1})
    def test_the_threshold_is_a_setting(self):
        self.report(self.readers[0])
        self.comment.refresh_from_db()
        assert self.comment.status == Status.PENDING

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 0})
    def test_zero_never_holds(self):
        for reader in self.readers:
            self.report(reader)
        self.comment.refresh_from_db()
        assert self.comment.status == Status.APPROVED
        assert self.comment.flag_count == 4

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 2})
    def test_a_comment_a_moderator_approved_is_held_only_by_new_reports(self):
        moderator = User.objects.create_user("mod")
        for reader in self.readers[:2]:
            self.report(reader)
        self.comment.refresh_from_db()
        assert self.comment.status == Status.PENDING
        operations.approve(self.comment, user=moderator)
        self.report(self.readers[2])
        self.comment.refresh_from_db()
        assert self.comment.status == Status.APPROVED
        self.report(self.readers[3])
        self.comment.refresh_from_db()
        assert self.comment.status == Status.PENDING

    @override_settings(COMMENTS_PLUGIN={"FLAGS_TO_HOLD": 1})
    def test_a_spam_comment_reported_through_the_operation_stays_spam(self):
        spam = make_comment(self.article, status=Status.SPAM)
        operations.flag(spam, user=self.readers[0])
        spam.refresh_from_db()
        assert spam.status == Status.SPAM


class AnonymousTests(FlagTestCase):
    @override_settings(COMMENTS_PLUGIN={"FLAG_RATE_LIMIT": 2})
    def test_anonymous_reports_are_rate_limited_per_address(self):
        others = [make_comment(self.article) for _ in range(3)]
        statuses = [
            self.client.post(flag_url(c), REMOTE_ADDR="203.0.113.5").status_code for c in others
        ]
        assert statuses == [200, 200, 429]
        assert Flag.objects.count() == 2
        # Another address has its own allowance.
        assert self.client.post(flag_url(others[2]), REMOTE_ADDR="203.0.113.6").status_code == 200

    @override_settings(COMMENTS_PLUGIN={"FLAG_RATE_LIMIT": 2})
    def test_an_ipv6_network_shares_one_allowance(self):
        others = [make_comment(self.article) for _ in range(3)]
        statuses = [
            self.client.post(flag_url(c), REMOTE_ADDR=f"2001:db8:5:6::{i}").status_code
            for i, c in enumerate(others, start=1)
        ]
        assert statuses == [200, 200, 429]

    @override_settings(COMMENTS_PLUGIN={"FLAG_RATE_LIMIT": 2})
    def test_requests_without_an_address_share_one_allowance(self):
        others = [make_comment(self.article) for _ in range(3)]
        statuses = [self.client.post(flag_url(c), REMOTE_ADDR="").status_code for c in others]
        assert statuses == [200, 200, 429]

    @override_settings(COMMENTS_PLUGIN={"FLAG_RATE_LIMIT": 1})
    def test_members_are_not_rate_limited(self):
        others = [make_comment(self.article) for _ in range(3)]
        self.client.force_login(self.readers[0])
        assert [self.client.post(flag_url(c)).status_code for c in others] == [200, 200, 200]

    @override_settings(COMMENTS_PLUGIN={"ALLOW_ANONYMOUS_FLAGS": False})
    def test_a_site_can_require_login_to_report(self):
        response = self.report()
        assert response.status_code == 403
        assert "Log in to report a comment." in response.content.decode()
        assert not Flag.objects.exists()
        assert self.report(self.readers[0]).status_code == 200


class ReporterNetworkTests(TestCase):
    def test_ipv4_counts_by_address_and_ipv6_by_its_64(self):
        assert operations.reporter_network("203.0.113.5") == "203.0.113.5/32"
        assert operations.reporter_network("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"

    def test_an_ipv4_client_of_a_dual_stack_socket_counts_by_its_ipv4_address(self):
        assert operations.reporter_network("::ffff:203.0.113.5") == "203.0.113.5/32"

    def test_no_address_is_one_unknown_reader(self):
        assert operations.reporter_network(None) == operations.reporter_network("") == "unknown"
