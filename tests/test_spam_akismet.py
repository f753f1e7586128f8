import os
import time
from unittest import mock

import akismet
import httpx
from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase, override_settings

from comments_plugin import operations
from comments_plugin.models import Status
from comments_plugin.spam import Decision, Submission
from comments_plugin.spam.filters.akismet import AkismetFilter
from tests.testapp.models import Article

CALLS: list[tuple[str, dict]] = []


class HamClient(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.HAM

    def comment_check(self, user_ip, **kwargs):
        CALLS.append(("check", {"user_ip": user_ip, **kwargs}))
        return super().comment_check(user_ip, **kwargs)

    def submit_spam(self, user_ip, **kwargs):
        CALLS.append(("submit-spam", {"user_ip": user_ip, **kwargs}))
        return super().submit_spam(user_ip, **kwargs)

    def submit_ham(self, user_ip, **kwargs):
        CALLS.append(("submit-ham", {"user_ip": user_ip, **kwargs}))
        return super().submit_ham(user_ip, **kwargs)


class SpamClient(HamClient):
    comment_check_response = akismet.CheckResponse.SPAM


class BlatantClient(HamClient):
    comment_check_response = akismet.CheckResponse.DISCARD


class UnreachableClient(akismet.SyncClient):
    def __init__(self, config=None, http_client=None):
        def refuse(request):
            raise httpx.ConnectError("no route to host", request=request)

        super().__init__(
            config=config, http_client=httpx.Client(transport=httpx.MockTransport(refuse))
        )


class HangingClient(HamClient):
    def comment_check(self, user_ip, **kwargs):
        time.sleep(0.5)
        return super().comment_check(user_ip, **kwargs)


def akismet_only(client, **options):
    return {
        "SPAM_FILTERS": [
            {
                "NAME": "comments_plugin.spam.filters.akismet.AkismetFilter",
                "OPTIONS": {
                    "API_KEY": "test-key",
                    "SITE_URL": "https://example.com/",
                    "CLIENT_CLASS": f"tests.test_spam_akismet.{client}",
                    **options,
                },
            }
        ]
    }


class AkismetFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        cls.moderator = get_user_model().objects.create_user("mod")

    def setUp(self):
        CALLS.clear()

    def post(self, body="Nice post"):
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.5", HTTP_USER_AGENT="Firefox")
        comment = operations.build_comment(
            target=self.article,
            body=body,
            author_name="Ann",
            author_email="a@example.com",
            request=request,
        )
        return operations.post_comment(
            comment, request=request, submission=Submission(request=request)
        )

    @override_settings(COMMENTS_PLUGIN=akismet_only("HamClient"))
    def test_ham_is_approved_and_akismet_got_the_comment(self):
        result = self.post()
        assert result.decision == Decision.APPROVE
        assert [v.code for v in result.verdicts] == ["akismet_ham"]
        kind, args = CALLS[0]
        assert kind == "check" and args["user_ip"] == "192.0.2.5"
        assert args["comment_content"] == "Nice post" and args["user_agent"] == "Firefox"

    @override_settings(COMMENTS_PLUGIN=akismet_only("SpamClient"))
    def test_spam_is_marked_spam(self):
        result = self.post()
        assert result.comment.status == Status.SPAM
        assert result.comment.spam_reasons[0]["code"] == "akismet_spam"

    @override_settings(COMMENTS_PLUGIN=akismet_only("BlatantClient", DISCARD_BLATANT=True))
    def test_blatant_spam_can_be_discarded(self):
        result = self.post()
        assert result.decision == Decision.DISCARD and result.comment is None

    @override_settings(COMMENTS_PLUGIN=akismet_only("UnreachableClient"))
    def test_when_akismet_is_unreachable_the_comment_is_held_not_lost(self):
        with self.assertLogs("comments_plugin.spam", "WARNING"):
            result = self.post()
        assert result.comment.status == Status.PENDING
        reason = result.comment.spam_reasons[0]
        assert reason["code"] == "akismet_unreachable" and reason["error"] is True

    @override_settings(COMMENTS_PLUGIN=akismet_only("HangingClient", TIMEOUT=0.05))
    def test_when_akismet_is_too_slow_the_comment_is_held(self):
        with self.assertLogs("comments_plugin.spam", "WARNING"):
            result = self.post()
        assert result.comment.status == Status.PENDING
        assert result.comment.spam_reasons[0]["code"] == "filter_timeout"

    @override_settings(COMMENTS_PLUGIN=akismet_only("HamClient"))
    def test_missed_spam_is_reported_in_a_background_task(self):
        comment = self.post().comment
        with self.captureOnCommitCallbacks(execute=True):
            operations.mark_spam(comment, user=self.moderator)
        assert [kind for kind, _args in CALLS] == ["check", "submit-spam"]
        assert CALLS[1][1]["comment_content"] == "Nice post"

    @override_settings(COMMENTS_PLUGIN=akismet_only("SpamClient"))
    def test_a_false_positive_is_reported_as_ham(self):
        comment = self.post().comment
        with self.captureOnCommitCallbacks(execute=True):
            operations.mark_ham(comment, user=self.moderator)
        assert [kind for kind, _args in CALLS] == ["check", "submit-ham"]

    @override_settings(COMMENTS_PLUGIN=akismet_only("SpamClient"))
    def test_agreeing_with_akismet_reports_nothing(self):
        comment = self.post().comment
        with self.captureOnCommitCallbacks(execute=True):
            operations.hold(comment, user=self.moderator)
            operations.mark_spam(comment, user=self.moderator)
        assert [kind for kind, _args in CALLS] == ["check"]

    def test_comments_without_an_ip_address_are_not_sent(self):
        flt = AkismetFilter(
            CLIENT_CLASS="tests.test_spam_akismet.SpamClient",
            API_KEY="k",
            SITE_URL="https://example.com/",
        )
        comment = operations.build_comment(target=self.article, body="x", author_name="A")
        assert flt.check(comment, Submission()) is None
        assert CALLS == []


class AkismetOptionTests(TestCase):
    def test_key_and_site_url_go_together(self):
        errors = AkismetFilter.check_options({"API_KEY": "k"}, 2)
        assert [e.id for e in errors] == ["comments_plugin.E015"]

    def test_an_unimportable_client_class_is_reported(self):
        options = {"CLIENT_CLASS": "nowhere.Client", "API_KEY": "k", "SITE_URL": "https://e.com"}
        errors = AkismetFilter.check_options(options, 2)
        assert [e.id for e in errors] == ["comments_plugin.E015"]

    def test_no_key_anywhere_is_a_warning(self):
        with mock.patch.dict(os.environ, clear=False) as environ:
            environ.pop("PYTHON_AKISMET_API_KEY", None)
            errors = AkismetFilter.check_options({}, 2)
        assert [e.id for e in errors] == ["comments_plugin.W015"]

    def test_a_key_in_the_environment_is_enough(self):
        with mock.patch.dict(os.environ, {"PYTHON_AKISMET_API_KEY": "k"}):
            assert AkismetFilter.check_options({}, 2) == []

    def test_option_types_are_checked(self):
        errors = AkismetFilter.check_options(
            {"TIMEOUT": "3", "API_KEY": "k", "SITE_URL": "https://e.com"}, 2
        )
        assert [e.id for e in errors] == ["comments_plugin.E014"]
