"""``manage.py comments_import wordpress|disqus|jsonl FILE`` and ``comments_import django_comments``."""

from __future__ import annotations

import time
import zoneinfo
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments_plugin.conf import conf
from comments_plugin.importers import IMPORTERS, get_importer
from comments_plugin.importers.base import (
    BaseImporter,
    ImportReport,
    Progress,
    TargetResolver,
    load_model,
    run_import,
)

NEEDS_FILE = ("wordpress", "disqus", "jsonl")
UNMATCHED_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import comments from a WordPress (WXR) or Disqus XML export, from "
        "django-contrib-comments / django-comments-xtd tables in this database, or from a "
        "JSON Lines file written by comments_export. Running it again imports nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", choices=sorted(IMPORTERS), help="Where the comments come from."
        )
        parser.add_argument("file", nargs="?", help="The export file (not for django_comments).")
        parser.add_argument("--model", help="The model comments belong to, as app_label.ModelName.")
        parser.add_argument(
            "--match",
            default="",
            help="How a source post finds its object: slug, url (get_absolute_url), pk, or the "
            "name of a field holding the old URL. Default: pk.",
        )
        parser.add_argument(
            "--resolver",
            help="Dotted path of a function(thread) -> object or None; overrides --model and "
            "the IMPORT_RESOLVER setting.",
        )
        parser.add_argument(
            "--source-name",
            default="",
            help="Stored as import_source (default: the source's name); give each site its own "
            "when importing several WordPress sites.",
        )
        parser.add_argument(
            "--include-pings", action="store_true", help="Also import pingbacks and trackbacks."
        )
        parser.add_argument(
            "--train",
            action="store_true",
            help="Let the learning spam filter learn from approved and spam comments.",
        )
        parser.add_argument(
            "--notify",
            action="store_true",
            help="Send comment_was_posted for each comment (notifications).",
        )
        parser.add_argument(
            "--timezone",
            help="Time zone of dates the file gives without one (WordPress comment_date when "
            "comment_date_gmt is missing). Default: TIME_ZONE.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Do everything, then roll back.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask before saving when some threads are unmatched.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="For django_comments: the database to read.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        verbosity = options["verbosity"]
        importer = self.make_importer(source, options)
        model = load_model(options["model"]) if options["model"] else None
        if options["match"] and model is None:
            raise CommandError(_("--match needs --model."))
        resolver = TargetResolver(
            model=model,
            match=options["match"],
            # A backup or this database names its targets itself: the site's resolver (written
            # for old WordPress/Disqus pages) applies to them only when asked for by name.
            resolver=options["resolver"]
            or (None if importer.targets_known or model else conf.IMPORT_RESOLVER),
            targets_known=importer.targets_known,
        )
        # The stream under self.stderr, whose write() would end every redraw with a newline.
        # (django-stubs does not declare OutputWrapper._out.)
        stderr = cast(TextIO, self.stderr._out)
        progress = Progress(stderr, total=importer.bytes_total, enabled=verbosity > 0)
        started = time.monotonic()
        with transaction.atomic():
            try:
                report = run_import(
                    importer,
                    resolver,
                    include_pings=options["include_pings"],
                    train=options["train"],
                    announce=options["notify"],
                    progress=progress,
                )
            except DatabaseError as exc:
                # Whatever slipped past the checks (a site's own constraint, a thread deeper
                # than the depth column): one clear error, and the transaction rolls back.
                progress.close()
                raise CommandError(
                    _("The database refused a comment (%(error)s). Nothing was imported.")
                    % {"error": str(exc).strip()}
                ) from exc
            self.write_report(report, verbosity)
            keep = not options["dry_run"]
            if keep and report.unmatched and options["interactive"]:
                keep = self.confirm(report)
            if not keep:
                transaction.set_rollback(True)
        elapsed = time.monotonic() - started
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was saved."))
        elif not keep:
            self.stdout.write(_("Cancelled: nothing was saved."))
        elif verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(_("Done in %(seconds).1f s.") % {"seconds": elapsed})
            )

    def make_importer(self, source: str, options: dict[str, Any]) -> BaseImporter:
        tz = timezone.get_default_timezone()
        if options["timezone"]:
            try:
                tz = zoneinfo.ZoneInfo(options["timezone"])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise CommandError(
                    _("Unknown time zone %(tz)r.") % {"tz": options["timezone"]}
                ) from exc
        kwargs: dict[str, Any] = {"source_name": options["source_name"], "default_timezone": tz}
        cls = get_importer(source)
        if source in NEEDS_FILE:
            if not options["file"]:
                raise CommandError(
                    _("Give the file to import: comments_import %(source)s FILE")
                    % {"source": source}
                )
            return cls(options["file"], **kwargs)
        if options["file"]:
            raise CommandError(
                _("%(source)s reads the database; it takes no file.") % {"source": source}
            )
        return cls(using=options["database"], **kwargs)

    def confirm(self, report: ImportReport) -> bool:
        try:
            answer = input(
                ngettext(
                    "%(count)d comment on unmatched threads will not be imported. Save the rest? [y/N] ",
                    "%(count)d comments on unmatched threads will not be imported. Save the rest? [y/N] ",
                    report.total_unmatched,
                )
                % {"count": report.total_unmatched}
            )
        except EOFError:  # no one to ask (cron, a pipe): the safe answer
            return False
        return answer.strip().lower() in ("y", "yes")

    def write_report(self, report: ImportReport, verbosity: int) -> None:
        if verbosity == 0 and not report.unmatched:
            return
        by_status = ", ".join(
            f"{count} {status}" for status, count in sorted(report.created.items())
        )
        self.stdout.write(
            ngettext(
                "Imported %(count)d comment", "Imported %(count)d comments", report.total_created
            )
            % {"count": report.total_created}
            + (f" ({by_status})" if by_status else "")
            + ngettext(", %(replies)d reply.", ", %(replies)d replies.", report.replies)
            % {"replies": report.replies}
        )
        if report.already_imported:
            self.stdout.write(
                _("%(count)d already imported before, left as they are.")
                % {"count": report.already_imported}
            )
        if report.skipped_pings:
            self.stdout.write(
                _("%(count)d pingbacks/trackbacks skipped (--include-pings imports them).")
                % {"count": report.skipped_pings}
            )
        if report.orphans:
            self.stdout.write(
                _(
                    "%(count)d replies to comments missing from the input were kept as top-level comments."
                )
                % {"count": report.orphans}
            )
        if report.unmatched:
            self.stderr.write(
                _(
                    "%(comments)d comments on %(threads)d threads with no matching object were NOT imported:"
                )
                % {"comments": report.total_unmatched, "threads": len(report.unmatched)}
            )
            shown = (
                report.unmatched_threads
                if verbosity > 1
                else report.unmatched_threads[:UNMATCHED_SHOWN]
            )
            for description in shown:
                self.stderr.write(f"  {description}: {report.unmatched[description]}")
            hidden = len(report.unmatched_threads) - len(shown)
            if hidden:
                self.stderr.write(_("  … and %(count)d more (-v 2 lists all).") % {"count": hidden})
