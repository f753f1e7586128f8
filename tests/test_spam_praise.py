from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.praise import GenericPraiseFilter


def score(body, **options):
    verdict = GenericPraiseFilter(**options).check(Comment(body=body), Submission())
    return None if verdict is None else verdict.score


class GenericPraiseFilterTests(SimpleTestCase):
    def test_each_move_of_spun_praise_scores_once(self):
        body = (
            "Hi there, I found your blog via Google. I have bookmarked it and "
            "I’ll be coming back again!"  # noqa: RUF001
        )
        # found_site, return_visit (twice: bookmarked, coming back): two moves.
        assert score(body) == 0.6

    def test_reworded_praise_makes_the_same_moves(self):
        body = (
            "Hey, this is my first visit. I found this forum and it is very useful, it "
            "assisted me a lot. I wish to return the favour and help others."
        )
        assert score(body) == 0.9

    def test_the_score_is_capped_below_the_hold_threshold(self):
        body = (
            "I am new here. I came across this blog. It helped me out a lot. "
            "I hope to give something back. Bookmarked it. Nice blog layout."
        )
        assert score(body) == 0.9

    def test_one_move_alone_scores_little(self):
        assert score("I am new here, but this cleared things up.") == 0.3

    def test_ordinary_thanks_are_not_template_praise(self):
        assert score("Thanks, the part about indexes was clear. Keep it up!") is None

    def test_look_alike_letters_do_not_hide_a_phrase(self):
        assert score("I cаme аcross this blog") == 0.3  # noqa: RUF001

    def test_extra_phrases_are_added(self):
        assert score("Nice casino review", EXTRA_PHRASES=[r"casino review"]) == 0.3

    def test_invalid_extra_phrases_fail_the_system_check(self):
        errors = GenericPraiseFilter.check_options({"EXTRA_PHRASES": ["("]}, 0)
        assert [e.id for e in errors] == ["comments_plugin.E018"]
