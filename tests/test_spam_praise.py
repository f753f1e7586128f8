from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.praise import GenericPraiseFilter


def score(body, **options):
    verdict = GenericPraiseFilter(**options).check(Comment(body=body), Submission())
    return None if verdict is None else verdict.score


class GenericPraiseFilterTests(SimpleTestCase):
    def test_a_spun_praise_comment_scores_per_stock_phrase(self):
        body = (
            "Hi there, I found your blog via Google. I have bookmarked it and "
            "I’ll be coming back again!"  # noqa: RUF001
        )
        assert score(body) == 1.5

    def test_the_score_is_capped(self):
        body = (
            "I am new here. First time here. I came across this blog. It helped me out a lot. "
            "I hope to give something back. Bookmarked it."
        )
        assert score(body) == 2.0

    def test_one_phrase_alone_does_not_hold(self):
        assert score("I am new here, but this cleared things up.") == 0.5

    def test_ordinary_thanks_are_not_template_praise(self):
        assert score("This was really helpful, thank you. Keep it up!") is None

    def test_extra_phrases_are_added(self):
        assert score("Nice casino review", EXTRA_PHRASES=[r"casino review"]) == 0.5

    def test_invalid_extra_phrases_fail_the_system_check(self):
        errors = GenericPraiseFilter.check_options({"EXTRA_PHRASES": ["("]}, 0)
        assert [e.id for e in errors] == ["comments_plugin.E015"]
