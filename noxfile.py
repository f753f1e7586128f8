"""The test suite on each supported Python / Django pair that ``make test`` does not cover.

``make test`` runs Python 3.11 + Django 5.2 (what ``python3`` gives here); Django 6.0 and 6.1
need Python 3.12+. nox finds ``python3.12`` / ``python3.13`` on ``PATH`` (with pyenv:
``PYENV_VERSION=3.12.1:3.13.0 nox``, as ``.ci/run`` does)::

    nox                          # every pair
    nox -s "tests(3.13-django6.1)"
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")

# (Python, Django) pairs; Django 5.2 on Python 3.11 is ``make test``.
MATRIX = [("3.12", "6.0"), ("3.13", "6.1")]


@nox.session
@nox.parametrize(("python", "django"), MATRIX, ids=[f"{py}-django{dj}" for py, dj in MATRIX])
def tests(session: nox.Session, django: str) -> None:
    session.install("--upgrade", "pip>=25.1")
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.install(f"django~={django}.0")
    session.run("python", "-m", "django", "--version")
    session.run("python", "-m", "pytest", "-q", *session.posargs)
