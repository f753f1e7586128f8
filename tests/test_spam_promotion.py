from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.promotion import SelfPromotionFilter


def score(body, **options):
    verdict = SelfPromotionFilter(**options).check(Comment(body=body), Submission())
    return None if verdict is None else verdict.score


class SelfPromotionFilterTests(SimpleTestCase):
    def test_naming_the_writers_channel_holds_alone(self):
        for body in (
            "check out my channel",
            "Visit my YouTube channel for more",
            "Check out our vids",
            "see my new blog",
            "Suscribe my channel",
            "Subscribe\xa0 to me!",
            "sub 4 sub",
            "Follow4follow",
            "\uff43\uff48\uff45\uff43\uff4b out my playlist",  # fullwidth
            "SUBSCRIBE!!!",
            "Like this comment if you agree",
            "Great song. Please like my comment",
            "Check out this video on YouTube:",
        ):
            assert score(body) >= 1.0, body

    def test_each_further_phrase_adds_to_the_score(self):
        assert score("Hey guys check out my new channel! Please subscribe") == 1.5
        # The same words are one sign, however many phrases match them.
        assert score("Hey guys check out my new channel!") == 1.0
        assert score("Like this comment if you agree") == 1.0
        assert score("plz subscribe, I sub back") == 1.0

    def test_a_weak_phrase_alone_stays_below_the_hold_threshold(self):
        for body in (
            "LIKE AND SUBSCRIBE",
            "I like this comment",
            "Come subscribe",
            "Subscribe if you agree",
            "help me get 100 subscribers by tomorrow",
            "Earn $500 a day, no experience needed",
            "I talk about it on my channel",
        ):
            assert score(body) == 0.5, body

    def test_asking_for_likes_on_the_comment_itself_holds_alone(self):
        for body in (
            "I just wanna see how many people like this comment",
            "PLEASE DON'T LIKE THIS COMMENT IF YOU ARE WATCHING IN 2015",
            "Do not like this comment if you are not watching in 2004",
            "\U0001f600 Like This Comment \U0001f600",
        ):
            assert score(body) >= 1.0, body

    def test_saying_one_likes_another_comment_is_not_bait(self):
        # First person: a reader agreeing with someone, at most one weak sign.
        for body in (
            "I like this comment",
            "We like this comment a lot",
            "I really like this comment, well said.",
            "I also like this comment",
        ):
            assert score(body) == 0.5, body

    def test_liking_a_comment_said_of_someone_or_as_a_comparison_is_not_bait(self):
        # Only an order ("Like this comment if…") or a count ("how many people like this
        # comment") holds alone: a reader's opinion of another comment is at most weak.
        for body in (
            "I don't like this comment at all, it's borderline racist.",
            "I would like this comment removed, moderators.",
            "Why would anyone like this comment?",
            "You may not like this comment, but the numbers are clear.",
            "Someone didn't like my comment and reported it.",
            "Guys, like this comment if you agree",
        ):
            assert score(body) == 0.5, body
        for body in (
            "Just like this comment says, the council ignored the warnings.",
            "Like this comment said, the vote was rigged.",
        ):
            assert score(body) is None, body

    def test_more_begging_for_subscribers_and_likes_is_weak(self):
        for body in (
            "Like and subscribe if you watch in 2015",
            "subscribers please",
            "can you guys subscribe for me",
            "give it a like",
            "Thumbs up this comment",
        ):
            assert score(body) == 0.5, body

    def test_everyday_english_is_not_promotion(self):
        for body in (
            "Please help, I get an error when I run migrate.",
            "Great idea, I'll check it out this weekend.",
            "Look at my example: the loop never ends when n is 0.",
            "I posted my page layout on the forum, same bug.",
            "my video card is an RTX 3060",
            "How do you make money with a blog like this?",
            "I'd like for like-minded people to meet offline.",
            "Please share the slides!",
            "Follow us on the mailing list.",
            "Wow, check this out: the benchmark doubled.",
            "I subscribe to your newsletter and I subscribe and read every issue.",
            "I will subscribe if you add an RSS feed.",
            "Subscribe to the newsletter for the next part.",
            "Watch my talk: it covers the same thing.",
            "How many people were at the meeting?",
            "I'd like this comment section to stay civil.",
            "He gave it a lot of thought.",
            "Subscribers please note the paywall change on Monday.",
            "I like and subscribe to the paper.",
            "Give me a like-minded candidate any day.",
            "The paper should give it a like button.",
        ):
            assert score(body) is None, body

    def test_talking_about_the_page_does_not(self):
        for body in (
            "Check out the official tutorial, it covers this.",
            "My favourite part is the chorus.",
            "I subscribed to the newsletter last year.",
            "You are so close to a million subscribers!",
            "We bought a like-for-like replacement.",
            "Check out the video on the project's site, it explains the setup.",
        ):
            assert score(body) is None, body

    def test_scores_are_options(self):
        assert score("check out my channel", SCORE=2.0, EXTRA_SCORE=0) == 2.0
        assert score("please subscribe", WEAK_SCORE=0.2) == 0.2

    def test_extra_phrases_are_strong(self):
        assert score("BUY our pills", EXTRA_PHRASES=[r"Buy our pills"]) == 1.0

    def test_phrases_that_cannot_be_combined_fail_the_system_check(self):
        options = {"EXTRA_PHRASES": ["(?P<x>a)", "(?P<x>b)"]}
        errors = SelfPromotionFilter.check_options(options, 0)
        assert [e.id for e in errors] == ["comments_plugin.E018"]

    def test_a_string_instead_of_a_list_fails_the_system_check(self):
        errors = SelfPromotionFilter.check_options({"EXTRA_PHRASES": "casino"}, 0)
        assert [e.id for e in errors] == ["comments_plugin.E014"]
