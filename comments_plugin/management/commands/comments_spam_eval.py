from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from comments_plugin.models import Rule
from comments_plugin.spam.datasets import DatasetError, LabelledComment, read_labelled
from comments_plugin.spam.evaluation import evaluate


def read_files(paths: list[str]) -> list[LabelledComment]:
    items: list[LabelledComment] = []
    for path in paths:
        try:
            items.extend(read_labelled(path))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
    return items


class Command(BaseCommand):
    help = (
        "Measure the spam pipeline: train a fresh, in-memory learning filter on --train files, "
        "run the content filters on --test files, print precision, recall, F1, false-positive "
        "rate, per-filter counts and speed. Changes nothing in the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train",
            nargs="*",
            default=[],
            metavar="CSV",
            help="Labelled files to train on (YouTube Spam Collection or content,label[,author,url]).",
        )
        parser.add_argument(
            "--test", nargs="+", required=True, metavar="CSV", help="Labelled files to test on."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The rules filter reads the Rule table: without it every comment would be held with
        # a filter error and the figures would be meaningless.
        if Rule._meta.db_table not in connection.introspection.table_names():
            raise CommandError("The database has no comments_plugin tables: run migrate first.")
        train = read_files(options["train"])
        test = read_files(options["test"])
        if not test:
            raise CommandError("The --test files hold no comments.")
        report = evaluate(train, test)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        spam = report.tp + report.fn
        self.stdout.write(
            f"Trained on {report.train_size} comments; tested {report.tested} "
            f"({spam} spam, {report.tested - spam} ham). A comment counts as caught when it is "
            "held or marked spam."
        )
        if report.skipped:
            self.stdout.write(
                f"Skipped (need a request or stored comments): {', '.join(report.skipped)}"
            )
        self.stdout.write(
            f"Precision {report.precision:.3f}  Recall {report.recall:.3f}  F1 {report.f1:.3f}  "
            f"False-positive rate {report.false_positive_rate:.2%}"
        )
        self.stdout.write(
            f"Confusion: TP {report.tp}  FP {report.fp}  FN {report.fn}  TN {report.tn}  "
            f"(held rather than spam: {report.held_spam} spam, {report.held_ham} ham)"
        )
        if report.refused:
            self.stdout.write(
                f"Not counted: {report.refused} repeats of an earlier comment by the same author "
                "(refused with a message)."
            )
        self.stdout.write("Filters scoring comments (spam / ham):")
        for name, stats in sorted(report.filters.items()):
            self.stdout.write(f"  {name:<20} {stats.on_spam:>6} / {stats.on_ham}")
        self.stdout.write(f"Throughput: {report.per_second:,.0f} comments/s")
