"""``manage.py comments_purge``: the retention policy, safe to run from cron.

Deletes spam and trash older than their retention periods and forgets old IP addresses.
Periods come from ``PURGE_SPAM_AFTER``, ``PURGE_TRASH_AFTER`` and ``ANONYMISE_IP_AFTER``
(days; ``None`` keeps forever); the options override them for one run.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comments_plugin import operations
from comments_plugin.conf import conf
from comments_plugin.models import Status


def days(value: str) -> int | None:
    """A ``--*-days`` value: a whole number of days ≥ 0, or "never"."""
    if value.lower() in ("never", "none"):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a number of days (or 'never').") from exc
    if number < 0:
        raise CommandError("A number of days cannot be negative.")
    if number > datetime.timedelta.max.days:
        raise CommandError(f"{value} days is more than Python can count; use 'never'.")
    return number


class Command(BaseCommand):
    help = (
        "Delete spam and trash older than their retention periods and remove old IP "
        "addresses. Never asks questions; running it twice does nothing more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--spam-days", type=days, default=..., help="Delete spam older than this (days)."
        )
        parser.add_argument(
            "--trash-days", type=days, default=..., help="Delete trash older than this (days)."
        )
        parser.add_argument(
            "--ip-days",
            type=days,
            default=...,
            help="Remove IP addresses of comments and reports older than this (days).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only print what would be done.")

    def handle(self, *args: Any, **options: Any) -> None:
        spam_days = conf.PURGE_SPAM_AFTER if options["spam_days"] is ... else options["spam_days"]
        trash_days = (
            conf.PURGE_TRASH_AFTER if options["trash_days"] is ... else options["trash_days"]
        )
        ip_days = conf.ANONYMISE_IP_AFTER if options["ip_days"] is ... else options["ip_days"]
        dry_run = options["dry_run"]
        prefix = "Would delete" if dry_run else "Deleted"
        for status, period, label in (
            (Status.SPAM, spam_days, "spam"),
            (Status.TRASH, trash_days, "trashed"),
        ):
            if period is None:
                self.log(f"Keeping {label} comments (no retention period set).", 2)
                continue
            count = operations.purge(
                status, older_than=datetime.timedelta(days=period), dry_run=dry_run
            )
            self.log(f"{prefix} {count} {label} comment(s) older than {period} day(s).")
        if ip_days is None:
            self.log("Keeping IP addresses (no retention period set).", 2)
            return
        comments, reports = operations.anonymise_ips(
            datetime.timedelta(days=ip_days), dry_run=dry_run
        )
        verb = "Would remove" if dry_run else "Removed"
        self.log(
            f"{verb} the IP address of {comments} comment(s) and {reports} report(s) "
            f"older than {ip_days} day(s)."
        )

    def log(self, message: str, level: int = 1) -> None:
        if self.verbosity >= level:
            self.stdout.write(message)

    def execute(self, *args: Any, **options: Any) -> Any:
        self.verbosity = int(options.get("verbosity", 1))
        return super().execute(*args, **options)
