from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.honeypot import HONEYPOT_FIELD, HoneypotFilter


class HoneypotFilterTests(SimpleTestCase):
    def test_a_filled_honeypot_discards_the_comment(self):
        verdict = HoneypotFilter().check(Comment(), Submission(form_data={HONEYPOT_FIELD: "x"}))
        assert verdict.discard and verdict.score == 10.0

    def test_an_empty_honeypot_says_nothing(self):
        assert (
            HoneypotFilter().check(Comment(), Submission(form_data={HONEYPOT_FIELD: " "})) is None
        )

    def test_discard_can_be_turned_into_a_score(self):
        flt = HoneypotFilter(DISCARD=False, SCORE=3)
        verdict = flt.check(Comment(), Submission(form_data={HONEYPOT_FIELD: "x"}))
        assert not verdict.discard and verdict.score == 3.0
