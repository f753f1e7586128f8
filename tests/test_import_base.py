import io
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings

from comments_plugin.importers.base import Progress, last_segment, url_key
from comments_plugin.models import Comment
from comments_plugin.signals import comment_status_changed, comment_was_posted
from tests.testapp.models import Article

DATA = Path(__file__).parent / "data" / "import"
STATUSES = str(DATA / "statuses.wxr")


def second_post(thread):
    return Article.objects.filter(slug="statuses").first() if thread.identifier == "5" else None


def nobody(thread):
    return None


class Recorder:
    def __init__(self, signal):
        self.calls = []
        self.signal = signal

    def __enter__(self):
        self.signal.connect(self.receive)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self.receive)

    def receive(self, sender, **kwargs):
        self.calls.append(kwargs)


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    call_command("comments_import", "wordpress", STATUSES, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class ImportSignalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="S", slug="statuses")

    def test_by_default_imports_announce_nothing_and_teach_nothing(self):
        with Recorder(comment_was_posted) as posted, Recorder(comment_status_changed) as changed:
            run("--model", "testapp.Article", "--match", "slug", "--no-input")
        assert Comment.objects.count() == 7
        assert posted.calls == [] and changed.calls == []

    def test_train_sends_spam_and_ham_lessons_only(self):
        with Recorder(comment_status_changed) as changed:
            run("--model", "testapp.Article", "--match", "slug", "--no-input", "--train")
        actions = sorted((c["action"], c["comment"].body) for c in changed.calls)
        assert actions == [("ham", "approved"), ("ham", "local date only"), ("spam", "spam")]
        assert {c["source"] for c in changed.calls} == {"import"}

    def test_notify_announces_each_comment(self):
        with Recorder(comment_was_posted) as posted:
            run("--model", "testapp.Article", "--match", "slug", "--no-input", "--notify")
        assert len(posted.calls) == 7


class ResolverTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="S", slug="statuses")

    @override_settings(COMMENTS_PLUGIN={"IMPORT_RESOLVER": "tests.test_import_base.second_post"})
    def test_the_resolver_setting_is_used_without_model_or_match(self):
        run("--no-input")
        assert Comment.objects.count() == 7

    @override_settings(COMMENTS_PLUGIN={"IMPORT_RESOLVER": "tests.test_import_base.nobody"})
    def test_model_and_match_win_over_the_resolver_setting(self):
        run("--model", "testapp.Article", "--match", "slug", "--no-input")
        assert Comment.objects.count() == 7

    def test_resolver_option_wins_over_model(self):
        Article.objects.create(title="Other", slug="other")
        run(
            "--model",
            "testapp.Article",
            "--match",
            "pk",
            "--resolver",
            "tests.test_import_base.second_post",
            "--no-input",
        )
        assert {c.content_object for c in Comment.objects.all()} == {self.article}

    def test_an_unimportable_resolver_is_a_command_error(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "Cannot import the resolver 'nope.nothing'"):
            run("--resolver", "nope.nothing", "--no-input")

    def test_declining_the_question_about_unmatched_threads_saves_nothing(self):
        with mock.patch("builtins.input", return_value="n") as asked:
            out, _err = run("--model", "testapp.Note", "--match", "pk")
        assert asked.call_count == 1
        assert "7 comments on unmatched threads" in asked.call_args.args[0]
        assert "Cancelled: nothing was saved." in out
        assert Comment.objects.count() == 0

    def test_no_terminal_to_answer_on_counts_as_no(self):
        # Run from cron without --no-input: input() meets the end of standard input.
        with mock.patch("builtins.input", side_effect=EOFError):
            out, _err = run("--model", "testapp.Note", "--match", "pk")
        assert "Cancelled: nothing was saved." in out
        assert Comment.objects.count() == 0

    def test_accepting_saves_what_matched(self):
        Article.objects.create(title="First", slug="first-post")
        with mock.patch("builtins.input", return_value="y") as asked:
            out, _err = io.StringIO(), io.StringIO()
            call_command(
                "comments_import",
                "wordpress",
                str(DATA / "threads.wxr"),
                "--model",
                "testapp.Article",
                "--match",
                "slug",
                stdout=out,
                stderr=_err,
            )
        assert asked.call_count == 1
        assert Comment.objects.count() == 3


class HelperTests(TestCase):
    def test_url_key_ignores_host_scheme_and_trailing_slash(self):
        assert url_key("https://old.example.com/2020/post/") == url_key(
            "http://new.example.org/2020/post"
        )
        assert url_key("http://example.org/?p=4") == "/?p=4"
        assert url_key("") == "/"

    def test_last_segment_of_a_post_address(self):
        assert last_segment("https://example.com/2013/02/12/hello-world/") == "hello-world"
        assert (
            last_segment("http://localhost:4000/blog/2013/02/12/redacted/index.html") == "redacted"
        )
        assert last_segment("http://example.org/") == ""

    def test_progress_is_drawn_only_on_a_terminal(self):
        pipe = io.StringIO()
        progress = Progress(pipe, total=100)
        progress.update(50, 10)
        progress.close()
        assert pipe.getvalue() == ""
        tty = io.StringIO()
        tty.isatty = lambda: True
        progress = Progress(tty, total=100)
        progress.update(50, 10)
        progress.close()
        assert "50%" in tty.getvalue() and "10 comments" in tty.getvalue()


class ImportResolverCheckTests(TestCase):
    @override_settings(COMMENTS_PLUGIN={"IMPORT_RESOLVER": "tests.test_import_base.nothing_here"})
    def test_an_unimportable_resolver_setting_is_e030(self):
        from comments_plugin.checks import check_import_resolver

        assert [e.id for e in check_import_resolver()] == ["comments_plugin.E030"]

    @override_settings(COMMENTS_PLUGIN={"IMPORT_RESOLVER": "tests.test_import_base.second_post"})
    def test_an_importable_resolver_passes(self):
        from comments_plugin.checks import check_import_resolver

        assert check_import_resolver() == []
