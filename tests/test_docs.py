"""The reference docs stay in step with the code: settings, check ids and signals."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

from comments_plugin import signals
from comments_plugin.conf import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "comments_plugin"
CHECK_ID = re.compile(r"comments_plugin\.[EW]\d+")


def read_doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def documented_headings(text: str) -> set[str]:
    """Names in double backquotes that start a line (the entries of a reference page)."""
    return set(re.findall(r"^``([^`]+)``\s*$", text, flags=re.MULTILINE))


def check_ids_in_source() -> set[str]:
    return {
        found
        for path in PACKAGE.rglob("*.py")
        for found in CHECK_ID.findall(path.read_text(encoding="utf-8"))
    }


class SettingsReferenceTests(SimpleTestCase):
    def test_every_setting_is_documented(self) -> None:
        missing = sorted(set(DEFAULTS) - documented_headings(read_doc("settings.rst")))
        assert missing == [], f"Add these keys to docs/settings.rst: {missing}"

    def test_every_documented_setting_exists(self) -> None:
        stale = sorted(documented_headings(read_doc("settings.rst")) - set(DEFAULTS))
        assert stale == [], f"docs/settings.rst documents keys conf.DEFAULTS lacks: {stale}"


class ChecksReferenceTests(SimpleTestCase):
    def test_the_source_has_check_ids(self) -> None:
        # Guards the scan itself: a moved package would otherwise make the next tests pass.
        assert "comments_plugin.E001" in check_ids_in_source()

    def test_every_check_id_is_documented(self) -> None:
        documented = documented_headings(read_doc("checks.rst"))
        missing = sorted(check_ids_in_source() - documented)
        assert missing == [], f"Document these check ids in docs/checks.rst: {missing}"

    def test_every_documented_check_id_exists(self) -> None:
        documented = documented_headings(read_doc("checks.rst"))
        stale = sorted(documented - check_ids_in_source())
        assert stale == [], f"docs/checks.rst documents ids no check raises: {stale}"


class SignalsReferenceTests(SimpleTestCase):
    def test_every_signal_is_documented(self) -> None:
        defined = {
            name for name, value in vars(signals).items() if isinstance(value, signals.Signal)
        }
        assert "comment_was_posted" in defined
        missing = sorted(defined - documented_headings(read_doc("signals.rst")))
        assert missing == [], f"Document these signals in docs/signals.rst: {missing}"


class ReadmeTests(SimpleTestCase):
    def test_the_readme_installs_every_app_the_models_need(self) -> None:
        # Comment.user points at the user model: without django.contrib.auth, a project
        # following the README fails to start.
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        apps = re.search(r"INSTALLED_APPS = \[(.*?)\]", readme, flags=re.DOTALL)
        assert apps is not None
        for needed in ("django.contrib.auth", "django.contrib.contenttypes", "comments_plugin"):
            assert f'"{needed}"' in apps.group(1), needed

    def test_the_readme_urls_snippet_imports_what_it_uses(self) -> None:
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        urls = readme[readme.index("# urls.py") :]
        assert "from django.urls import include, path" in urls
