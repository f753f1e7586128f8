"""``manage.py comments_personal_data export|erase --email X``: a commenter's data requests.

``export`` writes every comment written with an e-mail address, with its audit trail, as
JSON (the right of access). ``erase`` anonymises them (the right to erasure) through
:func:`comments_plugin.operations.erase_personal_data`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from comments_plugin import operations
from comments_plugin.models import Comment


def personal_data(email: str) -> list[dict[str, Any]]:
    """Every comment written with ``email`` (case-insensitive), as plain data."""
    comments = (
        Comment.objects.filter(author_email__iexact=email.strip())
        .select_related("content_type")
        .prefetch_related("events")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "id": comment.pk,
            "on": f"{comment.content_type.app_label}.{comment.content_type.model}",
            "object_id": comment.object_pk,
            "url": comment.get_absolute_url(),
            "in_reply_to": comment.parent_id,
            "name": comment.author_name,
            "email": comment.author_email,
            "website": comment.author_url,
            "comment": comment.body,
            "status": comment.status,
            "submitted_at": comment.submitted_at,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "user_id": comment.user_id,
            # Moderators' identities are their own personal data: only what happened, when.
            "history": [
                {
                    "at": event.created_at,
                    "action": event.action,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "reason": event.reason,
                }
                for event in comment.events.all()
            ],
        }
        for comment in comments
    ]


class Command(BaseCommand):
    help = "Export (as JSON) or erase (anonymise) every comment written with an e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="action", required=True, title="actions")
        export = subcommands.add_parser("export", help="Print the comments as JSON.")
        export.add_argument("--email", required=True, help="The commenter's e-mail address.")
        export.add_argument("-o", "--output", help="Write to this file instead of stdout.")
        erase = subcommands.add_parser(
            "erase", help="Anonymise the comments: name, e-mail, website, IP and user agent."
        )
        erase.add_argument("--email", required=True, help="The commenter's e-mail address.")
        erase.add_argument(
            "--remove-body",
            action="store_true",
            help='Also replace each comment\'s text with "[deleted]" (default: keep it).',
        )
        erase.add_argument(
            "--dry-run", action="store_true", help="Only say how many comments would change."
        )
        erase.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = (options["email"] or "").strip()
        if "@" not in email:
            raise CommandError(f"{email!r} is not an e-mail address.")
        if options["action"] == "export":
            self.export(email, options.get("output"))
        else:
            self.erase(email, options)

    def export(self, email: str, output: str | None) -> None:
        data = personal_data(email)
        text = json.dumps(
            {"email": email, "comments": data}, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
        )
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {len(data)} comment(s) to {output}.")
        else:
            self.stdout.write(text)

    def erase(self, email: str, options: dict[str, Any]) -> None:
        count = operations.erase_personal_data(email, dry_run=True)
        what = "anonymise and blank the text of" if options["remove_body"] else "anonymise"
        if count == 0:
            self.stdout.write(f"No comments were written with {email}.")
            return
        if options["dry_run"]:
            self.stdout.write(f"Would {what} {count} comment(s) written with {email}.")
            return
        if options["interactive"]:
            answer = input(
                f"This will {what} {count} comment(s) written with {email}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Erasure cancelled.")
        done = operations.erase_personal_data(
            email, remove_body=options["remove_body"], source="comments_personal_data"
        )
        self.stdout.write(self.style.SUCCESS(f"Anonymised {done} comment(s)."))
