from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.links import LinkCountFilter


def check(flt, body, name="Ann"):
    return {v.code: v.score for v in flt.check(Comment(body=body, author_name=name), Submission())}


class LinkCountFilterTests(SimpleTestCase):
    def test_one_link_adds_a_little_but_does_not_hold_on_its_own(self):
        assert check(LinkCountFilter(), "See https://example.com for details.") == {"link": 0.5}
        assert check(LinkCountFilter(ONE_LINK_SCORE=0), "See https://example.com too.") == {}

    def test_links_to_a_moment_of_a_video_are_quotes_not_links(self):
        body = "Best part: https://www.youtube.com/watch?v=abc&t=2m19s and youtu.be/abc?t=95"
        assert check(LinkCountFilter(), body) == {}

    def test_two_links_hold_like_wordpress(self):
        assert check(LinkCountFilter(), "Compare https://a.example.com and www.b.org") == {
            "many_links": 1.0
        }

    def test_each_extra_link_adds_to_the_score(self):
        body = "Links: " + " ".join(f"https://e{i}.example.com" for i in range(6))
        assert check(LinkCountFilter(), body) == {"many_links": 3.0}

    def test_a_domain_in_the_author_name_weighs_heavily(self):
        assert check(LinkCountFilter(), "Hello", name="Cheap pills at pills.ru") == {
            "link_in_name": 2.0
        }

    def test_options_change_the_limit_and_scores(self):
        flt = LinkCountFilter(MAX_LINKS=1, SCORE=0.5, AUTHOR_NAME_SCORE=5)
        assert check(flt, "Details at https://example.com", name="www.x.com") == {
            "many_links": 0.5,
            "link_in_name": 5.0,
        }

    def test_a_comment_that_is_only_a_link_scores(self):
        assert check(LinkCountFilter(), " https://example.com/page ") == {
            "link": 0.5,
            "link_only": 1.0,
        }

    def test_shortened_and_referral_links_score(self):
        flt = LinkCountFilter(ONE_LINK_SCORE=0)
        assert check(flt, "Watch this: http://bit.ly/abc") == {"hidden_link": 1.0}
        assert check(flt, "Free game http://game.example/?ref=5242575") == {"hidden_link": 1.0}
        assert check(flt, "The docs: https://example.com/?page=2") == {}

    def test_any_public_shortener_and_referral_parameters_by_name_score(self):
        flt = LinkCountFilter(ONE_LINK_SCORE=0)
        for body in (
            "the fix is at https://tinyurl.com/abc",
            "the fix is at https://t.co/xyz",
            "the fix is at https://is.gd/q1",
            "the fix is at https://shop.example/item?affiliate_id=77",
            "the fix is at https://shop.example/item?referral=me",
            "the fix is at https://shop.example/item?partner=9",
        ):
            assert check(flt, body) == {"hidden_link": 1.0}, body

    def test_a_shortener_counts_with_its_subdomains_but_not_as_the_end_of_another_name(self):
        flt = LinkCountFilter(ONE_LINK_SCORE=0, SHORTENERS=["bit.ly", "go.example.org"])
        for url in ("http://m.bit.ly/x", "https://go.example.org/a", "bit.ly/x"):
            assert check(flt, f"the answer is at {url}") == {"hidden_link": 1.0}, url
        for url in ("http://notbit.ly/x", "https://example.org/a", "https://t.co/a"):
            assert check(flt, f"the answer is at {url}") == {}, url

    def test_disguised_and_new_top_level_domain_links_are_counted(self):
        flt = LinkCountFilter()
        for body in ("cheap at evil[.]shop and hxxp://evil.online/x", "evil.top, evil(dot)site"):
            assert check(flt, body) == {"many_links": 1.0}, body
