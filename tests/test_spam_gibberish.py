from django.test import SimpleTestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.analysis import fold, url_spans, word_tuple
from comments_plugin.spam.filters.gibberish import GibberishFilter
from tests.testapp.helpers import memory_kept


def codes(body, **options):
    verdicts = GibberishFilter(**options).check(Comment(body=body), Submission())
    return {v.code: v.score for v in verdicts}


class GibberishFilterTests(SimpleTestCase):
    def test_stray_long_numbers_are_number_garbage(self):
        assert codes("808988 24791You might be successful individuals. motor movers 451606") == {
            "number_garbage": 1.0
        }

    def test_formatted_numbers_times_and_versions_are_not_garbage(self):
        for body in (
            "It has 700,000,000 views, see 2:19 and version 10.0.19041",
            "Order 10023 arrived; call 555-0134.",
            "Paid $12500 for 120000 rows",
            "https://example.com/watch?v=123456789&t=987654",
        ):
            assert codes(body) == {}, body

    def test_two_long_numbers_such_as_zip_codes_are_not_garbage(self):
        assert codes("I moved from 90210 to 10001 last year.") == {}
        assert codes("My ticket numbers were 482913 and 482977.") == {}

    def test_min_numbers_option_sets_how_many_it_takes(self):
        assert codes("Ticket 123456", MIN_NUMBERS=1) == {"number_garbage": 1.0}

    def test_keyboard_mash_is_caught(self):
        assert codes("xkqzvbt fghjkl nice") == {"keyboard_mash": 1.0}

    def test_real_words_with_many_consonants_are_not_mash(self):
        assert codes("The strengths and rhythms of this twelfth chapter") == {}

    def test_letters_held_for_emphasis_are_not_mash(self):
        assert codes("looooooovvvvvvveeeeee ittttttt") == {}

    def test_one_word_repeated_is_caught(self):
        assert codes("buy " * 15 + "now and then more words here please ok") == {
            "repeated_word": 0.5
        }

    def test_a_word_making_up_exactly_the_share_is_caught_and_one_less_is_not(self):
        others = [f"word{letter}" for letter in "abcdefghijklmn"]
        assert codes(" ".join(["again"] * 6 + others)) == {"repeated_word": 0.5}  # 6 of 20
        assert codes(" ".join(["again"] * 5 + others + ["wordo"])) == {}  # 5 of 20

    def test_long_made_up_words_are_not_kept_in_memory(self):
        # One word each, 2,001 characters of four bytes (CJK Extension B, which NFKC keeps).
        bodies = ["\U00020000" * 2000 + chr(0x4E00 + i) for i in range(300)]
        flt = GibberishFilter()

        def check_all() -> None:
            for body in bodies:
                flt.check(Comment(body=body), Submission())
            # The shared memos of a comment's text (tested in test_spam_analysis.py) aside,
            # the filter keeps nothing of them: 300 x 8 kB before.
            for memo in (fold, url_spans, word_tuple):
                memo.cache_clear()

        kept = memory_kept(check_all)
        assert kept < 500_000, kept

    def test_long_and_short_words_are_judged_alike(self):
        mash = "qwrtpsdfghjklzxcvbnm"
        assert codes(f"{mash} {mash}x ok") == codes(f"{mash * 3} {mash * 3}x ok")
        assert codes(f"{mash * 3} {mash * 3}x ok") == {"keyboard_mash": 1.0}
