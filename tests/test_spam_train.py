from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from comments_plugin.models import Comment, LearnedToken
from comments_plugin.spam.learning import MESSAGES
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article

SAMPLE = Path(__file__).parent / "data" / "spam" / "youtube_psy_sample.csv"


def run(*args):
    out = StringIO()
    call_command("comments_spam_train", *args, stdout=out)
    return out.getvalue()


class SpamTrainCommandTests(TestCase):
    def test_training_stores_the_counts(self):
        out = run(str(SAMPLE))
        assert "Learnt 40 comments (20 spam, 20 ham)" in out
        messages = LearnedToken.objects.get(token=MESSAGES)
        assert (messages.spam_count, messages.ham_count) == (20, 20)

    def test_training_twice_adds_up(self):
        run(str(SAMPLE))
        run(str(SAMPLE))
        assert LearnedToken.objects.get(token=MESSAGES).spam_count == 40

    def test_a_dry_run_stores_nothing(self):
        assert "Would learn 40 comments" in run(str(SAMPLE), "--dry-run")
        assert not LearnedToken.objects.exists()

    def test_reset_forgets_earlier_lessons_and_their_marks(self):
        article = Article.objects.create(title="A", slug="a")
        comment = make_comment(article, learned_as="spam")
        LearnedToken.objects.create(token="old", spam_count=5)
        run(str(SAMPLE), "--reset", "--no-input")
        assert not LearnedToken.objects.filter(token="old").exists()
        assert Comment.objects.get(pk=comment.pk).learned_as == ""
        assert LearnedToken.objects.get(token=MESSAGES).spam_count == 20
