import json
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from comments_plugin.models import Comment, LearnedToken, Rule

SAMPLE = Path(__file__).parent / "data" / "spam" / "youtube_psy_sample.csv"
YOUTUBE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "spam" / "youtube"


def run(*args):
    out = StringIO()
    call_command("comments_spam_eval", *args, stdout=out)
    return out.getvalue()


class SpamEvalCommandTests(TestCase):
    def test_json_output_has_every_figure_and_changes_nothing_stored(self):
        Rule.objects.create(value="subscribe")
        report = json.loads(run("--train", str(SAMPLE), "--test", str(SAMPLE), "--json"))
        assert report["trained"] == 40 and report["tested"] + report["refused_repeats"] == 40
        assert set(report) >= {"precision", "recall", "f1", "false_positive_rate", "confusion"}
        assert report["filters"]["learning"]["on_spam"] > 0
        assert "flood" in report["skipped_filters"] and "duplicate" not in report["skipped_filters"]
        assert report["comments_per_second"] > 0
        assert LearnedToken.objects.count() == 0 and Comment.objects.count() == 0
        assert Rule.objects.get().hit_count == 0

    def test_testing_on_the_training_data_scores_well(self):
        report = json.loads(run("--train", str(SAMPLE), "--test", str(SAMPLE), "--json"))
        assert report["f1"] > 0.9

    def test_text_output_reads_as_a_report(self):
        out = run("--test", str(SAMPLE))
        assert "Precision" in out and "False-positive rate" in out and "comments/s" in out

    def test_a_missing_file_is_a_command_error(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            run("--test", "/nonexistent.csv")


@pytest.mark.slow
class LeaveOneVideoOutTests(TestCase):
    """The figures reported in the docs, on the full shared data (skipped without it)."""

    def test_each_video_scored_after_training_on_the_other_two(self):
        files = sorted(YOUTUBE.glob("*.csv"))
        if len(files) != 3:
            pytest.skip(f"needs the YouTube Spam Collection in {YOUTUBE}")
        for test in files:
            train = [str(f) for f in files if f != test]
            report = json.loads(run("--train", *train, "--test", str(test), "--json"))
            assert report["precision"] > 0.9, (test.name, report)
            assert report["false_positive_rate"] < 0.05, (test.name, report)


class UnmigratedDatabaseTests(TestCase):
    def test_an_unmigrated_database_is_a_clear_error_not_meaningless_figures(self):
        with (
            mock.patch.object(
                connection.introspection, "table_names", return_value=["django_migrations"]
            ),
            pytest.raises(CommandError, match="run migrate first"),
        ):
            call_command("comments_spam_eval", "--test", str(SAMPLE))
