import hashlib

from django.test import SimpleTestCase, override_settings

from comments_plugin import avatars
from comments_plugin.models import Comment


class AvatarUrlTests(SimpleTestCase):
    def comment(self, email="Ann@Example.com ", name="Ann") -> Comment:
        return Comment(pk=7, author_email=email, author_name=name)

    def test_the_default_avatar_is_local_and_hides_the_email(self):
        url = avatars.avatar_url(self.comment())
        assert url.startswith("/comments/avatar/") and url.endswith(".svg")
        assert "ann" not in url.lower().replace("/comments/avatar/", "")
        sha = hashlib.sha256(b"ann@example.com").hexdigest()
        md5 = hashlib.md5(b"ann@example.com").hexdigest()  # only to show it is absent
        assert sha[: avatars.KEY_LENGTH] not in url and md5[: avatars.KEY_LENGTH] not in url

    def test_the_same_address_gets_the_same_avatar_whatever_its_case(self):
        assert avatars.avatar_url(self.comment("ann@example.com")) == avatars.avatar_url(
            self.comment(" ANN@example.com")
        )
        assert avatars.avatar_url(self.comment("bob@example.com")) != avatars.avatar_url(
            self.comment()
        )

    def test_the_key_depends_on_the_secret_key(self):
        first = avatars.avatar_key("ann@example.com")
        with self.settings(SECRET_KEY="another-secret"):
            assert avatars.avatar_key("ann@example.com") != first

    def test_a_comment_without_email_uses_its_name(self):
        assert avatars.avatar_url(self.comment(email="")) == avatars.avatar_url(
            self.comment(email="", name="Ann")
        )

    @override_settings(COMMENTS_PLUGIN={"GRAVATAR": True, "AVATAR_SIZE": 64})
    def test_gravatar_uses_sha256_when_turned_on(self):
        digest = hashlib.sha256(b"ann@example.com").hexdigest()
        url = avatars.avatar_url(self.comment())
        assert url == f"https://gravatar.com/avatar/{digest}?s=64&d=identicon"

    @override_settings(COMMENTS_PLUGIN={"GRAVATAR": True})
    def test_gravatar_is_not_asked_about_comments_without_email(self):
        assert avatars.avatar_url(self.comment(email="")).startswith("/comments/avatar/")

    def test_gravatar_is_off_by_default(self):
        assert "gravatar" not in avatars.avatar_url(self.comment())


class IdenticonTests(SimpleTestCase):
    def test_an_identicon_is_a_deterministic_svg(self):
        svg = avatars.identicon_svg("0123456789abcdef0123")
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
        assert svg == avatars.identicon_svg("0123456789abcdef0123")
        assert svg != avatars.identicon_svg("fedcba9876543210fedc")

    def test_an_identicon_is_symmetric(self):
        import re

        svg = avatars.identicon_svg("0123456789abcdef0123")
        cells = set(re.findall(r'<rect x="(\d)" y="(\d)" width="1"', svg))
        assert cells
        assert all((str(6 - int(x)), y) in cells for x, y in cells)
