from django.core import checks
from django.test import SimpleTestCase, override_settings

from comments_plugin.checks import check_dependencies, check_settings, check_spam_filters

HONEYPOT = "comments_plugin.spam.filters.honeypot.HoneypotFilter"


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
