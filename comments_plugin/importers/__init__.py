"""Importers: one module per source, sharing :mod:`comments_plugin.importers.base`.

``IMPORTERS`` maps the name used by ``manage.py comments_import`` to the importer class.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

IMPORTERS: dict[str, str] = {
    "wordpress": "comments_plugin.importers.wordpress.WordPressImporter",
    "disqus": "comments_plugin.importers.disqus.DisqusImporter",
    "django_comments": "comments_plugin.importers.django_comments.DjangoCommentsImporter",
    "jsonl": "comments_plugin.importers.jsonl.JSONLinesImporter",
}


def get_importer(name: str) -> type:
    return import_string(IMPORTERS[name])
