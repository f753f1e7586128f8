"""End-to-end tests need Playwright for Python and a Chromium on the PATH.

Without them every test here is skipped with the reason, and the header of the test run
says so, so a green run never hides that the browser tests did not run.
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def missing() -> str | None:
    """Why the browser tests cannot run here, or ``None`` when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install --group e2e, or make install-e2e)"
    if shutil.which("chromium") is None:
        return "no `chromium` on the PATH (apt-get install -y chromium)"
    return None


def pytest_report_header(config: pytest.Config) -> str:
    reason = missing()
    return f"e2e: skipped, {reason}" if reason else f"e2e: Chromium at {shutil.which('chromium')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"e2e: {reason}")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = missing()
    if reason is not None:
        terminalreporter.write_line(f"Browser tests were SKIPPED: {reason}.", yellow=True)
