import datetime

from django.test import SimpleTestCase
from django.utils import timezone

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.timer import SubmitTimerFilter


def check(seconds_ago, **kwargs):
    issued = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return SubmitTimerFilter().check(Comment(), Submission(token_issued_at=issued, **kwargs))


class SubmitTimerFilterTests(SimpleTestCase):
    def test_a_form_sent_faster_than_a_person_types_scores(self):
        verdict = check(1)
        assert (verdict.code, verdict.score) == ("too_fast", 2.0)

    def test_a_form_replayed_days_later_scores_half(self):
        verdict = check(60 * 60 * 30)
        assert (verdict.code, verdict.score) == ("form_too_old", 1.0)

    def test_a_normal_pace_says_nothing(self):
        assert check(45) is None

    def test_moderators_and_missing_tokens_are_not_timed(self):
        assert check(0, is_moderator=True) is None
        assert SubmitTimerFilter().check(Comment(), Submission()) is None
