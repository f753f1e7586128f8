from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.promotion import SelfPromotionFilter


def score(body, **options):
    verdict = SelfPromotionFilter(**options).check(Comment(body=body), Submission())
    return None if verdict is None else verdict.score


class SelfPromotionFilterTests(SimpleTestCase):
    def test_asking_for_an_audience_scores(self):
        assert score("Hey guys check out my new channel!") == 1.5
        assert score("plz subscribe, I sub back") == 2.0
        assert score("Like this comment if you are watching in 2015") == 1.0

    def test_begging_for_subscribers_scores_however_it_is_spelt(self):
        for body in (
            "LIKE AND SUBSCRIBE",
            "Suscribe my channel please",
            "Subscribe\xa0 to me for the peace in the world!",
            "help me get 100 subscribers by tomorrow",
            "I am a rapper with 25000 subscribers..",
            "sub 4 sub",
            "Follow4follow",
        ):
            assert score(body), body

    def test_a_pasted_share_button_text_scores(self):
        assert score("Check out this video on YouTube:") == 1.0
        assert score("Take a look at this playlist on YouTub") == 1.0

    def test_talking_about_the_page_does_not(self):
        for body in (
            "Check out the official tutorial, it covers this.",
            "My favourite part is the chorus.",
            "I subscribed to the newsletter last year.",
            "C'mon, you are so close to 14,000,000 subscribers!",
            "We bought a like-for-like replacement.",
            "Check out the video on the project's site, it explains the setup.",
        ):
            assert score(body) is None, body

    def test_scores_are_options(self):
        assert score("check out my channel", SCORE=2.0, EXTRA_SCORE=0) == 2.0
