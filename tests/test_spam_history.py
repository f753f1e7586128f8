"""Filters that judge a new comment by the stored ones: duplicate, known spammer, trusted."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone

from comments_plugin import operations
from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment, Status
from comments_plugin.spam import Submission, run_pipeline
from comments_plugin.spam.analysis import body_hash
from comments_plugin.spam.filters.duplicate import DuplicateFilter
from comments_plugin.spam.filters.known_spammer import KnownSpammerFilter
from comments_plugin.spam.filters.trusted import TrustedCommenterFilter
from comments_plugin.spam.history import HistoryFilter
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article

LONG = "This exact sentence is long enough to count as a duplicate."


def new(target, body="Hello there", **fields):
    fields.setdefault("author_name", "Bob")
    fields.setdefault("author_email", "bob@example.com")
    return operations.build_comment(target=target, body=body, **fields)


def codes(flt, comment):
    result = flt.check(comment, Submission())
    if result is None:
        return {}
    if not isinstance(result, list):
        result = [result]
    return {v.code: v.score for v in result}


class DuplicateFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        cls.other = Article.objects.create(title="B", slug="b")

    def test_the_same_author_repeating_on_the_same_object_is_refused(self):
        make_comment(self.article, "Thanks!", author_email="bob@example.com")
        with self.assertRaises(CommentRejected) as caught:
            DuplicateFilter().check(new(self.article, "thanks! "), Submission())
        assert caught.exception.status == 400
        assert "Duplicate comment detected" in caught.exception.message

    def test_the_same_text_on_one_other_object_is_held_not_spam(self):
        # Two readers may thank two articles in the same words.
        make_comment(self.other, LONG, author_email="someone@example.com")
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {"duplicate_elsewhere": 1.0}

    def test_the_same_text_on_two_other_objects_is_spam(self):
        third = Article.objects.create(title="C", slug="c")
        make_comment(self.other, LONG, author_email="someone@example.com")
        make_comment(third, LONG, author_email="someone-else@example.com")
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {"duplicate": 3.0}

    def test_one_echo_on_this_object_is_fine_but_a_run_of_copies_is_held(self):
        make_comment(self.article, LONG, author_email="someone@example.com")
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {}
        make_comment(self.article, LONG, author_email="another@example.com")
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {"duplicate_here": 1.0}

    def test_short_stock_replies_by_different_people_are_fine(self):
        make_comment(self.other, "Thanks!", author_email="someone@example.com")
        assert codes(DuplicateFilter(), new(self.article, "Thanks!")) == {}

    def test_a_copy_with_other_spacing_and_case_is_found_by_its_hash(self):
        make_comment(self.other, LONG, author_email="someone@example.com")
        copy = new(self.article, "  " + LONG.upper().replace(" ", "\n  "))
        assert codes(DuplicateFilter(), copy) == {"duplicate_elsewhere": 1.0}

    def test_the_body_hash_follows_an_edited_body(self):
        comment = make_comment(self.article, LONG)
        assert comment.body_hash == body_hash(LONG.lower())
        comment.body = "Something else entirely, long enough to count."
        comment.save(update_fields=["body"])
        comment.refresh_from_db()
        assert comment.body_hash == body_hash("Something else entirely, long enough to count.")

    def test_imported_comments_are_found_as_duplicates(self):
        imported = Comment(
            content_type=ContentType.objects.get_for_model(Article),
            object_pk=str(self.other.pk),
            author_name="Someone",
            body=LONG,
            status=Status.APPROVED,
        )
        operations.import_comments([imported])
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {"duplicate_elsewhere": 1.0}

    def test_old_and_trashed_comments_do_not_count(self):
        old = make_comment(self.other, LONG, author_email="someone@example.com")
        Comment.objects.filter(pk=old.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=8)
        )
        make_comment(self.other, LONG, author_email="x@example.com", status=Status.TRASH)
        assert codes(DuplicateFilter(), new(self.article, LONG)) == {}


class KnownSpammerFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        make_comment(
            cls.article,
            "spam",
            status=Status.SPAM,
            author_email="spammer@example.com",
            author_url="https://www.pills.example/buy",
            ip_address="192.0.2.9",
        )
        make_comment(
            cls.article,
            "spam",
            status=Status.SPAM,
            author_email="other@example.com",
            author_url="https://facebook.com/spammer",
        )

    def test_an_email_seen_in_spam_scores(self):
        comment = new(self.article, author_email="Spammer@example.com")
        assert codes(KnownSpammerFilter(), comment) == {"spammer_email": 2.0}

    def test_a_domain_seen_in_spam_scores_when_linked_or_as_website(self):
        linked = new(self.article, "Visit http://shop.pills.example/ now")
        assert codes(KnownSpammerFilter(), linked) == {"spammer_domain": 2.0}
        website = new(self.article, author_url="http://pills.example")
        assert codes(KnownSpammerFilter(), website) == {"spammer_domain": 2.0}

    def test_an_ip_address_seen_in_spam_scores_less(self):
        comment = new(self.article)
        comment.ip_address = "192.0.2.9"
        assert codes(KnownSpammerFilter(), comment) == {"spammer_ip": 1.0}

    def test_shared_hosts_are_not_held_against_everyone(self):
        comment = new(self.article, author_url="https://facebook.com/someone-else")
        assert codes(KnownSpammerFilter(), comment) == {}

    def test_approved_comments_do_not_make_a_spammer(self):
        make_comment(self.article, "hi", author_email="fine@example.com")
        assert codes(KnownSpammerFilter(), new(self.article, author_email="fine@example.com")) == {}


class TrustedCommenterFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        make_comment(cls.article, "hi", author_name="Bob", author_email="bob@example.com")
        cls.user = get_user_model().objects.create_user("carol")

    def test_an_earlier_approved_comment_with_the_same_name_and_email_lowers_the_score(self):
        comment = new(self.article, author_name="bob ", author_email="BOB@example.com")
        assert codes(TrustedCommenterFilter(), comment) == {"trusted_commenter": -1.0}

    def test_the_same_email_with_another_name_is_not_trusted(self):
        comment = new(self.article, author_name="Mallory", author_email="bob@example.com")
        assert codes(TrustedCommenterFilter(), comment) == {}

    def test_held_or_spam_comments_earn_no_trust(self):
        make_comment(
            self.article,
            "x",
            author_name="Eve",
            author_email="eve@example.com",
            status=Status.PENDING,
        )
        comment = new(self.article, author_name="Eve", author_email="eve@example.com")
        assert codes(TrustedCommenterFilter(), comment) == {}

    def test_a_user_account_with_an_approved_comment_is_trusted(self):
        make_comment(self.article, "x", user=self.user, author_name="Carol")
        comment = new(self.article, author_name="C.", author_email="", user=self.user)
        assert codes(TrustedCommenterFilter(SCORE=-2), comment) == {"trusted_commenter": -2.0}


class SharedHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        make_comment(cls.article, "old", status=Status.SPAM, author_email="bob@example.com")
        make_comment(cls.article, "hi", author_name="Bob", author_email="bob@example.com")

    def test_the_three_history_filters_share_one_query(self):
        filters = [DuplicateFilter(), KnownSpammerFilter(), TrustedCommenterFilter()]
        comment = new(self.article, "a new thought")
        with self.assertNumQueries(1):
            result = run_pipeline(comment, Submission(), filters=filters)
        assert {v.code for v in result.verdicts} == {"spammer_email", "trusted_commenter"}

    def test_a_filter_giving_an_orm_q_joins_the_same_query(self):
        class SameNameFilter(HistoryFilter):
            name = "same_name"

            def history_query(self, comment):
                return Q(author_name=comment.author_name)

            def check_history(self, comment, earlier, submission):
                names = [r.author_name for r in earlier if r.author_name == comment.author_name]
                return self.verdict("same_name", len(names))

        filters = [DuplicateFilter(), SameNameFilter()]
        comment = new(self.article, "a new thought", author_name="Bob")
        with self.assertNumQueries(1):
            result = run_pipeline(comment, Submission(), filters=filters)
        assert [(v.code, v.score) for v in result.verdicts] == [("same_name", 1.0)]

    def test_a_website_is_found_by_the_start_of_its_address(self):
        make_comment(
            self.article,
            "spam",
            status=Status.SPAM,
            author_url="https://www.pills.example/buy",
        )
        for url, expected in (
            ("http://pills.example", {"spammer_domain"}),
            ("https://shop.pills.example/x", {"spammer_domain"}),
            ("https://pills.example.org", set()),
        ):
            comment = new(self.article, "a new thought", author_email="", author_url=url)
            assert set(codes(KnownSpammerFilter(), comment)) == expected, url
