from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comments_plugin.management.commands.comments_spam_eval import read_files
from comments_plugin.spam.learning import HAM, SPAM, MemoryStore, features, save_counts


class Command(BaseCommand):
    help = (
        "Teach the learning spam filter from labelled CSV files (the YouTube Spam Collection "
        "layout COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS or content,label[,author,url])."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="CSV")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Forget everything learnt so far (from files and from moderators) first.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read the files and report; store nothing."
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask before --reset.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from comments_plugin.models import Comment, LearnedToken

        items = read_files(options["files"])
        store = MemoryStore()
        for item in items:
            feats = features(item.body, item.author_name, item.author_url)
            store.add(feats, SPAM if item.is_spam else HAM, 1)
        spam = sum(item.is_spam for item in items)
        summary = f"{len(items)} comments ({spam} spam, {len(items) - spam} ham), {len(store.data) - 1} features"
        if options["dry_run"]:
            self.stdout.write(f"Would learn {summary}.")
            return
        if options["reset"]:
            if options["interactive"]:
                answer = input("Forget everything the learning filter has learnt? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    raise CommandError("Nothing changed.")
            LearnedToken.objects.all().delete()
            # Moderators' earlier lessons are gone too: let them be taught again.
            Comment.objects.exclude(learned_as="").update(learned_as="")
        save_counts(store.data)
        if options["verbosity"]:
            self.stdout.write(f"Learnt {summary}.")
