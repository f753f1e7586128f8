import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "comments_plugin"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    COMMENTS_PLUGIN=json.loads(sys.argv[1]),
)
django.setup()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("comments_plugin"))))
"""


def setup_modules(plugin_settings):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(plugin_settings)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout)


def test_startup_imports_the_configured_filters_and_the_tasks():
    modules = setup_modules({})
    assert "comments_plugin.spam.filters.promotion" in modules
    assert "comments_plugin.spam.filters.learning" in modules
    assert "comments_plugin.tasks" in modules


def test_a_filter_that_cannot_be_imported_does_not_stop_startup():
    modules = setup_modules(
        {
            "SPAM_FILTERS": [
                {"NAME": "no.such.module.Filter"},
                {"NAME": "comments_plugin.spam.filters.links.LinkCountFilter"},
            ]
        }
    )
    assert "comments_plugin.spam.filters.links" in modules
    assert "comments_plugin.spam.filters.promotion" not in modules


def test_a_malformed_setting_does_not_stop_startup():
    assert "comments_plugin.tasks" in setup_modules({"SPAM_FILTERS": [{"OPTIONS": {}}]})
