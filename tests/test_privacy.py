"""``comments_personal_data``: exporting and erasing one commenter's data."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from comments_plugin import operations
from comments_plugin.models import Comment, Flag, ModerationEvent, Status
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("comments_personal_data", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


class PersonalDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Privacy", slug="privacy")
        cls.user = get_user_model().objects.create_user("jo", "jo@example.com", "pw")
        cls.first = make_comment(
            cls.article,
            "First words.",
            author_name="Jo Bloggs",
            author_email="Jo@Example.com",
            author_url="https://jo.example/",
            ip_address="192.0.2.7",
            user_agent="JoBrowser/1.0",
            user=cls.user,
            status=Status.PENDING,
            spam_reasons=[{"filter": "rules", "message": "IP 192.0.2.7 and jo@example.com listed"}],
        )
        ModerationEvent.objects.create(
            comment=cls.first, action="post", to_status=Status.PENDING, reason="jo@example.com held"
        )
        operations.approve(cls.first, source="test")
        cls.reply = make_comment(
            cls.article, "Second words.", parent=cls.first, author_email="jo@example.com"
        )
        cls.other = make_comment(cls.article, "Not Jo.", author_email="someone@example.com")

    def test_export_prints_every_comment_of_the_address_with_its_history(self) -> None:
        data = json.loads(run("export", "--email", "jo@example.com"))
        assert data["email"] == "jo@example.com"
        assert [c["id"] for c in data["comments"]] == [self.first.pk, self.reply.pk]
        first = data["comments"][0]
        assert first["name"] == "Jo Bloggs" and first["comment"] == "First words."
        assert first["ip_address"] == "192.0.2.7" and first["user_agent"] == "JoBrowser/1.0"
        assert first["website"] == "https://jo.example/" and first["on"] == "testapp.article"
        assert [(h["action"], h["from_status"], h["to_status"]) for h in first["history"]] == [
            ("post", "", "pending"),
            ("approve", "pending", "approved"),
        ]
        assert data["comments"][1]["in_reply_to"] == self.first.pk

    def test_export_writes_a_file_with_output(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "jo.json"
            assert run("export", "--email", "jo@example.com", "-o", str(path)) == ""
            assert len(json.loads(path.read_text("utf-8"))["comments"]) == 2

    def test_export_of_an_unknown_address_is_an_empty_list(self) -> None:
        assert json.loads(run("export", "--email", "nobody@example.com"))["comments"] == []

    def test_an_argument_that_is_not_an_address_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "is not an e-mail address"):
            run("export", "--email", "jo")

    def test_erase_anonymises_and_keeps_body_status_and_audit_trail(self) -> None:
        before = list(
            ModerationEvent.objects.filter(comment=self.first).values_list("pk", flat=True)
        )
        out = run("erase", "--email", "JO@example.COM", "--no-input")
        assert "Anonymised 2 comment(s)." in out
        first = Comment.objects.get(pk=self.first.pk)
        assert first.author_name == "Anonymous"
        assert (first.author_email, first.author_url, first.user_agent) == ("", "", "")
        assert first.ip_address is None and first.user_id is None
        assert first.body == "First words." and first.status == Status.APPROVED
        assert "192.0.2.7" not in json.dumps(first.spam_reasons)
        assert "jo@example.com" not in json.dumps(first.spam_reasons).lower()
        events = ModerationEvent.objects.filter(comment=self.first)
        assert set(before) < set(events.values_list("pk", flat=True))
        assert not any("jo@example.com" in e.reason.lower() for e in events)
        erase = events.get(action="erase")
        assert erase.from_status == erase.to_status == Status.APPROVED
        assert Comment.objects.get(pk=self.reply.pk).parent_id == self.first.pk
        other = Comment.objects.get(pk=self.other.pk)
        assert other.author_email == "someone@example.com" and other.author_name == "Ann"

    def test_erase_with_remove_body_replaces_the_text_with_a_marker(self) -> None:
        run("erase", "--email", "jo@example.com", "--no-input", "--remove-body")
        assert set(
            Comment.objects.filter(pk__in=[self.first.pk, self.reply.pk]).values_list(
                "body", flat=True
            )
        ) == {"[deleted]"}
        assert Comment.objects.get(pk=self.other.pk).body == "Not Jo."

    def test_erase_dry_run_changes_nothing(self) -> None:
        out = run("erase", "--email", "jo@example.com", "--dry-run")
        assert "Would anonymise 2 comment(s)" in out
        assert Comment.objects.get(pk=self.first.pk).author_email == "Jo@Example.com"

    def test_erase_asks_for_confirmation_and_stops_without_a_yes(self) -> None:
        with (
            mock.patch("builtins.input", return_value="no"),
            self.assertRaisesMessage(CommandError, "cancelled"),
        ):
            run("erase", "--email", "jo@example.com")
        assert Comment.objects.get(pk=self.first.pk).author_name == "Jo Bloggs"
        with mock.patch("builtins.input", return_value="yes"):
            run("erase", "--email", "jo@example.com")
        assert Comment.objects.get(pk=self.first.pk).author_name == "Anonymous"

    def test_erasing_twice_finds_nothing_the_second_time(self) -> None:
        run("erase", "--email", "jo@example.com", "--no-input")
        assert "No comments were written with" in run(
            "erase", "--email", "jo@example.com", "--no-input"
        )

    def test_the_erased_names_and_markers_are_translatable(self) -> None:
        with mock.patch("comments_plugin.operations._", side_effect=lambda s: f"«{s}»"):
            operations.erase_personal_data("jo@example.com", remove_body=True)
        first = Comment.objects.get(pk=self.first.pk)
        assert (first.author_name, first.body) == ("«Anonymous»", "«[deleted]»")

    def test_the_page_no_longer_shows_the_name_or_website_after_erasure(self) -> None:
        page = self.client.get("/articles/privacy/").content.decode()
        assert "Jo Bloggs" in page and "jo.example" in page
        operations.erase_personal_data("jo@example.com")
        page = self.client.get("/articles/privacy/").content.decode()
        assert "Jo Bloggs" not in page and "jo.example" not in page
        assert "First words." in page

    def test_erase_with_remove_body_leaves_no_quote_of_the_text_in_reasons(self) -> None:
        quoted = make_comment(
            self.article,
            "Call me on 5550123456 for cheap pills",
            author_email="jo@example.com",
            spam_reasons=[
                {"filter": "gibberish", "code": "numbers", "score": 1.0,
                 "message": "Stray long numbers in the text: 5550123456."},
            ],
        )  # fmt: skip
        ModerationEvent.objects.create(
            comment=quoted,
            source="pipeline",
            action="post",
            to_status=Status.APPROVED,
            reason="gibberish: Stray long numbers in the text: 5550123456. (+1)",
        )
        operations.erase_personal_data("jo@example.com", remove_body=True)
        quoted = Comment.objects.get(pk=quoted.pk)
        assert "5550123456" not in json.dumps(quoted.spam_reasons)
        assert quoted.spam_reasons[0]["code"] == "numbers"  # why it was judged stays
        assert not any("5550123456" in e.reason for e in quoted.events.all())
        assert quoted.events.get(action="post").reason == "gibberish: numbers (+1)"

    def test_erase_forgets_the_name_in_reasons_and_the_address_on_reports_sent_from_it(
        self,
    ) -> None:
        ModerationEvent.objects.create(
            comment=self.first, action="hold", to_status=Status.PENDING, reason="Jo Bloggs again"
        )
        own_report = Flag.objects.create(comment=self.other, ip_address="192.0.2.7")
        someone_elses = Flag.objects.create(comment=self.other, ip_address="192.0.2.99")
        operations.erase_personal_data("jo@example.com")
        assert not any("Jo Bloggs" in e.reason for e in self.first.events.all())
        assert Flag.objects.get(pk=own_report.pk).ip_address is None
        assert Flag.objects.get(pk=someone_elses.pk).ip_address == "192.0.2.99"
