import shutil
import subprocess
import tomllib
from pathlib import Path
from unittest import skipUnless

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


class PackagingTests(SimpleTestCase):
    def test_django_5_2_gets_the_tasks_backport_on_every_python(self):
        # Django 5.2 runs on Python 3.12 and 3.13 too, without django.tasks: a marker on the
        # Python version would leave those sites unable to import comments_plugin.tasks.
        deps = PYPROJECT["project"]["dependencies"]
        backport = [d for d in deps if d.startswith("django-tasks")]
        assert backport and ";" not in backport[0], backport

    def test_every_extra_names_a_package_the_app_uses(self):
        # An extra is a promise that the app does something with the package.
        assert set(PYPROJECT["project"]["optional-dependencies"]) == {"akismet"}


@skipUnless(shutil.which("make"), "needs make")
class MakefileTests(SimpleTestCase):
    def test_make_demo_can_serve_on_another_address(self):
        # Port 8000 is often taken by another project's runserver.
        dry_run = subprocess.run(
            ["make", "-n", "-C", str(ROOT), "demo", "DEMO_ADDR=127.0.0.1:8765"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "runserver 127.0.0.1:8765" in dry_run
        assert "8000" not in dry_run

    def test_make_lint_type_checks_the_package_with_the_lint_tools(self):
        # The package says "Typing :: Typed": mypy with django-stubs runs with ruff in lint.
        dry_run = subprocess.run(
            ["make", "-n", "-C", str(ROOT), "lint"], capture_output=True, text=True, check=True
        ).stdout
        assert "ruff check ." in dry_run
        assert "mypy comments_plugin" in dry_run
        lint_group = " ".join(PYPROJECT["dependency-groups"]["lint"])
        assert "mypy" in lint_group and "django-stubs" in lint_group
