"""Leak scan: no commenter's e-mail address, nor a hash of it, on any public URL.

Comments are posted with e-mail addresses that are unique markers. A fresh visitor then
crawls every public page (lists and all their pages, permalinks, report pages, feeds,
avatars, the "posted" page, error pages, a server error) following every on-site link, and
every response body and header is searched for the markers, their MD5/SHA-1/SHA-256/SHA-512
hex digests (lower and upper case) and their base64.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable
from unittest import mock
from urllib.parse import urljoin, urlsplit

from django.contrib.contenttypes.models import ContentType
from django.test import Client, TestCase, override_settings
from django.urls import get_resolver, resolve

from comments_plugin.models import Comment, Status
from comments_plugin.moderation import CommentPolicy, moderator
from tests.hostile import audit
from tests.testapp.helpers import make_comment, old_token
from tests.testapp.models import Article, Note

SETTINGS = {"SPAM_FILTERS": [], "PAGE_SIZE": 2}


class ClosedWhenSwitchedOff(CommentPolicy):
    enable_field = "comments_open"


FLOOD = [{"NAME": "comments_plugin.spam.filters.flood.FloodFilter", "OPTIONS": {"INTERVAL": 60}}]


def fingerprints(marker: str) -> set[str]:
    """The marker and what would reveal it: hex digests and base64 of it (and lower-cased)."""
    found = set()
    for text in {marker, marker.lower(), marker.strip().lower()}:
        found.add(text)
        data = text.encode()
        for algorithm in ("md5", "sha1", "sha256", "sha512"):
            digest = hashlib.new(algorithm, data).hexdigest()
            found |= {digest, digest.upper()}
        found.add(base64.b64encode(data).decode().rstrip("="))
        found.add(base64.urlsafe_b64encode(data).decode().rstrip("="))
    return found


class LeakScanner:
    """Fetches pages as an anonymous visitor and remembers every marker it finds."""

    def __init__(self, markers: Iterable[str]) -> None:
        self.needles = {needle: marker for marker in markers for needle in fingerprints(marker)}
        self.client = Client(raise_request_exception=False)
        self.leaks: list[tuple[str, str, str]] = []  # (url, where, marker)
        self.visited: dict[str, int] = {}
        self.statuses: list[int] = []
        self.route_names: set[str] = set()

    def check(self, url: str, response: object) -> None:
        body = (
            response.content
            if not getattr(response, "streaming", False)
            else b"".join(response.streaming_content)
        )  # type: ignore[attr-defined]
        text = body.decode("utf-8", "replace")
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())  # type: ignore[attr-defined]
        cookies = "\n".join(m.OutputString() for m in response.cookies.values())  # type: ignore[attr-defined]
        for needle, marker in self.needles.items():
            for where, haystack in (("body", text), ("headers", headers), ("cookies", cookies)):
                if needle in haystack:
                    self.leaks.append((url, where, marker))
        self.visited[url] = response.status_code  # type: ignore[attr-defined]
        self.statuses.append(response.status_code)  # type: ignore[attr-defined]
        try:
            match = resolve(urlsplit(url).path)
        except Exception:  # an error page for an unknown path
            return
        if match.namespace == "comments_plugin":
            self.route_names.add(match.url_name)

    def get(self, url: str, **extra: object) -> object:
        response = self.client.get(url, **extra)
        self.check(url, response)
        return response

    def post(
        self, url: str, data: dict[str, object], client: Client | None = None, **extra: object
    ) -> object:
        response = (client or self.client).post(url, data, **extra)
        self.check(f"POST {url}", response)
        return response

    def crawl(self, seeds: Iterable[str], limit: int = 400) -> None:
        """GET the seeds and every on-site page they link to (not the admin)."""
        queue = list(seeds)
        while queue and len(self.visited) < limit:
            url = queue.pop(0)
            if url in self.visited:
                continue
            response = self.get(url)
            if response.status_code in (301, 302):  # type: ignore[attr-defined]
                queue.append(urljoin(url, response["Location"]))  # type: ignore[index]
                continue
            if "html" not in response.get("Content-Type", ""):  # type: ignore[attr-defined]
                continue
            for element in audit(response.content.decode()).elements:  # type: ignore[attr-defined]
                for name in ("href", "src", "action"):
                    link = element.attrs.get(name)
                    if not link or link.startswith(("#", "mailto:")):
                        continue
                    absolute = urljoin(url, link).split("#", 1)[0]
                    parts = urlsplit(absolute)
                    if parts.netloc not in ("", "testserver") or parts.path.startswith(
                        ("/admin/", "/static/")
                    ):
                        continue
                    if name != "action":
                        queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


@override_settings(COMMENTS_PLUGIN=SETTINGS)
class LeakScanTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Leaky", slug="leaky")
        cls.closed = Article.objects.create(title="Closed", slug="closed", comments_open=False)
        cls.note = Note.objects.create(text="A note")
        cls.markers = [f"Leak.{uuid.uuid4().hex[:12]}@Marker.example" for _ in range(7)]

    def setUp(self) -> None:
        # The commenters post through the form, from their own browsers.
        for index, marker in enumerate(self.markers):
            target = self.note if index == 6 else self.article
            author = Client()
            parent = (
                Comment.objects.filter(object_pk=str(self.article.pk)).first()
                if index == 3
                else None
            )
            data = {
                "name": f"Reader {index}",
                "email": marker,
                "url": f"https://reader{index}.example/" if index % 2 else "",
                "body": f"Comment {index} https://example.org/{index}",
                "token": old_token(target),
                "remember": "on",
            }
            if parent is not None:
                data["parent"] = parent.pk
            assert author.post("/comments/post/", data).status_code == 302
        # One held comment, whose author keeps the pending cookie: a stranger must not see it.
        make_comment(self.article, "held", status=Status.PENDING, author_email=self.markers[0])

    def scan(self) -> LeakScanner:
        scanner = LeakScanner(self.markers)
        ct = ContentType.objects.get_for_model(Article)
        note_ct = ContentType.objects.get_for_model(Note)
        seeds = [
            "/articles/leaky/",
            f"/notes/{self.note.pk}/",
            "/articles/closed/",
            "/comments/feed/",
            f"/comments/feed/{ct.pk}/{self.article.pk}/",
            f"/comments/feed/{note_ct.pk}/{self.note.pk}/",
            "/comments/posted/",
            "/comments/posted/?held=1",
        ]
        for comment in Comment.objects.all():
            seeds += [f"/comments/c/{comment.pk}/", f"/comments/c/{comment.pk}/flag/"]
            seeds += [f"/articles/leaky/?reply_to={comment.pk}"]
        seeds += [f"/articles/leaky/?cpage={page}" for page in range(1, 6)]
        scanner.crawl(seeds)
        self.error_pages(scanner)
        return scanner

    def error_pages(self, scanner: LeakScanner) -> None:
        """Every error a visitor can cause, with a non-marker address of their own."""
        form = {"name": "Stranger", "email": "stranger@example.com", "body": "Hi"}
        scanner.get("/comments/c/999999/")  # 404
        scanner.get("/no-such-page/")  # 404 outside the app
        scanner.get("/comments/avatar/not-a-key.svg")  # 404
        scanner.get("/comments/feed/999/1/")  # 404
        scanner.post("/comments/post/", form | {"token": "forged"})  # 400
        scanner.post("/comments/post/", form | {"token": old_token(self.article), "email": "x"})
        moderator.register(Article, ClosedWhenSwitchedOff)
        try:
            scanner.post("/comments/post/", form | {"token": old_token(self.closed)})  # 403
        finally:
            moderator.unregister(Article)
        scanner.post("/comments/post/", form | {"token": old_token(self.article), "preview": "1"})
        strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
        scanner.post("/comments/post/", form | {"token": old_token(self.article)}, client=strict)
        with override_settings(COMMENTS_PLUGIN={**SETTINGS, "MAX_REQUEST_SIZE": 100}):
            scanner.post("/comments/post/", form | {"token": old_token(self.article)})  # 413
        with override_settings(COMMENTS_PLUGIN={**SETTINGS, "SPAM_FILTERS": FLOOD}):
            for _ in range(2):  # the second one: 429
                scanner.post("/comments/post/", form | {"token": old_token(self.article)})
        scanner.post("/comments/post/", form | {"token": old_token(self.article), "parent": "x"})
        approved = Comment.objects.filter(status=Status.APPROVED).first()
        assert approved is not None
        scanner.post(f"/comments/c/{approved.pk}/flag/", {"reason": "spam"})
        scanner.get("/comments/post/")  # 405
        with mock.patch("comments_plugin.markup.render_body", side_effect=RuntimeError("boom")):
            scanner.get("/articles/leaky/?crash=1")  # 500 with DEBUG = False

    def test_no_marker_or_hash_of_it_appears_on_any_public_url(self) -> None:
        scanner = self.scan()
        assert scanner.leaks == []
        statuses = set(scanner.statuses)
        assert {200, 302, 400, 403, 404, 405, 413, 429, 500} <= statuses, statuses
        assert scanner.statuses.count(403) == 2  # comments closed, and no CSRF token
        # Proof the crawl saw the comments: every page of the list, and the avatars.
        assert "/articles/leaky/?cpage=2" in scanner.visited
        assert any(url.startswith("/comments/avatar/") for url in scanner.visited)

    def test_every_public_route_of_the_app_was_scanned(self) -> None:
        scanner = self.scan()
        routes = {
            pattern.name
            for pattern in get_resolver("comments_plugin.urls").url_patterns
            if getattr(pattern, "name", None)
        }
        assert routes - scanner.route_names == set()

    @override_settings(COMMENTS_PLUGIN={**SETTINGS, "GRAVATAR": True})
    def test_the_scanner_finds_the_gravatar_hash_when_gravatar_is_switched_on(self) -> None:
        # Gravatar publishes an unsalted SHA-256 of the address; that is why it is opt-in.
        scanner = LeakScanner(self.markers)
        scanner.crawl(["/articles/leaky/"], limit=1)
        assert {where for _url, where, _marker in scanner.leaks} == {"body"}

    def test_the_authors_own_browser_gets_their_address_back_only_in_their_own_form(self) -> None:
        author = Client()
        data = {"name": "Me", "email": self.markers[0], "body": "Again", "remember": "on"}
        response = author.post("/comments/post/", data | {"token": old_token(self.article)})
        assert response.status_code == 302
        # A stranger who loads the same page afterwards sees nothing of it.
        scanner = LeakScanner(self.markers)
        scanner.crawl(["/articles/leaky/"], limit=1)
        assert scanner.leaks == []
