"""A visitor's held comment, approved by a moderator from the queue, in a real Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from comments_plugin.models import Comment, ModerationEvent, Status
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article

pytestmark = pytest.mark.e2e

#: Screenshots land here (CI keeps them as artifacts; docs/_static/ has copies).
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).parents[2] / "artifacts" / "e2e"))

SITE = {
    "MODERATE_ALL": True,
    # The submit timer would score a browser that types in milliseconds; the rest of the
    # pipeline is not what this test is about.
    "SPAM_FILTERS": [{"NAME": "comments_plugin.spam.filters.honeypot.HoneypotFilter"}],
}


@override_settings(COMMENTS_PLUGIN=SITE)
class ModerationFlowTests(StaticLiveServerTestCase):
    def setUp(self):
        self.article = Article.objects.create(title="Soup tips", slug="soup", body="Add salt.")
        self.moderator = User.objects.create_user(
            "mod", "mod@example.com", "s3cret-pw", is_staff=True
        )
        self.moderator.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="comments_plugin",
                codename__in=["view_comment", "change_comment", "moderate_comment"],
            )
        )
        # Company in the queue, so the screenshot shows what moderators see on a real day.
        make_comment(
            self.article,
            "Best soup deals here: https://cheap.example/ https://cheap.example/2",
            status=Status.PENDING,
            author_name="Deal Finder",
            author_email="deals@cheap.example",
            author_url="https://cheap.example/",
            ip_address="203.0.113.50",
            spam_score=2.0,
            spam_reasons=[
                {"filter": "links", "code": "link_count", "score": 2.0, "message": "2 links"},
            ],
        )
        make_comment(
            self.article,
            "I added ginger and it was lovely.",
            status=Status.PENDING,
            author_name="Gina",
            author_email="gina@example.com",
            ip_address="198.51.100.4",
            flag_count=1,
            spam_reasons=[
                {"filter": "policy", "code": "policy", "message": "First comment from this author."}
            ],
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def test_a_held_comment_approved_in_the_admin_appears_for_the_visitor(self):
        from playwright.sync_api import expect, sync_playwright

        article_url = f"{self.live_server_url}/articles/soup/"
        # Playwright's sync API runs an event loop in this thread, where Django refuses ORM
        # calls; so the database is only touched before and after the browser runs.
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            try:
                visitor = browser.new_context(viewport={"width": 900, "height": 900}).new_page()
                visitor.goto(article_url)
                visitor.fill("#id_body", "Does it work with miso instead of salt?")
                visitor.fill("#id_name", "Vera Visitor")
                visitor.fill("#id_email", "vera@example.com")
                visitor.click("#submit")
                held = visitor.locator("li.comment-awaiting-moderation")
                expect(held).to_contain_text("Your comment is awaiting moderation.")

                moderator = browser.new_context(viewport={"width": 1600, "height": 800}).new_page()
                moderator.goto(f"{self.live_server_url}/admin/comments_plugin/comment/")
                moderator.fill("#id_username", "mod")
                moderator.fill("#id_password", "s3cret-pw")
                moderator.click("input[type=submit]")
                expect(moderator).to_have_url(
                    f"{self.live_server_url}/admin/comments_plugin/comment/?status=pending"
                )
                row = moderator.locator("#result_list tbody tr", has_text="miso instead of salt")
                expect(row).to_contain_text("In response to Soup tips")
                expect(moderator.locator(".cp-status-view-pending")).to_contain_text("Pending (3)")
                moderator.screenshot(path=ARTIFACTS / "moderation-queue.png", full_page=True)
                row.locator("button.cp-action-approve").click()
                expect(moderator.locator(".messagelist")).to_contain_text("Approved 1 comment.")
                expect(moderator.locator(".cp-status-view-approved")).to_contain_text(
                    "Approved (1)"
                )

                visitor.goto(article_url)
                comment = visitor.locator("li.comment", has_text="miso instead of salt")
                expect(comment).to_be_visible()
                expect(comment).not_to_contain_text("awaiting moderation")
                expect(visitor.locator(".count")).to_have_text("1 comments")
                visitor.screenshot(path=ARTIFACTS / "public-page.png", full_page=True)
            finally:
                browser.close()

        stored = Comment.objects.get(author_name="Vera Visitor")
        assert stored.status == Status.APPROVED
        event = ModerationEvent.objects.get(comment=stored, action="approve")
        assert event.actor == self.moderator
        assert (ARTIFACTS / "moderation-queue.png").stat().st_size > 0
