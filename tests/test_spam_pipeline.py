from unittest import mock

from django.core import checks
from django.test import TestCase, override_settings
from django.utils import translation

from comments_plugin import operations
from comments_plugin.models import Comment, Status
from comments_plugin.signals import comment_spam_checked
from comments_plugin.spam import (
    BaseFilter,
    Decision,
    Submission,
    Verdict,
    get_filters,
    run_pipeline,
)
from comments_plugin.spam.pipeline import combine, teach
from tests.testapp.models import Article


class Fixed(BaseFilter):
    name = "fixed"
    default_options = {"SCORE": 1.0}

    def check(self, comment, submission):
        return self.verdict("fixed", self.options["SCORE"], "fixed score")


class Broken(BaseFilter):
    name = "broken"

    def check(self, comment, submission):
        raise RuntimeError("boom")


class Unbuildable(BaseFilter):
    name = "unbuildable"

    def __init__(self, **options):
        raise ValueError("a bad option the checks did not catch")


class Translated(BaseFilter):
    name = "translated"

    def check(self, comment, submission):
        return self.verdict("translated", 0, translation.gettext("Yes"))


class Learner(BaseFilter):
    name = "learner"
    lessons: list = []

    def check(self, comment, submission):
        return None

    def learn(self, comment, label):
        self.lessons.append(label)
        raise RuntimeError("a learner that fails must not break moderation")


def config(*entries):
    return {
        "SPAM_FILTERS": [
            {"NAME": f"tests.test_spam_pipeline.{n}", "OPTIONS": o} for n, o in entries
        ]
    }


class CombineTests(TestCase):
    def verdicts(self, *scores, **flags):
        return [Verdict(filter="t", code="t", score=s, **flags) for s in scores]

    def test_scores_add_up_to_a_decision(self):
        assert combine(self.verdicts(0.5)) == (Decision.APPROVE, 0.5)
        assert combine(self.verdicts(0.5, 0.5)) == (Decision.HOLD, 1.0)
        assert combine(self.verdicts(2.0, 1.0)) == (Decision.SPAM, 3.0)
        assert combine(self.verdicts(2.0, -1.5)) == (Decision.APPROVE, 0.5)

    def test_an_error_holds_and_a_discard_drops(self):
        assert combine(self.verdicts(0, error=True))[0] == Decision.HOLD
        assert combine(self.verdicts(0, discard=True))[0] == Decision.DISCARD

    @override_settings(COMMENTS_PLUGIN={"HOLD_THRESHOLD": 2.0, "SPAM_THRESHOLD": 5.0})
    def test_thresholds_come_from_settings(self):
        assert combine(self.verdicts(1.5))[0] == Decision.APPROVE
        assert combine(self.verdicts(4.0))[0] == Decision.HOLD


class PipelineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")

    def comment(self):
        return operations.build_comment(target=self.article, body="Hi", author_name="Ann")

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"SCORE": 3})))
    def test_filter_options_come_from_settings(self):
        result = run_pipeline(self.comment())
        assert result.decision == Decision.SPAM and result.score == 3.0

    @override_settings(COMMENTS_PLUGIN=config(("Broken", {}), ("Fixed", {"SCORE": 0})))
    def test_a_failing_filter_holds_the_comment_and_records_why(self):
        with self.assertLogs("comments_plugin.spam", "ERROR"):
            result = operations.post_comment(self.comment())
        assert result.comment.status == Status.PENDING
        reason = result.comment.spam_reasons[0]
        assert reason["code"] == "filter_error" and "RuntimeError" in reason["message"]
        assert reason["error"] is True

    @override_settings(COMMENTS_PLUGIN=config(("Unbuildable", {}), ("Fixed", {"SCORE": 0})))
    def test_a_filter_that_cannot_be_created_holds_the_comment_instead_of_failing(self):
        with self.assertLogs("comments_plugin.spam", "ERROR"):
            result = operations.post_comment(self.comment())
        assert result.comment.pk is not None
        assert result.comment.status == Status.PENDING
        reason = result.comment.spam_reasons[0]
        assert reason["code"] == "filter_error" and "ValueError" in reason["message"]

    @override_settings(
        COMMENTS_PLUGIN=config(("Translated", {})), LANGUAGE_CODE="en", USE_I18N=True
    )
    def test_messages_are_written_in_the_sites_language_not_the_visitors(self):
        with translation.override("de"):
            assert translation.gettext("Yes") != "Yes"
            result = run_pipeline(self.comment())
        assert result.verdicts[0].message == "Yes"

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"SCORE": 0})))
    def test_a_receiver_of_comment_spam_checked_can_add_its_own_verdict(self):
        def receiver(sender, comment, verdicts, **kwargs):
            if "casino" in comment.body:
                verdicts.append(Verdict(filter="mine", code="casino", score=3, message="Casino"))

        comment_spam_checked.connect(receiver)
        self.addCleanup(comment_spam_checked.disconnect, receiver)
        comment = self.comment()
        comment.body = "casino"
        result = operations.post_comment(comment)
        assert result.comment.status == Status.SPAM
        assert [r["code"] for r in result.comment.spam_reasons] == ["fixed", "casino"]

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {})))
    def test_filters_are_created_once_and_again_after_a_settings_change(self):
        first = get_filters()
        assert get_filters() is first
        with override_settings(COMMENTS_PLUGIN=config(("Fixed", {"SCORE": 2}))):
            assert get_filters()[0].options["SCORE"] == 2

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {})))
    def test_the_settings_are_not_turned_into_a_key_for_every_comment(self):
        # The settings hand out a copy of the list each time; its entries are the same.
        get_filters()
        with mock.patch("comments_plugin.spam.pipeline.repr", create=True) as as_key:
            for _ in range(3):
                run_pipeline(self.comment())
        assert as_key.call_count == 0

    @override_settings(
        COMMENTS_PLUGIN=config(("Translated", {})), LANGUAGE_CODE="de", USE_I18N=True
    )
    def test_messages_are_written_in_the_sites_language_and_the_visitors_is_kept(self):
        with translation.override("de"):
            assert run_pipeline(self.comment()).verdicts[0].message == "Ja"
            assert translation.get_language() == "de"
        with translation.override("fr"):
            assert run_pipeline(self.comment()).verdicts[0].message == "Ja"
            assert translation.get_language() == "fr"

    @override_settings(COMMENTS_PLUGIN=config(("Learner", {})))
    def test_a_failing_learner_is_logged_and_moderation_goes_on(self):
        Learner.lessons = []
        comment = Comment.objects.create(
            content_object=self.article, body="x", author_name="A", status=Status.PENDING
        )
        with self.assertLogs("comments_plugin.spam", "ERROR"):
            teach(comment, "spam")
        assert Learner.lessons == ["spam"]

    def test_filters_that_need_a_request_are_skipped_offline(self):
        flt = Fixed()
        flt.needs_request = True
        assert run_pipeline(self.comment(), Submission(offline=True), filters=[flt]).verdicts == []


class FilterCheckTests(TestCase):
    def run_checks(self):
        return [e.id for e in checks.run_checks() if e.id.startswith("comments_plugin.E01")]

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"SCORE": 1, "SCROE": 2})))
    def test_unknown_options_are_reported(self):
        assert self.run_checks() == ["comments_plugin.E011"]

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"SCORE": "high"})))
    def test_options_of_the_wrong_type_are_reported(self):
        assert self.run_checks() == ["comments_plugin.E014"]

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"TIMEOUT": 1.5})))
    def test_the_documented_timeout_option_is_accepted(self):
        assert self.run_checks() == []

    @override_settings(COMMENTS_PLUGIN=config(("Fixed", {"TIMEOUT": "soon"})))
    def test_a_timeout_must_be_a_number(self):
        assert self.run_checks() == ["comments_plugin.E014"]

    def test_the_default_filters_pass_the_checks(self):
        assert self.run_checks() == []
