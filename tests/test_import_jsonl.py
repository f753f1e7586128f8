import io
import json
import re
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from comments_plugin.models import Comment, ModerationEvent
from tests.testapp.models import Article


def record(key, article, *, parent=None, **extra):
    return {
        "key": key,
        "target": {"model": "testapp.article", "pk": str(article.pk)},
        "parent": parent,
        "status": "approved",
        "submitted_at": "2024-01-01T10:00:00+01:00",
        "author_name": key,
        "body": f"body of {key}",
        **extra,
    }


class JSONLinesImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")

    def write(self, tmp, lines):
        path = Path(tmp) / "in.jsonl"
        path.write_text(
            "".join(line if isinstance(line, str) else json.dumps(line) + "\n" for line in lines)
        )
        return str(path)

    def run_import(self, path, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("comments_import", "jsonl", path, "--no-input", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_children_before_parents_and_blank_lines_are_fine(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(
                tmp,
                [
                    record("jsonl:3", self.article, parent="jsonl:2"),
                    "\n",
                    record("jsonl:2", self.article, parent="jsonl:1"),
                    record("jsonl:1", self.article),
                ],
            )
            self.run_import(path)
        one, two, three = (Comment.objects.get(import_id=str(n)) for n in (1, 2, 3))
        assert (two.parent_id, two.thread_id, two.depth) == (one.pk, one.pk, 1)
        assert (three.parent_id, three.thread_id, three.depth) == (two.pk, one.pk, 2)
        assert one.submitted_at.isoformat() == "2024-01-01T09:00:00+00:00"

    def test_a_bad_line_names_its_number_and_nothing_is_imported(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(tmp, [record("jsonl:1", self.article), "{not json\n"])
            with self.assertRaisesMessage(CommandError, "line 2 is not a comment record"):
                self.run_import(path)
        assert Comment.objects.count() == 0
        assert ModerationEvent.objects.count() == 0

    def test_an_unknown_status_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(tmp, [record("jsonl:1", self.article, status="published")])
            with self.assertRaisesMessage(CommandError, "unknown status 'published'"):
                self.run_import(path)

    def test_targets_missing_on_this_site_are_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            gone = record("jsonl:1", self.article)
            gone["target"] = {"model": "testapp.article", "pk": "999"}
            unknown = record("jsonl:2", self.article)
            unknown["target"] = {"model": "blog.entry", "pk": "1"}
            path = self.write(tmp, [gone, unknown, record("jsonl:3", self.article)])
            _out, err = self.run_import(path)
        assert "testapp.article 999: 1" in err
        assert "blog.entry 1: 1" in err
        assert Comment.objects.count() == 1

    def test_model_and_match_remap_targets_to_another_site(self):
        other = Article.objects.create(title="B", slug="b")
        with tempfile.TemporaryDirectory() as tmp:
            moved = record("jsonl:1", self.article)
            moved["target"] = {"model": "news.story", "pk": "b"}
            path = self.write(tmp, [moved])
            # Here the old site's primary keys were the slugs.
            self.run_import(path, "--model", "testapp.Article", "--match", "slug")
        assert Comment.objects.get().content_object == other

    def test_a_new_reply_links_to_a_parent_imported_by_an_earlier_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.run_import(self.write(tmp, [record("jsonl:1", self.article)]))
            out, _err = self.run_import(
                self.write(tmp, [record("jsonl:2", self.article, parent="jsonl:1")])
            )
        parent, reply = Comment.objects.get(import_id="1"), Comment.objects.get(import_id="2")
        assert (reply.parent_id, reply.thread_id, reply.depth) == (parent.pk, parent.pk, 1)
        assert "already imported" not in out

    def test_a_reply_whose_parent_never_comes_is_kept_top_level_and_counted(self):
        with tempfile.TemporaryDirectory() as tmp:
            out, _err = self.run_import(
                self.write(tmp, [record("jsonl:2", self.article, parent="jsonl:404")])
            )
        reply = Comment.objects.get()
        assert (reply.parent_id, reply.thread_id, reply.depth) == (None, None, 0)
        assert "1 replies to comments missing from the input were kept as top-level" in out

    def test_parents_several_batches_later_still_link_whole_subtrees(self):
        lines = [record("jsonl:4", self.article, parent="jsonl:3")]
        lines += [record(f"jsonl:x{n}", self.article) for n in range(5)]
        lines += [record("jsonl:3", self.article, parent="jsonl:2")]
        lines += [record(f"jsonl:y{n}", self.article) for n in range(5)]
        lines += [
            record("jsonl:2", self.article, parent="jsonl:1"),
            record("jsonl:1", self.article),
        ]
        with (
            tempfile.TemporaryDirectory() as tmp,
            mock.patch("comments_plugin.importers.base.BATCH_SIZE", 2),
        ):
            self.run_import(self.write(tmp, lines))
        c = {x.import_id: x for x in Comment.objects.all()}
        assert len(c) == 14
        assert [(c[k].parent_id, c[k].thread_id, c[k].depth) for k in "234"] == [
            (c["1"].pk, c["1"].pk, 1),
            (c["2"].pk, c["1"].pk, 2),
            (c["3"].pk, c["1"].pk, 3),
        ]

    def test_values_of_the_wrong_type_or_range_are_clear_errors_and_import_nothing(self):
        cases = {
            "author_name": (["Ann"], "author_name must be text, not list"),
            "body": ({"text": "hi"}, "body must be text, not dict"),
            "ip_address": (5, "ip_address must be text, not int"),
            "flag_count": (-1, "flag_count -1 is out of range"),
            "spam_score": ("nan", "spam_score must be a finite number"),
            "spam_reasons": ("abc", "spam_reasons must be a list"),
            "learned_as": ("spammy", "learned_as must be spam, ham or empty"),
            "submitted_at": ("0001-01-01T00:00:00+05:00", "is out of range"),
            "key": ("s" * 40 + ":1", "must be 1 to 32 characters"),
        }
        for field, (value, message) in cases.items():
            with self.subTest(field), tempfile.TemporaryDirectory() as tmp:
                bad = record("jsonl:2", self.article)
                bad[field] = value
                path = self.write(tmp, [record("jsonl:1", self.article), bad])
                expected = f"line 2 is not a comment record: .*{re.escape(message)}"
                with self.assertRaisesRegex(CommandError, expected):
                    self.run_import(path)
                assert Comment.objects.count() == 0

    def test_nul_and_lone_surrogates_are_made_storable_on_every_database(self):
        with tempfile.TemporaryDirectory() as tmp:
            line = json.dumps(record("jsonl:1", self.article, body="a\x00b\ud800c")) + "\n"
            self.run_import(self.write(tmp, [line]))
        assert Comment.objects.get().body == "ab\ufffdc"

    def test_an_id_longer_than_the_column_is_shortened_the_same_way_every_run(self):
        long_key = "jsonl:" + "9" * 300
        lines = [
            record("jsonl:reply", self.article, parent=long_key),
            record(long_key, self.article),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(tmp, lines)
            self.run_import(path)
            out, _err = self.run_import(path)
        parent = Comment.objects.get(parent__isnull=True)
        assert len(parent.import_id) <= 255 and parent.import_id.startswith("999")
        assert Comment.objects.get(import_id="reply").parent_id == parent.pk
        assert Comment.objects.count() == 2 and "2 already imported" in out

    def test_a_parent_on_another_object_never_makes_a_thread_across_pages(self):
        other = Article.objects.create(title="B", slug="b")
        lines = [
            record("jsonl:1", self.article),
            record("jsonl:2", other, parent="jsonl:1"),  # parent already stored
            record("jsonl:3", other, parent="jsonl:4"),  # parent comes later
            record("jsonl:4", self.article),
        ]
        with tempfile.TemporaryDirectory() as tmp:
            out, _err = self.run_import(self.write(tmp, lines))
        for import_id in ("2", "3"):
            reply = Comment.objects.get(import_id=import_id)
            assert (reply.parent_id, reply.thread_id, reply.depth) == (None, None, 0)
        assert "2 replies to comments missing from the input" in out

    def test_a_database_error_is_a_command_error_and_nothing_is_kept(self):
        from django.db import DataError

        with (
            tempfile.TemporaryDirectory() as tmp,
            mock.patch(
                "comments_plugin.importers.base.import_comments",
                side_effect=DataError("value too long"),
            ),
        ):
            path = self.write(tmp, [record("jsonl:1", self.article)])
            with self.assertRaisesMessage(CommandError, "The database refused a comment"):
                self.run_import(path)
        assert Comment.objects.count() == 0

    @override_settings(COMMENTS_PLUGIN={"PAGE_SIZE": 0, "LIST_CACHE_TIMEOUT": 300})
    def test_an_import_makes_the_cached_comment_list_of_its_pages_stale(self):
        assert "body of jsonl:1" not in self.client.get("/articles/a/").content.decode()
        with tempfile.TemporaryDirectory() as tmp, self.captureOnCommitCallbacks(execute=True):
            self.run_import(self.write(tmp, [record("jsonl:1", self.article)]))
        assert "body of jsonl:1" in self.client.get("/articles/a/").content.decode()

    def test_a_line_over_the_length_limit_is_refused_without_reading_it_whole(self):
        with (
            tempfile.TemporaryDirectory() as tmp,
            mock.patch("comments_plugin.importers.jsonl.MAX_LINE_BYTES", 1000),
        ):
            huge = record("jsonl:2", self.article, body="x" * 5000)
            path = self.write(tmp, [record("jsonl:1", self.article), huge])
            with self.assertRaisesMessage(CommandError, "line 2 is longer than 1000 bytes"):
                self.run_import(path)
        assert Comment.objects.count() == 0
