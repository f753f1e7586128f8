import datetime

import pytest
from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.utils import timezone

from comments_plugin import operations
from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment, Status
from comments_plugin.moderation import AlreadyRegistered, CommentPolicy, NotRegistered, moderator
from tests.testapp.helpers import form_data, make_comment
from tests.testapp.models import Article, Note

NO_FILTERS = {"SPAM_FILTERS": []}


def post(target, *, user=None, parent=None, email="ann@example.com", body="A kind word."):
    comment = operations.build_comment(
        target=target, body=body, author_name="Ann", author_email=email, user=user, parent=parent
    )
    return operations.post_comment(comment)


class PolicyTestCase(TestCase):
    policy: type[CommentPolicy] | None = None

    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(
            title="Soup", slug="soup", published_at=timezone.now() - datetime.timedelta(days=10)
        )

    def setUp(self):
        if self.policy is not None:
            self.use(self.policy)

    def use(self, policy):
        moderator.register(Article, policy)
        self.addCleanup(moderator.unregister, Article)


class EnableFieldPolicy(CommentPolicy):
    enable_field = "comments_open"


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class EnableFieldTests(PolicyTestCase):
    policy = EnableFieldPolicy

    def test_comments_are_open_while_the_field_is_true(self):
        assert post(self.article).comment.status == Status.APPROVED

    def test_a_false_field_refuses_new_comments(self):
        self.article.comments_open = False
        with pytest.raises(CommentRejected) as info:
            post(self.article)
        assert info.value.code == "closed" and info.value.status == 403
        assert not Comment.objects.exists()

    def test_a_closed_discussion_shows_a_notice_instead_of_the_form(self):
        Article.objects.filter(pk=self.article.pk).update(comments_open=False)
        page = self.client.get("/articles/soup/").content.decode()
        assert "Comments are closed." in page
        assert 'id="commentform"' not in page

    def test_posting_to_a_closed_discussion_is_forbidden(self):
        data = form_data(self.article)
        Article.objects.filter(pk=self.article.pk).update(comments_open=False)
        response = self.client.post("/comments/post/", data)
        assert response.status_code == 403
        assert "Comments are closed." in response.content.decode()
        assert not Comment.objects.exists()


class CloseAfterPolicy(CommentPolicy):
    auto_close_field = "published_at"
    close_after = 7


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class CloseAfterTests(PolicyTestCase):
    policy = CloseAfterPolicy

    def test_an_old_object_is_closed(self):
        assert not moderator.policy_for(self.article).comments_open(self.article)
        with pytest.raises(CommentRejected):
            post(self.article)

    def test_a_recent_object_is_open(self):
        self.article.published_at = timezone.now() - datetime.timedelta(days=6)
        assert post(self.article).comment.status == Status.APPROVED

    def test_an_object_without_a_date_stays_open(self):
        self.article.published_at = None
        assert moderator.policy_for(self.article).comments_open(self.article)

    def test_a_date_field_counts_too(self):
        self.article.published_at = timezone.localdate() - datetime.timedelta(days=8)
        assert not moderator.policy_for(self.article).comments_open(self.article)


class HoldAfterPolicy(CommentPolicy):
    auto_close_field = "published_at"
    hold_after = 7


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class HoldAfterTests(PolicyTestCase):
    policy = HoldAfterPolicy

    def test_comments_on_an_old_object_are_held_with_the_reason(self):
        result = post(self.article)
        assert result.comment.status == Status.PENDING
        assert "older than 7 days" in result.comment.spam_reasons[-1]["message"]

    def test_comments_on_a_recent_object_are_published(self):
        self.article.published_at = timezone.now()
        assert post(self.article).comment.status == Status.APPROVED


class FirstTimePolicy(CommentPolicy):
    hold_first_time = True


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class HoldFirstTimeTests(PolicyTestCase):
    policy = FirstTimePolicy

    def test_a_first_comment_is_held(self):
        result = post(self.article)
        assert result.comment.status == Status.PENDING
        assert result.comment.spam_reasons[-1]["message"] == "First comment from this author."

    def test_an_author_with_an_approved_comment_is_published(self):
        make_comment(self.article, author_email="ANN@example.com", status=Status.APPROVED)
        assert post(self.article).comment.status == Status.APPROVED

    def test_a_held_or_spam_comment_does_not_count_as_known(self):
        make_comment(self.article, author_email="ann@example.com", status=Status.PENDING)
        make_comment(self.article, author_email="ann@example.com", status=Status.SPAM)
        assert post(self.article).comment.status == Status.PENDING

    def test_a_member_is_recognised_by_account_not_address(self):
        user = User.objects.create_user("ann", "ann@example.com")
        assert post(self.article, user=user).comment.status == Status.PENDING
        make_comment(
            self.article, user=user, author_email="old@example.com", status=Status.APPROVED
        )
        assert post(self.article, user=user).comment.status == Status.APPROVED

    def test_an_anonymous_comment_without_an_address_is_held(self):
        make_comment(self.article, author_email="", status=Status.APPROVED)
        assert post(self.article, email="").comment.status == Status.PENDING


@override_settings(COMMENTS_PLUGIN={**NO_FILTERS, "HOLD_FIRST_TIME": True})
class GlobalDefaultTests(PolicyTestCase):
    def test_the_setting_applies_to_models_without_a_policy(self):
        note = Note.objects.create(text="A note")
        assert post(note).comment.status == Status.PENDING

    def test_a_policy_overrides_the_setting(self):
        class Trusting(CommentPolicy):
            hold_first_time = False

        self.use(Trusting)
        assert post(self.article).comment.status == Status.APPROVED


class LoginPolicy(CommentPolicy):
    require_login = True


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class RequireLoginTests(PolicyTestCase):
    policy = LoginPolicy

    def test_anonymous_comments_are_refused(self):
        with pytest.raises(CommentRejected) as info:
            post(self.article)
        assert info.value.code == "login_required"

    def test_members_may_comment(self):
        user = User.objects.create_user("ann", "ann@example.com")
        assert post(self.article, user=user).comment.status == Status.APPROVED

    def test_the_form_asks_visitors_to_log_in(self):
        page = self.client.get("/articles/soup/").content.decode()
        assert "You must be logged in to post a comment." in page
        assert 'id="commentform"' not in page

    @override_settings(COMMENTS_PLUGIN={**NO_FILTERS, "REQUIRE_LOGIN": True})
    def test_the_setting_is_the_default_a_policy_can_lift(self):
        note = Note.objects.create(text="A note")
        with pytest.raises(CommentRejected):
            post(note)

        class Open(CommentPolicy):
            require_login = False

        moderator.unregister(Article)
        moderator.register(Article, Open)
        assert post(self.article).comment.status == Status.APPROVED


class ShallowPolicy(CommentPolicy):
    max_depth = 1


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class MaxDepthTests(PolicyTestCase):
    policy = ShallowPolicy

    def test_replies_up_to_the_depth_are_accepted(self):
        root = make_comment(self.article)
        assert post(self.article, parent=root).comment.depth == 1

    def test_deeper_replies_are_refused(self):
        root = make_comment(self.article)
        child = make_comment(self.article, parent=root)
        with pytest.raises(CommentRejected) as info:
            post(self.article, parent=child)
        assert info.value.code == "too_deep"

    @override_settings(COMMENTS_PLUGIN={**NO_FILTERS, "MAX_DEPTH": 0})
    def test_the_setting_is_the_default(self):
        note = Note.objects.create(text="A note")
        root = make_comment(note)
        with pytest.raises(CommentRejected):
            post(note, parent=root)


class ModerateAllPolicy(CommentPolicy):
    moderate_all = True


@override_settings(COMMENTS_PLUGIN=NO_FILTERS)
class ModerateAllTests(PolicyTestCase):
    def test_a_policy_can_hold_everything(self):
        self.use(ModerateAllPolicy)
        assert post(self.article).comment.status == Status.PENDING

    @override_settings(COMMENTS_PLUGIN={**NO_FILTERS, "MODERATE_ALL": True})
    def test_the_setting_holds_everything_without_a_policy(self):
        assert post(self.article).comment.status == Status.PENDING

    @override_settings(COMMENTS_PLUGIN={**NO_FILTERS, "MODERATE_ALL": True})
    def test_moderators_are_never_held_by_their_own_queue(self):
        user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        assert post(self.article, user=user).comment.status == Status.APPROVED


class AuthorEmailTests(TestCase):
    def test_no_author_by_default(self):
        assert CommentPolicy(Article).get_author_email(Article(title="x")) is None

    def test_author_field_may_hold_a_user(self):
        class ByUser(CommentPolicy):
            author_field = "editor"

        article = Article(title="x")
        article.editor = User(username="ed", email="ed@example.com")
        assert ByUser(Article).get_author_email(article) == "ed@example.com"

    def test_author_field_may_hold_an_address(self):
        class ByAddress(CommentPolicy):
            author_field = "slug"

        assert (
            ByAddress(Article).get_author_email(Article(slug="me@example.com")) == "me@example.com"
        )

    @override_settings(COMMENTS_PLUGIN={"NOTIFY_AUTHOR": True})
    def test_notify_author_follows_the_setting_unless_the_policy_says(self):
        class Quiet(CommentPolicy):
            notify_author = False

        assert CommentPolicy(Article).should_notify_author(Article())
        assert not Quiet(Article).should_notify_author(Article())


class RegistryTests(TestCase):
    def test_unregistered_models_get_the_default_policy(self):
        policy = moderator.policy_for(Note)
        assert type(policy) is CommentPolicy and policy.model is Note

    def test_a_registered_policy_is_found_from_an_instance(self):
        moderator.register(Note, ShallowPolicy)
        self.addCleanup(moderator.unregister, Note)
        assert isinstance(moderator.policy_for(Note(text="x")), ShallowPolicy)
        assert moderator.is_registered(Note)

    def test_registering_twice_is_an_error(self):
        moderator.register([Note], ShallowPolicy)
        self.addCleanup(moderator.unregister, [Note])
        with pytest.raises(AlreadyRegistered):
            moderator.register(Note, ShallowPolicy)

    def test_unregistering_an_unknown_model_is_an_error(self):
        with pytest.raises(NotRegistered):
            moderator.unregister(Note)
