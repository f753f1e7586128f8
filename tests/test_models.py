from django.contrib.auth.models import Permission
from django.test import TestCase

from comments_plugin.models import Comment, ModerationEvent, Status
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article, Note


class CommentModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.other = Article.objects.create(title="Other", slug="other")
        cls.root = make_comment(cls.article, "Root")
        cls.reply = make_comment(cls.article, "Reply", parent=cls.root)
        cls.held = make_comment(cls.article, "Held", status=Status.PENDING)
        cls.spam = make_comment(cls.article, "Spam", status=Status.SPAM)
        cls.trash = make_comment(cls.article, "Trash", status=Status.TRASH)
        cls.elsewhere = make_comment(cls.other, "Elsewhere")

    def test_str_shows_author_and_a_short_body(self):
        assert str(self.root) == "Ann: Root"
        long = Comment(author_name="Bob", body="x" * 80)
        assert str(long) == "Bob: " + "x" * 49 + "…"

    def test_queryset_helpers_select_by_status_object_and_thread(self):
        on_article = Comment.objects.for_object(self.article)
        assert set(on_article.approved()) == {self.root, self.reply}
        assert list(on_article.in_moderation()) == [self.held]
        assert list(on_article.spam()) == [self.spam]
        assert list(on_article.trashed()) == [self.trash]
        assert self.elsewhere not in on_article
        assert set(on_article.roots()) == {self.root, self.held, self.spam, self.trash}

    def test_for_target_accepts_any_kind_of_key(self):
        note = Note.objects.create(text="n")
        comment = make_comment(note)
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Note)
        assert list(Comment.objects.for_target(ct, note.pk)) == [comment]
        assert comment.content_object == note

    def test_thread_fields_point_at_the_root(self):
        grandchild = make_comment(self.article, parent=self.reply)
        assert (grandchild.thread_id, grandchild.depth) == (self.root.pk, 2)
        assert grandchild.thread_root_id == self.root.pk
        assert self.root.thread_root_id == self.root.pk

    def test_only_approved_comments_are_public(self):
        assert self.root.is_public and not self.held.is_public

    def test_the_absolute_url_is_the_permalink(self):
        assert self.root.get_absolute_url() == f"/comments/c/{self.root.pk}/"

    def test_deleting_a_comment_deletes_its_replies(self):
        self.root.delete()
        assert not Comment.objects.filter(pk=self.reply.pk).exists()

    def test_deleting_the_user_keeps_the_comment(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("gone")
        comment = make_comment(self.article, user=user)
        user.delete()
        comment.refresh_from_db()
        assert comment.user is None

    def test_the_moderate_permission_exists(self):
        assert Permission.objects.filter(
            codename="moderate_comment", content_type__app_label="comments_plugin"
        ).exists()

    def test_status_choices_are_the_four_states(self):
        assert list(Status.values) == ["pending", "approved", "spam", "trash"]

    def test_indexes_cover_the_public_list_and_the_queue(self):
        names = {index.name for index in Comment._meta.indexes}
        assert {"cp_comment_public_idx", "cp_comment_queue_idx"} <= names


class ModerationEventTests(TestCase):
    def test_str_shows_the_change(self):
        event = ModerationEvent(
            comment_id=3, from_status="pending", to_status="approved", action="approve"
        )
        assert str(event) == "3: pending → approved (approve)"
        assert str(ModerationEvent(comment_id=3, to_status="approved", action="post")).startswith(
            "3: - →"
        )
