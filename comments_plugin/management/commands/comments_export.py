"""``manage.py comments_export --format jsonl|wxr [-o FILE]``."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from comments_plugin.exporters import export_jsonl, export_wxr
from comments_plugin.importers.base import load_model
from comments_plugin.models import Comment, Status


class Command(BaseCommand):
    help = (
        "Export comments as JSON Lines (every field; comments_import jsonl reads it back) or "
        "as WordPress WXR XML."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=["jsonl", "wxr"], default="jsonl", help="Default: jsonl."
        )
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument("--model", help="Only comments on this model (app_label.ModelName).")
        parser.add_argument(
            "--status",
            action="append",
            choices=Status.values,
            help="Only these statuses (repeatable).",
        )
        parser.add_argument(
            "--base-url", default="", help="WXR: prefix of each <link>, e.g. https://example.com"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Comment.objects.all()
        if options["model"]:
            model = load_model(options["model"])
            from django.contrib.contenttypes.models import ContentType

            queryset = queryset.filter(content_type=ContentType.objects.get_for_model(model))
        if options["status"]:
            queryset = queryset.filter(status__in=options["status"])
        path = options["output"]
        # The stream under self.stdout, whose write() would end every chunk with a newline.
        # (django-stubs does not declare OutputWrapper._out.)
        stdout = cast(TextIO, self.stdout._out)
        try:
            out = open(path, "w", encoding="utf-8") if path else stdout  # noqa: SIM115
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            if options["format"] == "jsonl":
                count = export_jsonl(out, queryset)
            else:
                count = export_wxr(
                    out, queryset, base_url=options["base_url"], tz=timezone.get_default_timezone()
                )
        finally:
            if path:
                out.close()
        if path and options["verbosity"] > 0:
            self.stderr.write(
                _("Exported %(count)d comments to %(path)s.") % {"count": count, "path": path}
            )
