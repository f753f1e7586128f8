from django.core.cache import cache
from django.test import SimpleTestCase, TestCase

from comments_plugin.models import Comment
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.honeypot import HONEYPOT_FIELD, HoneypotFilter
from comments_plugin.threads import PENDING_COOKIE
from tests.testapp.helpers import form_data
from tests.testapp.models import Article


class HoneypotFilterTests(SimpleTestCase):
    def test_a_filled_honeypot_discards_the_comment(self):
        verdict = HoneypotFilter().check(Comment(), Submission(form_data={HONEYPOT_FIELD: "x"}))
        assert verdict.discard and verdict.score == 10.0

    def test_an_empty_honeypot_says_nothing(self):
        assert (
            HoneypotFilter().check(Comment(), Submission(form_data={HONEYPOT_FIELD: " "})) is None
        )

    def test_discard_can_be_turned_into_a_score(self):
        flt = HoneypotFilter(DISCARD=False, SCORE=3)
        verdict = flt.check(Comment(), Submission(form_data={HONEYPOT_FIELD: "x"}))
        assert not verdict.discard and verdict.score == 3.0


class HoneypotResponseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def post(self, **extra):
        cache.clear()  # flood marks
        return self.client.post("/comments/post/", form_data(self.article, **extra))

    def test_a_discarded_comment_gets_the_status_and_cookie_of_a_held_one(self):
        held = self.post(body="See https://a.example.com/x and https://b.example.org/y")
        assert Comment.objects.get().status == "pending"
        self.client.cookies.clear()
        discarded = self.post(**{HONEYPOT_FIELD: "http://spam.example/"})
        assert Comment.objects.count() == 1
        assert held.status_code == discarded.status_code == 302
        assert PENDING_COOKIE in held.cookies and PENDING_COOKIE in discarded.cookies
