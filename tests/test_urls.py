import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase, TestCase
from django.urls import resolve, reverse

ROOT = Path(__file__).resolve().parent.parent

# A fresh process: in the test run everything is imported already.
STARTUP = """
import json, sys
import django
django.setup()  # imports every admin.py
from django.urls import get_resolver, reverse
get_resolver().url_patterns  # the project's URLconf, with the app's
reverse("comments_plugin:post"), reverse("comments_plugin:object-feed", args=[1, "x"])
print(json.dumps(sorted(sys.modules)))
"""

#: What a process that only shows pages does not need.
NOT_AT_STARTUP = (
    "comments_plugin.operations",
    "comments_plugin.spam",
    "comments_plugin.feeds",
    "comments_plugin.views.comments",
    "comments_plugin.views.moderation",
)


class LazyViewTests(SimpleTestCase):
    def test_starting_up_does_not_import_the_posting_moderation_and_feed_code(self):
        env = os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", STARTUP],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        loaded = set(json.loads(out.stdout))
        assert "comments_plugin.admin" in loaded
        assert loaded.isdisjoint(NOT_AT_STARTUP), loaded.intersection(NOT_AT_STARTUP)

    def test_every_lazy_route_names_a_view_that_imports(self):
        # An import error in a view would otherwise show only at its first request.
        from django.urls import get_resolver
        from django.utils.module_loading import import_string

        routes = get_resolver("comments_plugin.urls").url_patterns
        assert len(routes) >= 7
        for route in routes:
            view = import_string(route.lookup_str)
            assert callable(view), route.lookup_str

    def test_a_route_resolves_to_the_name_of_its_view(self):
        match = resolve(reverse("comments_plugin:flag", args=[12]))
        assert match.url_name == "flag" and match.kwargs == {"pk": 12}
        assert match._func_path == "comments_plugin.views.moderation.flag"
        feed = resolve(reverse("comments_plugin:feed"))
        assert feed._func_path == "comments_plugin.feeds.LatestCommentsFeed"


class LazyViewRequestTests(TestCase):
    def test_a_lazy_view_answers_as_the_view_itself(self):
        response = self.client.get(reverse("comments_plugin:avatar", args=["ab12" * 5]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert self.client.get(reverse("comments_plugin:feed")).status_code == 200
