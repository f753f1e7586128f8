"""Hostile input through the real posting view: never a 500, stored exactly or refused.

Every string of the Big List of Naughty Strings (``tests/data/blns.json``) goes into every
field of the comment form in turn. A string is either stored (and shown back as the same
text, escaped) or refused with a 400 and a form error; the test counts the outcomes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.utils.html import escape

from comments_plugin import markup
from comments_plugin.forms import clean_text
from comments_plugin.models import Comment
from tests.hostile import audit, is_on_site
from tests.testapp.helpers import make_comment, old_token
from tests.testapp.models import Article

BLNS: list[str] = json.loads((Path(__file__).parent / "data" / "blns.json").read_text("utf-8"))
POST_URL = "/comments/post/"
# Only the filters that read the request: rate filters would refuse 515 posts in a row.
QUIET_FILTERS = {"SPAM_FILTERS": [{"NAME": "comments_plugin.spam.filters.honeypot.HoneypotFilter"}]}
FIELDS = ("name", "email", "url", "body", "parent", "token", "next")


def paragraphs(text: str) -> str:
    """``text`` as the list shows it: blank-line paragraphs, single newlines kept."""
    parts = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]
    return "\n\n".join(parts)


@override_settings(COMMENTS_PLUGIN=QUIET_FILTERS)
class NaughtyStringTests(TestCase):
    """One test per field; each posts all 515 strings and checks every outcome."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Naughty", slug="naughty")
        cls.token = old_token(cls.article)

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=False)

    def valid(self) -> dict[str, str]:
        return {
            "name": "Ann",
            "email": "ann@example.com",
            "url": "",
            "body": "Hello.",
            "token": self.token,
            "next": "",
        }

    def post_each(self, field: str) -> Counter[int]:
        """Post every string in ``field``, check every outcome, return the status counts."""
        statuses: Counter[int] = Counter()
        stored: dict[str, str] = {}  # "comment-<pk>" -> the string sent
        for value in BLNS:
            response = self.client.post(POST_URL, {**self.valid(), field: value})
            statuses[response.status_code] += 1
            if response.status_code == 302:
                location = response["Location"]
                assert is_on_site(location), (field, value, location)
                stored[location.rsplit("#", 1)[1]] = value
            else:
                assert response.status_code == 400, (field, value, response.status_code)
                # A clear message in the page, never a bare error.
                assert re.search(
                    rb'role="alert"|class="errorlist|class="comment-error"', response.content
                ), (
                    field,
                    value,
                )
        assert len(stored) == statuses[302] == Comment.objects.count()
        if field in ("name", "body", "url"):
            self.check_rendered(field, stored)
        return statuses

    def check_rendered(self, field: str, stored: dict[str, str]) -> None:
        """Every stored string is shown back as the same text, never as markup."""
        with override_settings(COMMENTS_PLUGIN={**QUIET_FILTERS, "PAGE_SIZE": 0}):
            page = self.client.get("/articles/naughty/").content.decode()
        html = audit(page)
        assert not html.event_handlers() and not html.unsafe_urls()
        comments = {f"comment-{c.pk}": c for c in Comment.objects.all()}
        for key, value in stored.items():
            comment = comments[key]
            if field == "name":
                assert comment.author_name == clean_text(value).strip(), value
                assert escape(comment.author_name) in page, value
                assert html.text(f"{key}/comment-author").strip() == comment.author_name, value
            elif field == "body":
                expected = clean_text(value.replace("\r\n", "\n").replace("\r", "\n")).strip()
                assert comment.body == expected, value
                shown = html.text(f"{key}/comment-content")
                assert shown.strip("\n") == paragraphs(comment.body), value
                if "\n" not in comment.body and not markup.URL_RE.search(comment.body):
                    assert f"<p>{escape(comment.body)}</p>" in page, value
            else:
                assert comment.author_url.startswith(("http://", "https://")) or (
                    comment.author_url == "" == value.strip()
                ), value
                links = [
                    e.attrs["href"]
                    for e in html.elements
                    if e.comment == key and "url" in e.attrs.get("class", "").split()
                ]
                assert links == ([comment.author_url] if comment.author_url else []), value

    def test_every_naughty_string_as_name_is_stored_exactly_or_refused(self) -> None:
        statuses = self.post_each("name")
        assert statuses[500] == 0 and statuses[302] > 400

    def test_every_naughty_string_as_email_is_stored_or_refused(self) -> None:
        statuses = self.post_each("email")
        assert statuses[500] == 0 and statuses[400] > 400

    def test_every_naughty_string_as_website_is_an_http_link_or_refused(self) -> None:
        statuses = self.post_each("url")
        assert statuses[500] == 0 and statuses[400] > 0

    def test_every_naughty_string_as_body_is_shown_exactly_or_refused(self) -> None:
        statuses = self.post_each("body")
        assert statuses[500] == 0 and statuses[302] > 450

    def test_every_naughty_string_as_parent_is_refused_unless_empty(self) -> None:
        statuses = self.post_each("parent")
        assert statuses[500] == 0 and statuses[400] > 500

    def test_every_naughty_string_as_token_is_refused(self) -> None:
        statuses = self.post_each("token")
        assert statuses == Counter({400: len(BLNS)})

    def test_every_naughty_string_as_next_redirects_on_site(self) -> None:
        statuses = self.post_each("next")
        assert statuses == Counter({302: len(BLNS)})


def raw_post(client: Client, body: bytes, **extra: str) -> object:
    return client.generic(
        "POST", POST_URL, body, content_type="application/x-www-form-urlencoded", **extra
    )


class MalformedRequestTests(TestCase):
    """Bytes no browser sends: each gets a clear 4xx and nothing half-stored."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.article = Article.objects.create(title="Raw", slug="raw")
        cls.token = old_token(cls.article)

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=False)

    def form(self, **fields: str) -> bytes:
        from urllib.parse import quote

        data = {
            "name": "Ann",
            "email": "ann@example.com",
            "body": "Hello.",
            "token": self.token,
            **fields,
        }
        return "&".join(
            f"{k}={v if k.startswith('raw:') else quote(v)}" for k, v in data.items()
        ).encode()

    def test_nul_bytes_in_any_field_are_refused_with_a_form_error(self) -> None:
        for name in ("name", "email", "url", "body"):
            response = self.client.post(
                POST_URL,
                {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": self.token}
                | {name: "a\x00b"},
            )
            assert response.status_code == 400, name
            assert b"Null characters are not allowed." in response.content, name
        assert not Comment.objects.exists()

    def test_nul_bytes_in_next_or_parent_never_reach_the_database(self) -> None:
        response = self.client.post(
            POST_URL,
            {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": self.token}
            | {"parent": "1\x00", "next": "/\x00/evil.example"},
        )
        assert response.status_code == 400

    def test_nul_bytes_in_the_user_agent_are_dropped_before_storing(self) -> None:
        response = self.client.post(
            POST_URL,
            {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": self.token},
            HTTP_USER_AGENT="Mozilla\x00/5.0",
        )
        assert response.status_code == 302
        assert Comment.objects.get().user_agent == "Mozilla/5.0"

    def test_percent_encoded_lone_surrogates_become_replacement_characters(self) -> None:
        body = self.form() + b"&body=A%ED%A0%80B&name=%ED%B0%80Ann"
        response = raw_post(self.client, body)
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.body == "A\ufffd\ufffd\ufffdB"
        assert comment.author_name == "\ufffd\ufffd\ufffdAnn"

    def test_invalid_utf8_and_invalid_percent_encoding_are_stored_as_sent_or_replaced(
        self,
    ) -> None:
        body = self.form() + b"&body=%ZZ%%%FF%C3%28 100%&name=%G1"
        response = raw_post(self.client, body)
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert comment.body == "%ZZ%%\ufffd\ufffd( 100%"
        assert comment.author_name == "%G1"

    def test_a_body_that_is_not_utf8_is_read_as_latin1_not_a_server_error(self) -> None:
        # Django's fallback for an undecodable form body: every byte is a character.
        body = self.form() + b"&body=caf\xe9 \xff\xfe"
        response = raw_post(self.client, body)
        assert response.status_code == 302
        assert Comment.objects.get().body == "caf\xe9 \xff\xfe"

    def test_over_long_fields_are_refused_with_form_errors(self) -> None:
        cases = {
            "name": "n" * 101,
            "email": "e" * 250 + "@example.com",
            "url": "https://example.com/" + "u" * 200,
            "body": "b" * 5001,
        }
        for name, value in cases.items():
            response = self.client.post(
                POST_URL,
                {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": self.token}
                | {name: value},
            )
            assert response.status_code == 400, name
            assert b"errorlist" in response.content, name
        assert not Comment.objects.exists()

    def test_over_long_token_and_next_are_harmless(self) -> None:
        response = self.client.post(
            POST_URL,
            {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": "x" * 60000},
        )
        assert response.status_code == 400
        response = self.client.post(
            POST_URL,
            {"name": "Ann", "email": "ann@example.com", "body": "Hi", "token": self.token}
            | {"next": "/" + "n" * 5000},
        )
        # Too long to be a redirect target: the comment is posted and the page used instead.
        assert response.status_code == 302
        assert response["Location"].startswith("/articles/raw/#comment-")

    @override_settings(COMMENTS_PLUGIN={"MAX_REQUEST_SIZE": 10_000})
    def test_a_body_over_the_request_size_cap_gets_a_clear_413(self) -> None:
        response = self.client.post(
            POST_URL,
            {"name": "Ann", "email": "ann@example.com", "body": "b" * 20_000, "token": self.token},
        )
        assert response.status_code == 413
        assert b"too large" in response.content
        assert not Comment.objects.exists()

    def test_a_body_over_djangos_upload_limit_gets_a_4xx(self) -> None:
        response = self.client.post(
            POST_URL,
            {
                "name": "Ann",
                "email": "ann@example.com",
                "body": "b" * 3_000_000,
                "token": self.token,
            },
        )
        assert response.status_code in (400, 413)
        assert not Comment.objects.exists()

    def test_too_many_fields_get_a_400(self) -> None:
        body = self.form() + b"".join(b"&f%d=1" % i for i in range(2000))
        response = raw_post(self.client, body)
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_a_broken_multipart_body_gets_a_400(self) -> None:
        response = self.client.generic(
            "POST", POST_URL, b"--x\r\nnonsense", content_type="multipart/form-data; boundary="
        )
        assert response.status_code == 400

    def test_a_multipart_charset_that_is_no_text_encoding_gets_a_400(self) -> None:
        body = b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi\r\n--x--\r\n'
        for charset in ("rot13", "hex", "idna", "undefined", "x-no-such-codec", "utf-16"):
            response = Client(raise_request_exception=False).generic(
                "POST",
                POST_URL,
                body,
                content_type=f"multipart/form-data; boundary=x; charset={charset}",
            )
            assert response.status_code == 400, charset
        assert not Comment.objects.exists()

    def test_a_file_and_repeated_fields_are_not_a_server_error(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {
            "name": "Ann",
            "email": "ann@example.com",
            "body": ["first", "second"],
            "token": self.token,
            "upload": SimpleUploadedFile("a.txt", b"file"),
        }
        response = self.client.post(POST_URL, data)
        assert response.status_code == 302
        assert Comment.objects.get().body == "second"  # the last value, as QueryDict.get

    def test_a_negative_or_huge_content_length_is_not_a_server_error(self) -> None:
        # (A non-numeric one never gets here: WSGI servers refuse the request themselves.)
        for length in ("-1", "99999999999999999999"):
            response = raw_post(self.client, self.form(), CONTENT_LENGTH=length)
            assert response.status_code in (302, 400, 413), length

    def test_a_reply_to_a_huge_parent_id_is_a_form_error(self) -> None:
        make_comment(self.article)
        for value in ("9" * 30, "-1", "1e5", "0x10", "1.5"):
            response = self.client.post(
                POST_URL,
                {"name": "Ann", "email": "a@example.com", "body": "Hi", "token": self.token}
                | {"parent": value},
            )
            assert response.status_code == 400, value


@pytest.mark.postgres
class PostgresHostileInputTests(MalformedRequestTests):
    """The same bytes against PostgreSQL, which refuses NUL and checks encodings itself."""

    @classmethod
    def setUpClass(cls) -> None:
        if connection.vendor != "postgresql":
            raise pytest.skip.Exception("needs PostgreSQL (set DATABASE_URL)")
        super().setUpClass()
