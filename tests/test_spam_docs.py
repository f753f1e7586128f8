"""docs/spam.rst stays in step with the filters: every built-in filter and option is there."""

import re
from pathlib import Path

from django.test import SimpleTestCase
from django.utils.module_loading import import_string

from comments_plugin.conf import DEFAULT_SPAM_FILTERS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "spam.rst").read_text(encoding="utf-8")
FILTERS = [entry["NAME"] for entry in DEFAULT_SPAM_FILTERS] + [
    "comments_plugin.spam.filters.akismet.AkismetFilter"
]


class SpamDocsTests(SimpleTestCase):
    def test_every_built_in_filter_is_documented(self):
        for path in FILTERS:
            assert path.removeprefix("comments_plugin.") in DOC, path

    def test_every_filter_option_is_documented(self):
        documented = set(re.findall(r"``([A-Z_]+)``", DOC))
        for path in FILTERS:
            missing = set(import_string(path).default_options) - documented
            assert not missing, (path, missing)
