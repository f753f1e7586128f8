import xml.etree.ElementTree as ET

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from comments_plugin.models import Status
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article, Note

EMAIL = "feed-secret@example.com"


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.other = Article.objects.create(title="Other", slug="other")
        cls.ct = ContentType.objects.get_for_model(Article)
        cls.visible = make_comment(
            cls.article,
            "Visible <b>text</b>",
            author_email=EMAIL,
            author_url="https://ann.example/",
        )
        make_comment(cls.article, "Held text", status=Status.PENDING, author_email=EMAIL)
        make_comment(cls.article, "Spam text", status=Status.SPAM)
        make_comment(cls.other, "Elsewhere text")

    def get(self, url: str, **kwargs) -> str:
        response = self.client.get(url, **kwargs)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/rss+xml")
        return response.content.decode()

    def test_the_site_feed_lists_only_approved_comments_newest_first(self):
        xml = self.get("/comments/feed/")
        assert "Visible" in xml and "Elsewhere text" in xml
        assert xml.index("Elsewhere text") < xml.index("Visible")
        assert "Held text" not in xml and "Spam text" not in xml

    def test_the_object_feed_lists_only_that_objects_approved_comments(self):
        xml = self.get(f"/comments/feed/{self.ct.pk}/{self.article.pk}/")
        assert "Visible" in xml
        assert "Elsewhere text" not in xml and "Held text" not in xml
        assert "Comments on “Hello”" in xml

    def test_no_feed_contains_an_email_address(self):
        for url in ("/comments/feed/", f"/comments/feed/{self.ct.pk}/{self.article.pk}/"):
            xml = self.get(url)
            assert EMAIL not in xml and "@" not in xml, url

    def test_links_are_absolute_from_the_request_and_follow_its_scheme(self):
        xml = self.get("/comments/feed/", secure=True)
        channel = ET.fromstring(xml).find("channel")
        assert channel.findtext("link") == "https://testserver/"
        item_link = channel.find("item").findtext("link")
        assert item_link.startswith("https://testserver/comments/c/")
        assert "http://" not in channel.find("item").findtext("link")

    def test_item_bodies_are_escaped_html(self):
        xml = self.get(f"/comments/feed/{self.ct.pk}/{self.article.pk}/")
        item = ET.fromstring(xml).find("channel/item")
        assert item.findtext("description") == "<p>Visible &lt;b&gt;text&lt;/b&gt;</p>"
        assert item.findtext("title") == "Comment by Ann"

    def test_an_object_feed_for_an_unknown_object_is_404(self):
        note_ct = ContentType.objects.get_for_model(Note)
        for url in (
            f"/comments/feed/{self.ct.pk}/999999/",
            "/comments/feed/999999/1/",
            f"/comments/feed/{self.ct.pk}/not-a-number/",
            f"/comments/feed/{note_ct.pk}/not-a-uuid/",
        ):
            assert self.client.get(url).status_code == 404, url

    def test_objects_without_a_public_page_have_no_feed(self):
        # Otherwise any model's str() (a user's name) could be read by guessing ids.
        user = get_user_model().objects.create_user("secret-username")
        user_ct = ContentType.objects.get_for_model(user)
        response = self.client.get(f"/comments/feed/{user_ct.pk}/{user.pk}/")
        assert response.status_code == 404
        assert b"secret-username" not in response.content

    def test_a_comment_has_no_feed_of_its_own(self):
        # A comment has a page (its permalink), but its str() is its author and text: a
        # feed for a held or spam comment would publish what only moderators may read.
        comment_ct = ContentType.objects.get_for_model(self.visible)
        held = make_comment(self.article, "Private held words", status=Status.PENDING)
        for comment in (held, self.visible):
            response = self.client.get(f"/comments/feed/{comment_ct.pk}/{comment.pk}/")
            assert response.status_code == 404
            assert b"Private held words" not in response.content
