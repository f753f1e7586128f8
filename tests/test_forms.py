import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection
from django.test import TestCase, override_settings

from comments_plugin.forms import TOKEN_SALT, BadTarget, CommentForm, make_token, read_token
from comments_plugin.models import PARENT_FIELDS, Comment, Status
from tests.testapp.helpers import form_data, make_comment
from tests.testapp.models import Article, Note, Page


class TokenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")

    def test_a_token_names_its_target_for_every_kind_of_key(self):
        note = Note.objects.create(text="n")
        page = Page.objects.create(slug="p", title="P")
        for target in (self.article, note, page):
            found, issued = read_token(make_token(target))
            assert found == target
            assert abs(issued.timestamp() - time.time()) < 5

    def test_a_token_is_signed(self):
        token = make_token(self.article)
        with self.assertRaises(BadTarget):
            read_token(token.replace(token[2], "A" if token[2] != "A" else "B", 1))

    @override_settings(COMMENTS_PLUGIN={"TOKEN_MAX_AGE": 10})
    def test_a_token_expires_after_token_max_age(self):
        with mock.patch("time.time", return_value=time.time() - 11):
            token = make_token(self.article)
        with self.assertRaisesMessage(BadTarget, "expired"):
            read_token(token)

    def test_a_validly_signed_token_with_bad_data_is_refused(self):
        for data in ({}, {"ct": "x", "pk": 1, "t": 0}, {"ct": 1, "pk": 1, "t": "x"}, [1, 2]):
            with self.assertRaises(BadTarget):
                read_token(signing.dumps(data, salt=TOKEN_SALT))


class CommentFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.other = Article.objects.create(title="Other", slug="other")

    def form(self, target=None, user=None, **extra) -> CommentForm:
        target = target or self.article
        return CommentForm(target, data=form_data(target, **extra), user=user)

    def test_a_complete_form_is_valid(self):
        form = self.form()
        assert form.is_valid(), form.errors
        assert form.token_age.total_seconds() >= 59

    def test_a_token_the_view_verified_is_not_verified_again(self):
        data = form_data(self.article)
        target, issued = read_token(data["token"])
        form = CommentForm(target, data=data, verified_token=(data["token"], issued))
        with mock.patch("comments_plugin.forms.read_token") as read:
            assert form.is_valid(), form.errors
        read.assert_not_called()
        assert form.token_issued_at == issued

    def test_a_verified_token_that_is_not_the_posted_one_does_not_count(self):
        data = form_data(self.article, token=make_token(self.other))
        genuine = form_data(self.article)["token"]
        _target, issued = read_token(genuine)
        form = CommentForm(self.article, data=data, verified_token=(genuine, issued))
        assert not form.is_valid()
        assert "This form belongs to another page." in form.errors["token"]

    def test_a_bound_form_signs_no_new_token(self):
        with mock.patch("comments_plugin.forms.make_token") as make:
            CommentForm(self.article, data=form_data(self.article))
        make.assert_not_called()
        assert CommentForm(self.article).initial["token"]

    def test_name_email_and_comment_are_required_and_website_is_not(self):
        form = self.form(name="", email="", body="", url="")
        assert not form.is_valid()
        assert set(form.errors) == {"name", "email", "body"}

    def test_a_token_for_another_page_is_refused(self):
        form = self.form(token=make_token(self.other))
        assert not form.is_valid()
        assert "This form belongs to another page." in form.errors["token"]

    def test_the_website_must_be_http_or_https(self):
        assert self.form(url="https://ok.example/").is_valid()
        assert self.form(url="http://ok.example/").is_valid()
        for url in ("ftp://x.example/", "javascript:alert(1)", "mailto:a@b.example"):
            form = self.form(url=url)
            assert not form.is_valid(), url
            assert "url" in form.errors

    def test_body_newlines_are_normalised(self):
        form = self.form(body="a\r\nb\rc")
        assert form.is_valid()
        assert form.cleaned_data["body"] == "a\nb\nc"

    @override_settings(COMMENTS_PLUGIN={"MAX_LENGTH": 10})
    def test_max_length_is_read_when_the_form_is_made(self):
        form = self.form(body="x" * 11)
        assert not form.is_valid()
        assert form.fields["body"].widget.attrs["maxlength"] == "10"

    def test_a_parent_must_be_on_the_same_object_and_visible(self):
        here = make_comment(self.article)
        there = make_comment(self.other)
        held = make_comment(self.article, status=Status.PENDING)
        spam = make_comment(self.article, status=Status.SPAM)
        assert self.form(parent=here.pk).is_valid()
        # A held comment can be replied to by its author (who can see it) and nobody else:
        # a reply would show others that it exists, and an approved reply to it would dangle.
        own = CommentForm(
            self.article, data=form_data(self.article, parent=held.pk), pending_ids=[held.pk]
        )
        assert own.is_valid(), own.errors
        for bad in (there, spam, held):
            form = self.form(parent=bad.pk)
            assert not form.is_valid()
            assert form.errors["parent"] == ["The comment you replied to is not on this page."]

    def test_the_parent_is_exposed_after_cleaning(self):
        here = make_comment(self.article)
        form = self.form(parent=here.pk)
        assert form.is_valid()
        assert form.parent_comment == here

    def test_the_parent_is_read_in_one_query_with_what_a_reply_needs(self):
        root = make_comment(self.article)
        child = make_comment(self.article, parent=root)
        form = self.form(parent=child.pk)
        with self.assertNumQueries(1):
            assert form.is_valid(), form.errors
        parent = form.parent_comment
        assert (parent.pk, parent.thread_id, parent.depth, parent.status) == (
            child.pk,
            root.pk,
            1,
            Status.APPROVED,
        )
        assert (parent.content_type_id, parent.object_pk) == (
            child.content_type_id,
            str(self.article.pk),
        )
        # Exactly PARENT_FIELDS and the pk are loaded; the rest is deferred, loaded on first
        # use like any queryset's deferred field.
        loaded = {Comment._meta.pk.attname, *PARENT_FIELDS}
        assert (
            parent.get_deferred_fields()
            == {f.attname for f in Comment._meta.concrete_fields} - loaded
        )
        with self.assertNumQueries(1):
            assert parent.body == child.body
        assert parent._state.adding is False and parent._state.db == "default"

    def test_the_parent_fields_need_no_database_converter(self):
        # parent_for_reply() hands the database's values to Model.from_db() as they come,
        # which is only right for fields the ORM would not convert on this database.
        for name in PARENT_FIELDS:
            field = Comment._meta.get_field(name)
            assert not field.get_db_converters(connection), name
            assert not connection.ops.get_db_converters(field.get_col(Comment._meta.db_table))

    @override_settings(COMMENTS_PLUGIN={"MAX_DEPTH": 1})
    def test_a_parent_at_the_depth_limit_is_refused(self):
        root = make_comment(self.article)
        child = make_comment(self.article, parent=root)
        assert self.form(parent=root.pk).is_valid()
        form = self.form(parent=child.pk)
        assert not form.is_valid()
        assert form.errors["parent"] == ["This discussion does not allow replies this deep."]

    def test_members_have_no_name_email_or_remember_fields(self):
        user = get_user_model().objects.create_user("mem")
        form = self.form(user=user, name="", email="")
        assert "name" not in form.fields and "email" not in form.fields
        assert "remember" not in form.fields
        assert form.is_valid(), form.errors

    def test_every_visible_label_is_set(self):
        form = CommentForm(self.article)
        labels = {name: str(field.label) for name, field in form.fields.items()}
        assert labels["name"] == "Name" and labels["email"] == "Email"
        assert labels["url"] == "Website" and labels["body"] == "Comment"
