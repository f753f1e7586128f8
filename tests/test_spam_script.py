from django.test import SimpleTestCase, override_settings

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.script import UnexpectedScriptFilter, site_scripts


def codes(flt, body, name="Ann"):
    return {v.code: v.score for v in flt.check(Comment(body=body, author_name=name), Submission())}


class UnexpectedScriptFilterTests(SimpleTestCase):
    def test_an_english_site_expects_latin_from_language_code(self):
        assert site_scripts() == ["Latin"]

    @override_settings(LANGUAGES=[("en", "English"), ("ru", "Russian")])
    def test_languages_setting_adds_its_scripts(self):
        assert site_scripts() == ["Cyrillic", "Latin"]
        assert codes(UnexpectedScriptFilter(), "Отличная статья, спасибо!") == {}

    def test_a_change_of_languages_is_seen_on_the_next_comment(self):
        assert site_scripts() == ["Latin"]
        with override_settings(LANGUAGES=[("en", "English"), ("el", "Greek")]):
            assert site_scripts() == ["Greek", "Latin"]
            with override_settings(LANGUAGE_CODE="ru"):
                assert site_scripts() == ["Greek", "Latin"]
        with override_settings(LANGUAGE_CODE="ru"):
            assert site_scripts() == ["Cyrillic", "Latin"]
        assert site_scripts() == ["Latin"]

    def test_a_body_mostly_in_an_unexpected_script_scores(self):
        result = UnexpectedScriptFilter().check(
            Comment(body="Отличная статья, спасибо! ok", author_name="Ann"), Submission()
        )
        assert [(v.code, v.score) for v in result] == [("unexpected_script_body", 2.0)]
        assert "Cyrillic" in result[0].message

    def test_accents_and_emoji_are_not_unexpected(self):
        assert codes(UnexpectedScriptFilter(), "Crème brûlée à Kraków 😀", "Zoë Müller") == {}

    def test_an_author_name_in_an_unexpected_script_scores(self):
        assert codes(UnexpectedScriptFilter(), "Nice post.", "마사지") == {
            "unexpected_script_name": 0.4
        }

    def test_a_word_mixing_latin_and_look_alike_letters_scores(self):
        body = "Best саsino bonus"  # noqa: RUF001
        assert codes(UnexpectedScriptFilter(), body, "Ann") == {"mixed_script_word": 0.5}

    def test_real_russian_and_greek_words_are_not_mixed(self):
        flt = UnexpectedScriptFilter(EXPECTED_SCRIPTS=["Latin", "Cyrillic", "Greek"])
        assert codes(flt, "Спасибо, ok. Σ and π, ευχαριστώ", "Ева") == {}

    def test_web_addresses_in_the_name_do_not_hide_its_script(self):
        name = "В Иззи Казино на izzi-kazino.qarakoz.kz"  # noqa: RUF001
        assert "unexpected_script_name" in codes(UnexpectedScriptFilter(), "Hi", name)

    def test_expected_scripts_option_overrides_the_languages(self):
        flt = UnexpectedScriptFilter(EXPECTED_SCRIPTS=["Latin", "Hangul"])
        assert codes(flt, "Nice post.", "마사지") == {}

    def test_invalid_expected_scripts_fail_the_system_check(self):
        errors = UnexpectedScriptFilter.check_options({"EXPECTED_SCRIPTS": "Latin"}, 3)
        assert [e.id for e in errors] == ["comments_plugin.E017"]
