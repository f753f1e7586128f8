import sys
from unittest import mock

from django.core import checks
from django.test import SimpleTestCase, override_settings

from comments_plugin.checks import check_dependencies, check_settings, check_spam_filters

HONEYPOT = "comments_plugin.spam.filters.honeypot.HoneypotFilter"
AKISMET = "comments_plugin.spam.filters.akismet.AkismetFilter"


def ids(messages) -> list[str]:
    return [m.id for m in messages]


class SettingsCheckTests(SimpleTestCase):
    def test_the_test_settings_pass_every_check(self):
        assert check_settings() == []
        assert check_spam_filters() == []
        assert check_dependencies() == []

    def test_checks_are_registered_with_django(self):
        messages = checks.run_checks(tags=["comments_plugin"])
        assert [m for m in messages if m.id.startswith("comments_plugin.")] == []
        with override_settings(COMMENTS_PLUGIN=[]):
            assert "comments_plugin.E001" in ids(checks.run_checks(tags=["comments_plugin"]))

    @override_settings(COMMENTS_PLUGIN=["MAX_DEPTH", 3])
    def test_e001_the_setting_must_be_a_dict(self):
        assert ids(check_settings()) == ["comments_plugin.E001"]

    @override_settings(COMMENTS_PLUGIN={"MAX_DEPHT": 3})
    def test_e002_unknown_keys_are_reported(self):
        (error,) = check_settings()
        assert error.id == "comments_plugin.E002"
        assert "MAX_DEPHT" in error.msg

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": -1, "MAX_DEPTH": "5", "MAX_LENGTH": True})
    def test_e003_whole_number_settings_must_be_non_negative_ints(self):
        messages = check_settings()
        assert ids(messages) == ["comments_plugin.E003"] * 3
        assert "MAX_DEPTH" in messages[0].msg

    @override_settings(COMMENTS_PLUGIN={"PURGE_SPAM_AFTER": -5, "PURGE_TRASH_AFTER": None})
    def test_e004_retention_days_must_be_none_or_non_negative(self):
        (error,) = check_settings()
        assert error.id == "comments_plugin.E004"
        assert "PURGE_SPAM_AFTER" in error.msg

    @override_settings(COMMENTS_PLUGIN={"HOLD_THRESHOLD": "high"})
    def test_e005_thresholds_must_be_numbers(self):
        assert ids(check_settings()) == ["comments_plugin.E005"]

    @override_settings(COMMENTS_PLUGIN={"HOLD_THRESHOLD": 5, "SPAM_THRESHOLD": 2})
    def test_e006_the_hold_threshold_must_not_be_above_the_spam_threshold(self):
        assert ids(check_settings()) == ["comments_plugin.E006"]

    @override_settings(
        COMMENTS_PLUGIN={"GRAVATAR": "false", "MODERATE_ALL": 1, "ALLOW_PREVIEW": False}
    )
    def test_e007_switches_must_be_booleans(self):
        messages = check_settings()
        assert ids(messages) == ["comments_plugin.E007"] * 2
        assert "GRAVATAR" in messages[0].msg and "MODERATE_ALL" in messages[1].msg

    @override_settings(COMMENTS_PLUGIN={"MODERATOR_EMAILS": "editors@example.com"})
    def test_e008_moderator_emails_must_be_a_list_not_one_string(self):
        # A bare string would be read letter by letter: mail to "e", "d", "i", ...
        assert ids(check_settings()) == ["comments_plugin.E008"]

    @override_settings(COMMENTS_PLUGIN={"MODERATOR_EMAILS": ["a@example.com", 3]})
    def test_e008_moderator_emails_must_all_be_strings(self):
        assert ids(check_settings()) == ["comments_plugin.E008"]

    @override_settings(COMMENTS_PLUGIN={"MODERATOR_EMAILS": ("a@example.com",)})
    def test_a_tuple_of_moderator_emails_is_fine(self):
        assert check_settings() == []

    def test_e009_site_url_needs_a_scheme_and_host(self):
        for bad in ("example.com", "/", "ftp://example.com", 42):
            with override_settings(COMMENTS_PLUGIN={"SITE_URL": bad}):
                assert ids(check_settings()) == ["comments_plugin.E009"], bad
        for good in ("", "https://example.com", "http://127.0.0.1:8000/"):
            with override_settings(COMMENTS_PLUGIN={"SITE_URL": good}):
                assert check_settings() == [], good

    def test_every_switch_checked_is_a_real_setting(self):
        from comments_plugin.checks import BOOL_SETTINGS
        from comments_plugin.conf import DEFAULTS

        assert all(isinstance(DEFAULTS[name], bool) for name in BOOL_SETTINGS)


class SpamFilterCheckTests(SimpleTestCase):
    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [HONEYPOT]})
    def test_e010_each_filter_must_be_a_dict_with_a_name(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E010"]

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": 3})
    def test_e010_the_filter_list_must_be_a_list(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E010"]

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": HONEYPOT, "OPTIONS": [1]}]})
    def test_e010_options_must_be_a_dict(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E010"]

    @override_settings(
        COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": HONEYPOT, "OPTIONS": {"SCOR": 1}}]}
    )
    def test_e011_unknown_filter_options_are_reported(self):
        (error,) = check_spam_filters()
        assert error.id == "comments_plugin.E011"
        assert "SCOR" in error.msg

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": "no.such.Filter"}]})
    def test_e012_a_filter_that_cannot_be_imported_is_reported(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E012"]

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": "django.forms.Form"}]})
    def test_e013_a_filter_must_subclass_base_filter(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E013"]

    @override_settings(
        COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": HONEYPOT, "OPTIONS": {"SCORE": "high"}}]}
    )
    def test_e014_a_filter_option_must_keep_its_defaults_type(self):
        (error,) = check_spam_filters()
        assert error.id == "comments_plugin.E014"
        assert "SCORE" in error.msg

    @override_settings(
        COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": AKISMET, "OPTIONS": {"API_KEY": "k"}}]}
    )
    def test_e015_a_filter_reports_its_own_misconfiguration(self):
        assert ids(check_spam_filters()) == ["comments_plugin.E015"]

    @override_settings(COMMENTS_PLUGIN={"SPAM_FILTERS": [{"NAME": AKISMET}]})
    def test_e016_a_filter_reports_a_missing_package(self):
        # None in sys.modules makes ``import akismet`` raise ImportError.
        with mock.patch.dict(sys.modules, {"akismet": None}):
            assert ids(check_spam_filters()) == ["comments_plugin.E016"]


class DependencyCheckTests(SimpleTestCase):
    def test_e020_contenttypes_must_be_installed(self):
        from django.conf import settings

        apps = [a for a in settings.INSTALLED_APPS if a != "django.contrib.contenttypes"]
        with override_settings(INSTALLED_APPS=apps):
            assert ids(check_dependencies()) == ["comments_plugin.E020"]

    def test_w021_the_request_context_processor_is_recommended(self):
        from django.conf import settings

        templates = [
            {**t, "OPTIONS": {**t["OPTIONS"], "context_processors": []}} for t in settings.TEMPLATES
        ]
        with override_settings(TEMPLATES=templates):
            messages = check_dependencies()
        assert ids(messages) == ["comments_plugin.W021"]
        assert messages[0].level == checks.WARNING
        # The worst of it first: the form rendered without the request has no CSRF token.
        assert "CSRF" in messages[0].hint
