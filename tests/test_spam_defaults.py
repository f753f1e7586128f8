"""The default pipeline on a fresh install: ordinary comments pass, the issue's spam does not."""

import datetime

from django.contrib.auth import get_user_model
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from comments_plugin import operations
from comments_plugin.models import Status
from comments_plugin.spam import Decision, Submission
from tests.testapp.models import Article

# (author name, body, website): what people really write under an English article.
ORDINARY = [
    ("Ann Baker", "Great write-up, thanks for sharing!", ""),
    ("tom", "I tried this on Django 5.2 and it worked after I ran migrate again.", ""),
    ("Priya", "Could you explain why you chose PostgreSQL over MySQL here?", ""),
    (
        "Sam Okafor",
        "Here's the page I mentioned: https://docs.djangoproject.com/en/5.2/topics/cache/",
        "",
    ),
    ("K", "+1", ""),
    ("Lena", "Thanks!", ""),
    ("Bob", "We paid about $12,500 for the renovation in 2023, roughly 30% over budget.", ""),
    ("Ines", "The meeting is at 14:30 on 2024-05-17, room 101.", ""),
    ("José Álvarez", "Muy bien explicado. Very clearly explained, gracias.", ""),
    (
        "Zoë Brontë-Smith",
        "I disagree with the second point; caching at the view level gave us stale pages.",
        "",
    ),
    ("François Müller", "Merci ! This saved me an afternoon.", ""),
    ("jj", "lol", ""),
    ("Greta", "My order number was 10023 and support fixed it within a day.", ""),
    ("Dmitri Ivanov", "Call them at 555-0134, they were helpful.", ""),
    ("Helen", "I've been reading this blog for years. Keep it up.", ""),
    ("Marco", "This was really helpful, thank you.", ""),
    (
        "Ada",
        "Long time reader.\n\nI think the part about migrations is right, but on large tables "
        "you also want to add the index concurrently. We learned that the hard way when a "
        "deploy locked our orders table for four minutes.\n\nOtherwise a great summary.",
        "https://ada.example.org/",
    ),
    ("Chen Wei", "Version 3.11.4 fixed the segfault for me; 3.11.2 still crashes.", ""),
    ("Oli", "Is there a way to do this without JavaScript?", ""),
    ("Nora", "Nope.", ""),
    ("Raj Patel", "I came across this bug too, it is in the issue tracker already.", ""),
    ("Mia", "The recipe needs 250 g flour, 2 eggs and 120 ml milk.", ""),
    ("Lars", "Our team (5 people) migrated 120000 rows in 3 minutes.", ""),
    ("Mary O'Neil", "Beautiful photos of Kraków! Which lens did you use?", ""),
    ("Dr. A. N. Other", "A fair summary of the literature, though the 2019 study is missing.", ""),
    ("sam_k", "@Priya I think the answer is the JSON support, see the docs.", ""),
    ("Ben", "Check out the official tutorial, it covers this in part 4.", ""),
    ("Ruth", "ok thanks", ""),
    ("Tariq", "Wow 😀🎉 congrats on the launch!", ""),
    ("Eva", "I am new here, but this article on type hints cleared things up for me.", ""),
    ("Noah", "See https://example.com/a for the code.", "https://noah.dev"),
]

KOREAN_MASSAGE = (
    "마사지",
    "Heya i am for the first time here. I came across this board and I find It truly useful "
    "& it helped me out a lot. I hope to give something back and aid others like you helped me.",
)
CASINO = (
    "В Иззи Казино на izzi-kazino.qarakoz.kz",  # noqa: RUF001
    "808988 24791You might be websites successful individuals, it comes effortlessly, "
    "therefore you also earn you see, the jealousy of all of the ones lots of journeymen "
    "surrounding you can have challenges within this challenge. motor movers 451606",
)


class DefaultPipelineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Caching in Django", slug="caching")

    def post(self, name, body, url="", ip="203.0.113.7"):
        request = RequestFactory().post("/comments/post/", REMOTE_ADDR=ip)
        comment = operations.build_comment(
            target=self.article,
            body=body,
            author_name=name,
            author_email=f"{ip}@example.com",
            author_url=url,
            request=request,
        )
        submission = Submission(
            request=request,
            target=self.article,
            token_issued_at=timezone.now() - datetime.timedelta(minutes=2),
        )
        return operations.post_comment(comment, request=request, submission=submission)

    def test_ordinary_comments_are_approved(self):
        for i, (name, body, url) in enumerate(ORDINARY):
            result = self.post(name, body, url, ip=f"198.51.100.{i + 1}")
            assert result.decision == Decision.APPROVE, (body, result.verdicts)
            assert result.comment.status == Status.APPROVED

    def test_korean_massage_praise_is_caught_untrained(self):
        result = self.post(*KOREAN_MASSAGE)
        assert result.decision in (Decision.HOLD, Decision.SPAM)
        codes = {v.code for v in result.verdicts}
        assert {"unexpected_script_name", "generic_praise"} <= codes

    def test_casino_word_salad_is_caught_as_spam_untrained(self):
        result = self.post(*CASINO)
        assert result.decision == Decision.SPAM
        codes = {v.code for v in result.verdicts}
        assert {"link_in_name", "unexpected_script_name", "number_garbage"} <= codes

    def test_reasons_are_stored_for_moderators(self):
        comment = self.post(*CASINO).comment
        comment.refresh_from_db()
        messages = " ".join(r["message"] for r in comment.spam_reasons)
        assert "web address" in messages and "808988" in messages
        assert comment.spam_score >= 3

    def test_moderators_see_the_reasons_in_the_admin(self):
        comment = self.post(*CASINO).comment
        admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
        self.client.force_login(admin)
        page = self.client.get(reverse("admin:comments_plugin_comment_change", args=[comment.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "The author&#x27;s name contains a web address." in text
        assert "Stray long numbers in the text: 808988, 24791, 451606." in text
