import re
import warnings
from unittest import mock

import pytest
from django.test import SimpleTestCase

from comments_plugin.spam.analysis import (
    ascii_letter_count,
    ascii_upper_count,
    body_hash,
    char_script,
    compiled_on_first_use,
    find_urls,
    fold,
    has_mixed_script_word,
    normalise_body,
    script_counts,
    scripts_for_languages,
    tokens,
    url_domain,
    url_re,
    url_spans,
    without_urls,
    word_tuple,
    words,
)
from tests.testapp.helpers import memory_kept


class CompiledOnFirstUseTests(SimpleTestCase):
    def test_the_pattern_is_compiled_on_the_first_call_only(self):
        with mock.patch("re.compile", wraps=re.compile) as compile_:
            pattern = compiled_on_first_use(r"ab+c", re.IGNORECASE)
            assert compile_.call_count == 0
            assert pattern().fullmatch("ABBC")
            assert pattern() is pattern()
        assert compile_.call_count == 1


class FindUrlsTests(SimpleTestCase):
    def test_links_with_scheme_www_and_bare_domains_are_found(self):
        text = "See https://a.example.com/x, www.b.org and kidsmediausa . com or shop.ru"
        assert find_urls(text) == [
            "https://a.example.com/x,",
            "www.b.org",
            "kidsmediausa.com",
            "shop.ru",
        ]

    def test_the_quick_look_for_links_misses_none_that_the_full_scan_finds(self):
        # url_spans() skips url_re() when the text lacks what every link has; Unicode letters
        # that IGNORECASE matches as a-z (the Kelvin sign, the long s) included.
        from comments_plugin.spam import analysis

        texts = [
            "See https://a.example.com/x, www.b.org and kidsmediausa . com or shop.ru",
            "WWW.SHOP.RU",
            "mail me at x.\u212aasino",  # KELVIN SIGN after the dot
            "go to ex.\u017fhop now",  # LATIN SMALL LETTER LONG S
            "hxxp://a.b",
            "ftp://files",
            "a . com",
            "x.1",
            "Plain text. No links here. Really!",
            "ends with a dot.",
            "www.-",
        ]
        texts += [
            f"{a}{sep}{b}"
            for a in ("a", "A", "\u212a")
            for sep in (".", " . ", "://")
            for b in ("com", "Z", "9", " ", "")
        ]
        for text in texts:
            expected = tuple(m.span() for m in url_re().finditer(text))
            assert url_spans(text) == expected, text
            if expected:
                assert analysis._URL_HINT_RE.search(text), text
        assert url_spans("Plain text. No links here.") == ()

    def test_ordinary_sentences_with_dots_are_not_links(self):
        for text in ("e.g. node.js is fine", "Dr. A. N. Other", "It works.It rocks", "v3.11.4"):
            assert find_urls(text) == [], text

    def test_url_domain_drops_www_and_case(self):
        assert url_domain("HTTPS://WWW.Example.COM/path") == "example.com"
        assert url_domain("izzi-kazino.qarakoz.kz") == "izzi-kazino.qarakoz.kz"
        assert url_domain("") == ""


class ScriptTests(SimpleTestCase):
    def test_letters_are_sorted_into_writing_systems(self):
        assert char_script("a") == "Latin"
        assert char_script("é") == "Latin"
        assert char_script("ж") == "Cyrillic"
        assert char_script("마") == "Hangul"
        assert char_script("漢") == "Han"
        assert char_script("5") == ""
        assert script_counts("Zoë и 마") == {"Latin": 3, "Cyrillic": 1, "Hangul": 1}

    def test_languages_map_to_their_scripts_and_latin_is_always_expected(self):
        assert scripts_for_languages(["en"]) == ["Latin"]
        assert scripts_for_languages(["ru", "ko-kr"]) == ["Cyrillic", "Han", "Hangul", "Latin"]


class TextTests(SimpleTestCase):
    def test_tokens_are_casefolded_words_and_punctuation(self):
        assert tokens("Buy NOW, _1win!") == ["buy", "now", ",", "_1win", "!"]

    def test_normalise_body_folds_case_spaces_and_invisible_characters(self):
        assert normalise_body("  Hello\u200b   World\ufeff ") == "hello world"


class HostileInputTests(SimpleTestCase):
    def test_links_at_the_end_of_a_sentence_are_found(self):
        assert find_urls("Casino at izzi-kazino.qarakoz.kz. See example.com.") == [
            "izzi-kazino.qarakoz.kz",
            "example.com",
        ]

    def test_long_runs_of_domain_characters_are_not_links(self):
        # Shapes that made a backtracking pattern take seconds; the pattern is linear now.
        for text in ("a." * 2500, "a-" * 2500, "ab." * 1700 + "!", "x " + "a-" * 2500 + " . "):
            assert find_urls(text) == []


class FoldTests(SimpleTestCase):
    def test_disguised_letters_fold_to_the_plain_word(self):
        for text in (
            "\uff43\uff41\uff53\uff49\uff4e\uff4f",  # fullwidth
            "cas\u200bino",  # zero-width space
            "c\u0430sino",  # Cyrillic a
            "\U0001d41c\U0001d41a\U0001d42c\U0001d422\U0001d427\U0001d428",  # mathematical bold
            "cas\u00adino",  # soft hyphen
            "CAS\u202eINO",  # bidirectional control
        ):
            assert fold(text) == "casino", text

    def test_accents_compose_and_real_cyrillic_and_greek_words_stay(self):
        assert fold("Cafe\u0301") == "café"
        assert fold("Спасибо, ευχαριστώ") == "спасибо, ευχαριστώ"

    def test_mixed_script_words_are_recognised(self):
        assert has_mixed_script_word("best саsino")  # noqa: RUF001
        assert not has_mixed_script_word("Спасибо and thanks")

    def test_disguised_links_are_found(self):
        assert find_urls("evil[.]com evil(dot)net hxxps://evil.org/x") == [
            "evil.com",
            "evil.net",
            "https://evil.org/x",
        ]
        assert find_urls("evil\uff0ecom \uff57\uff57\uff57.bad.com e\u200bvil.ru") == [
            "evil.com",
            "www.bad.com",
            "evil.ru",
        ]

    def test_any_country_code_and_common_new_top_level_domains_are_links(self):
        text = "evil.shop evil.online evil.top evil.de evil.co example.co.uk"
        assert find_urls(text) == text.split()

    def test_words_and_file_names_that_look_like_domains_are_not(self):
        for text in ("i.e. report.pdf and main.py", "works.In short", "ok.so", "evil.it"):
            assert find_urls(text) == [], text
        assert find_urls("evil.it/page") == ["evil.it/page"]


class SharedScanTests(SimpleTestCase):
    TEXTS = (
        "",
        "no links here, e.g. node.js",
        "See https://a.example.com/x, www.b.org and kidsmediausa . com or shop.ru",
        "http://x.org\\1 and \\g<0> stay as they are: https://y.org",
        "a.a." * 2000,
        "Привет https://пример.рф/x и shop.kz",
    )

    def test_without_urls_is_the_pattern_substituted_once_scanned(self):
        for text in self.TEXTS:
            for replacement in (" ", ""):
                assert without_urls(text, replacement) == url_re().sub(replacement, text), text

    def test_without_urls_replaces_only_the_links_it_is_told_to(self):
        def is_org(url):
            return ".org" in url

        def sub_org(m):
            return " " if is_org(m.group(0)) else m.group(0)

        for text in self.TEXTS:
            assert without_urls(text, only=is_org) == url_re().sub(sub_org, text), text

    def test_the_spans_are_the_matches_of_the_pattern(self):
        for text in self.TEXTS:
            assert url_spans(text) == tuple(m.span() for m in url_re().finditer(text))

    def test_texts_made_up_to_fill_the_memos_do_not_pile_up_in_memory(self):
        # "\ufdfa" is one character that NFKC turns into eighteen, four words: each of these
        # 1,000-character texts is 18,000 characters and 4,000 words once read.
        texts = ["\ufdfa" * 1000 + chr(0x4E00 + i) for i in range(150)]

        def read_all() -> None:
            for text in texts:
                find_urls(text)
                without_urls(text)
                word_tuple(text)
                body_hash(text)

        kept = memory_kept(read_all)
        # The last few comments' texts, not all 150 (about 60 MB).
        assert kept < 30_000_000, kept

    def test_folded_texts_made_up_to_fill_the_memo_do_not_pile_up_in_memory(self):
        # Each 2,000-character text folds to 36,000 characters (72 KB): 300 of them kept
        # would be about 22 MB.
        texts = ["\ufdfa" * 2000 + chr(0x4E00 + i) for i in range(300)]
        kept = memory_kept(lambda: [fold(text) for text in texts])
        assert kept < 10_000_000, kept

    def test_word_tuple_is_words_as_a_tuple(self):
        text = "Café CASINO, ǆungla and \uff57\uff49\uff4e 2024!"  # a full-width "win"
        assert (
            word_tuple(text)
            == tuple(words(text))
            == ("café", "casino", "džungla", "and", "win", "2024")
        )


class CountingTests(SimpleTestCase):
    def test_letters_and_capitals_of_ascii_text_are_counted(self):
        text = "Hello, WORLD! 123 _x_"
        assert ascii_letter_count(text) == sum(map(str.isalpha, text)) == 11
        assert ascii_upper_count(text) == sum(map(str.isupper, text)) == 6

    def test_scripts_are_counted_in_the_order_they_first_appear(self):
        text = "Жу ab 日本 Ωmega жж, ok"
        counts = script_counts(text)
        assert counts == {"Cyrillic": 4, "Latin": 8, "Han": 2, "Greek": 1}
        assert list(counts) == ["Cyrillic", "Latin", "Han", "Greek"]
        assert script_counts("plain ascii 42") == {"Latin": 10}
        assert script_counts("42 !") == {}


def test_the_old_link_pattern_name_still_works_with_a_warning():
    from comments_plugin.spam import analysis

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from comments_plugin.spam.analysis import URL_RE
    assert URL_RE is analysis.url_re()
    assert [w.category for w in caught] == [DeprecationWarning]
    with pytest.raises(AttributeError):
        analysis.NO_SUCH_NAME  # noqa: B018
