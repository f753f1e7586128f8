from django.test import SimpleTestCase, override_settings

from comments_plugin.conf import DEFAULTS, Settings, conf


class ConfTests(SimpleTestCase):
    def test_defaults_apply_when_the_site_sets_nothing(self):
        assert conf.MAX_DEPTH == 5
        assert DEFAULTS["PAGE_SIZE"] == conf.PAGE_SIZE
        assert conf.GRAVATAR is False

    def test_override_settings_takes_effect_at_access_time(self):
        assert conf.MAX_DEPTH == 5
        with override_settings(COMMENTS_PLUGIN={"MAX_DEPTH": 2}):
            assert conf.MAX_DEPTH == 2
            # Keys the site did not set still fall back to the defaults.
            assert DEFAULTS["PAGE_SIZE"] == conf.PAGE_SIZE
        assert conf.MAX_DEPTH == 5

    @override_settings(COMMENTS_PLUGIN={"PURGE_SPAM_AFTER": None, "MODERATOR_EMAILS": ("a@b.c",)})
    def test_optional_values_keep_none_and_lists_are_lists(self):
        assert conf.PURGE_SPAM_AFTER is None
        assert conf.MODERATOR_EMAILS == ["a@b.c"]

    @override_settings(COMMENTS_PLUGIN=None)
    def test_a_missing_setting_means_all_defaults(self):
        assert DEFAULTS["MAX_LENGTH"] == conf.MAX_LENGTH
        assert conf.user_settings == {}

    def test_every_default_has_a_typed_property(self):
        missing = [
            name for name in DEFAULTS if not isinstance(getattr(Settings, name, None), property)
        ]
        assert missing == []

    def test_unknown_names_are_attribute_errors(self):
        with self.assertRaises(AttributeError):
            conf.NOT_A_SETTING  # noqa: B018

    def test_the_default_filter_list_is_a_copy(self):
        conf.SPAM_FILTERS.append({"NAME": "x"})
        assert {"NAME": "x"} not in conf.SPAM_FILTERS
