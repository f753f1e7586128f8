"""The partial indexes of the comment table are used by the look-ups they exist for.

A partial index (``WHERE parent_id IS NOT NULL``) only serves a query the database can prove
stays inside it; a query written slightly differently silently scans the whole table. These
tests read the query plan on SQLite and PostgreSQL (where sequential scans are discouraged,
as the test tables are tiny).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase

from comments_plugin.models import Comment
from comments_plugin.spam.filters.known_spammer import KnownSpammerFilter
from comments_plugin.spam.history import SQL
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article


def plan(sql: str, params: list | tuple = ()) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def queryset_plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    return plan(sql, params)


class PartialIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="Hello", slug="hello")
        cls.user = get_user_model().objects.create_user("member")
        cls.root = make_comment(cls.article, "Root", author_url="https://blog.example/")
        cls.reply = make_comment(cls.article, "Reply", parent=cls.root, user=cls.user)
        for i in range(20):
            make_comment(cls.article, f"Other {i}")

    def test_the_foreign_keys_have_only_partial_indexes(self):
        names = {index.name: index for index in Comment._meta.indexes}
        # The website index stays whole: the known-spammer filter's ranges need no guard.
        assert names["cp_comment_url_idx"].condition is None
        for field in ("parent", "thread", "user"):
            assert not Comment._meta.get_field(field).db_index
            assert names[f"cp_comment_{field}_idx"].condition is not None
        # Covered by the first column of the public list's index.
        assert not Comment._meta.get_field("content_type").db_index
        assert names["cp_comment_public_idx"].fields[0] == "content_type"

    def test_replies_are_found_by_the_parent_index(self):
        # What deleting a comment asks (its replies go with it).
        assert "cp_comment_parent_idx" in queryset_plan(
            Comment.objects.filter(parent_id__in=[self.root.pk])
        )

    def test_thread_members_are_found_by_the_thread_index(self):
        assert "cp_comment_thread_idx" in queryset_plan(
            Comment.objects.filter(thread_id__in=[self.root.pk])
        )

    def test_a_members_comments_are_found_by_the_user_index(self):
        assert "cp_comment_user_idx" in queryset_plan(Comment.objects.filter(user=self.user))

    def test_comments_of_one_content_type_use_the_public_index(self):
        assert "cp_comment_public_idx" in queryset_plan(
            Comment.objects.filter(content_type_id=self.root.content_type_id)
        )

    def test_the_known_spammer_filter_finds_websites_by_the_url_index(self):
        comment = Comment(
            content_type_id=self.root.content_type_id,
            object_pk=self.root.object_pk,
            author_name="Spammer",
            author_url="https://shop.pills.example/buy",
            body="Hello",
            submitted_at=datetime.datetime.now(datetime.UTC),
        )
        condition = KnownSpammerFilter().history_sql(comment, SQL(connection))
        assert condition is not None
        # No e-mail or IP address: the condition is the website look-up alone.
        assert "author_email" not in condition.sql and "ip_address" not in condition.sql
        table = connection.ops.quote_name(Comment._meta.db_table)
        found = plan(f"SELECT id FROM {table} WHERE {condition.sql}", condition.params)
        assert "cp_comment_url_idx" in found
        # A bounded range for each prefix, not everything after the first one: the look-up
        # must not read every comment that has a website.
        upper = "~<~" if connection.vendor == "postgresql" else "author_url<?"
        assert upper in found, found
