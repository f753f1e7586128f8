"""Sphinx configuration. Build with ``make docs`` (warnings are errors)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

project = "django-comments-plugin"
author = "comments_plugin developers"
copyright = "comments_plugin developers"
release = _project["version"]
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
# Markdown pages get anchors for their headings, so ``[x](#heading)`` links resolve.
myst_heading_anchors = 3

html_theme = "alabaster"
html_static_path = ["_static"]
html_title = f"comments_plugin {release}"
html_theme_options = {
    "description": "A complete comment section for any Django model.",
    "fixed_sidebar": True,
}
