from unittest import mock

from django.contrib.auth import get_user_model
from django.test import SimpleTestCase, TestCase, override_settings

from comments_plugin import operations
from comments_plugin.models import Comment, LearnedToken, Status
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.learning import LearningFilter
from comments_plugin.spam.learning import (
    MESSAGES,
    Classifier,
    DatabaseStore,
    MemoryStore,
    author_shape,
    bump_learning_version,
    features,
    save_counts,
)
from comments_plugin.spam.pipeline import label_for_change
from tests.testapp.helpers import make_comment
from tests.testapp.models import Article

SPAM = [
    f"check out my channel {i} and subscribe for free views http://spam{i}.com" for i in range(25)
]
HAM = [f"great song number {i}, the chorus is lovely and the video too" for i in range(25)]
LEARNING_ONLY = {
    "SPAM_FILTERS": [
        {
            "NAME": "comments_plugin.spam.filters.learning.LearningFilter",
            "OPTIONS": {"MIN_MESSAGES": 2},
        }
    ]
}


def trained(store):
    classifier = Classifier(store)
    for body in SPAM:
        classifier.learn(features(body), "spam")
    for body in HAM:
        classifier.learn(features(body), "ham")
    return classifier


class FeatureTests(SimpleTestCase):
    def test_features_hold_words_pairs_domains_and_shape(self):
        feats = features("Visit http://Shop.example.com now 123456", "Bob Smith", "http://b.org")
        assert {"visit", "visit http", "url:shop.example.com", "url:b.org"} <= feats
        assert {"meta:links1", "meta:author_words", "meta:author_url", "meta:num6"} <= feats

    def test_long_words_share_a_stem(self):
        assert "stem:subscr" in features("subscribers") & features("Subscribe!")

    def test_a_link_to_a_moment_of_a_video_is_one_feature_not_its_words(self):
        feats = features("best part https://www.youtube.com/watch?v=abc&t=2m19s")
        assert "meta:moment_link" in feats
        assert not {"youtube", "watch", "url:youtube.com"} & feats

    def test_author_shape_describes_the_name(self):
        assert author_shape("Ann Baker") == "words"
        assert author_shape("gamer2000") == "handle_digits"
        assert author_shape("마사지") == "nonlatin"
        assert author_shape("Casino at win.com") == "url"


class ClassifierTests(SimpleTestCase):
    def test_it_gives_no_opinion_until_trained_enough(self):
        result = Classifier(MemoryStore()).classify(features("check out my channel"))
        assert not result.trained and result.probability == 0.5

    def test_it_separates_spam_from_ham_and_names_its_clues(self):
        classifier = trained(MemoryStore())
        spam = classifier.classify(features("subscribe to my channel for free views"))
        ham = classifier.classify(features("the chorus of this song is lovely"))
        assert spam.probability > 0.95 > 0.05 > ham.probability
        assert "channel" in dict(spam.clues)

    def test_unlearning_undoes_learning(self):
        store = MemoryStore()
        classifier = Classifier(store)
        classifier.learn({"a", "b"}, "spam")
        classifier.learn({"a", "b"}, "spam", unlearn=True)
        assert store.counts({"a"}) == {"a": (0, 0), MESSAGES: (0, 0)}

    def test_a_classifier_taught_more_answers_as_a_fresh_one_would(self):
        # Each pair of counts is worked out once while the totals hold; a lesson about
        # other words moves the totals and so what the same counts mean.
        store = MemoryStore()
        store.data = {MESSAGES: [4, 4], "bonus": [3, 1], "song": [1, 3]}
        classifier = Classifier(store, min_messages=1)
        before = classifier.classify({"bonus", "song"})
        for _ in range(4):
            classifier.learn({"other"}, "spam")
        after = classifier.classify({"bonus", "song"})
        assert after == Classifier(store, min_messages=1).classify({"bonus", "song"})
        assert after.probability < before.probability

    def test_changed_parameters_are_taken_into_account(self):
        classifier = trained(MemoryStore())
        text = features("subscribe to my channel, the chorus is lovely")
        classifier.classify(text)
        classifier.strength, classifier.min_strength = 3.0, 0.0
        assert classifier.classify(text) == Classifier(
            classifier.store, strength=3.0, min_strength=0.0
        ).classify(text)

    def test_a_store_giving_counts_as_lists_works_too(self):
        store = MemoryStore()
        trained(store)

        class ListStore:
            def counts(self, feats):
                return {k: list(v) for k, v in store.counts(feats).items()}

        text = features("subscribe to my channel for free views")
        assert Classifier(ListStore()).classify(text) == Classifier(store).classify(text)

    def test_the_probability_follows_robinson_and_fisher(self):
        # Worked out by hand from the module's formulas: two features seen in 1 of 2 spam
        # and 0 of 2 ham comments, one seen in 2 of 2 ham.
        store = MemoryStore()
        store.data = {MESSAGES: [2, 2], "a": [1, 0], "b": [1, 0], "c": [0, 2]}
        result = Classifier(store, min_messages=1).classify({"a", "b", "c"})
        spam_prob = (0.45 * 0.5 + 1 * 1.0) / (0.45 + 1)
        ham_prob = (0.45 * 0.5 + 2 * 0.0) / (0.45 + 2)
        assert dict(result.clues) == {"a": spam_prob, "b": spam_prob, "c": ham_prob}
        assert result.clues[0][0] == "c"  # the strongest first
        # Fisher's combination of the three, as a chi-square table gives it.
        assert round(result.probability, 6) == 0.611142


class FeatureShapeTests(SimpleTestCase):
    def test_capitals_make_shouting_in_any_alphabet(self):
        assert "meta:shouting" in features("BUY NOW, CHEAP PILLS")
        assert "meta:shouting" in features("ÉCOUTEZ ÇA, ÀÉÎ")
        assert "meta:shouting" in features("ПОКУПАЙТЕ СЕЙЧАС")
        assert "meta:shouting" not in features("Buy now, cheap pills")
        assert "meta:shouting" not in features("ÉCOUTEZ")  # too short to shout

    def test_numbers_stems_and_long_pairs(self):
        long_word = "a" * 30
        feats = features(f"2024 subscribers {long_word} {long_word}")
        assert {"meta:num4", "subscribers", "stem:subscr"} <= feats
        assert f"{long_word} {long_word}"[:60] in feats
        assert all(len(f) <= 60 for f in feats)
        assert "a" * 31 not in features("a" * 31)

    def test_only_links_to_a_moment_lose_their_words(self):
        feats = features("see https://youtu.be/x?t=95 and https://shop.example.com/buy")
        assert "meta:moment_link" in feats and "url:shop.example.com" in feats
        assert "youtu" not in feats and {"shop", "buy"} <= feats


class DatabaseStoreTests(TestCase):
    def test_counts_are_shared_through_the_database_in_one_query(self):
        DatabaseStore().add({"casino", "win"}, "spam", 1)
        DatabaseStore().add({"casino"}, "ham", 1)
        with self.assertNumQueries(1):
            counts = DatabaseStore().counts({"casino", "win", "unknown"})
        assert counts == {"casino": (1, 1), "win": (1, 0), MESSAGES: (1, 1)}

    def test_counts_are_kept_in_memory_until_the_next_lesson(self):
        DatabaseStore().add({"casino"}, "spam", 1)
        DatabaseStore().counts({"casino"})
        with self.assertNumQueries(0):
            assert DatabaseStore().counts({"casino"})["casino"] == (1, 0)
        DatabaseStore().add({"casino"}, "ham", 1)
        assert DatabaseStore().counts({"casino"})["casino"] == (1, 1)

    def test_a_lesson_in_another_process_is_seen_through_the_cache(self):
        DatabaseStore().add({"casino"}, "spam", 1)
        DatabaseStore().counts({"casino"})
        # Another process: the row changes and the version in the shared cache moves on,
        # but this process's own copy is not dropped.
        LearnedToken.objects.filter(token="casino").update(ham_count=5)
        with mock.patch("comments_plugin.spam.learning.forget_counts"):
            bump_learning_version()
        assert DatabaseStore().counts({"casino"})["casino"] == (1, 5)

    def test_a_table_larger_than_memory_tokens_is_queried_for_each_comment(self):
        DatabaseStore().add({"casino", "win"}, "spam", 1)
        store = DatabaseStore(memory_tokens=2)
        store.counts({"casino"})
        with self.assertNumQueries(1):
            assert store.counts({"casino", "poker"}) == {"casino": (1, 0), MESSAGES: (1, 0)}

    def test_counts_never_go_below_zero(self):
        DatabaseStore().add({"x"}, "spam", -1)
        assert LearnedToken.objects.filter(token="x").count() == 0
        DatabaseStore().add({"x"}, "spam", 1)
        DatabaseStore().add({"x"}, "spam", -1)
        DatabaseStore().add({"x"}, "spam", -1)
        assert LearnedToken.objects.get(token="x").spam_count == 0

    def test_bulk_saved_counts_add_to_existing_ones(self):
        DatabaseStore().add({"x"}, "spam", 1)
        save_counts({"x": [2, 3], "y": [0, 1]})
        assert DatabaseStore().counts({"x", "y"}) == {"x": (3, 3), "y": (0, 1), MESSAGES: (1, 0)}


class LearningFilterTests(TestCase):
    def test_it_catches_what_it_was_taught_with_one_query(self):
        trained(DatabaseStore())
        comment = Comment(body="free views, subscribe to my channel http://spam99.com")
        with self.assertNumQueries(1):
            verdict = LearningFilter().check(comment, Submission())
        assert (verdict.code, verdict.score) == ("learned_spam", 3.0)
        assert "clues" in verdict.message

    def test_a_leaning_probability_adds_a_little(self):
        trained(DatabaseStore())
        comment = Comment(body="free views, subscribe to my channel http://spam99.com")
        flt = LearningFilter(LEAN_PROBABILITY=0.5, HOLD_PROBABILITY=1.0, SPAM_PROBABILITY=1.0)
        verdict = flt.check(comment, Submission())
        assert (verdict.code, verdict.score) == ("learned_leaning", 0.5)

    def test_it_is_silent_on_a_fresh_install(self):
        assert LearningFilter().check(Comment(body="check out my channel"), Submission()) is None

    def test_probability_options_must_be_ordered(self):
        errors = LearningFilter.check_options({"HOLD_PROBABILITY": 0.9999}, 0)
        assert [e.id for e in errors] == ["comments_plugin.E019"]


class LabelTests(SimpleTestCase):
    def test_which_status_changes_teach_what(self):
        mod = object()
        assert label_for_change("pending", "spam", "spam", mod) == "spam"
        assert label_for_change("approved", "spam", "spam", None) == "spam"
        assert label_for_change("spam", "approved", "ham", None) == "ham"
        assert label_for_change("pending", "approved", "approve", mod) == "ham"
        assert label_for_change("spam", "approved", "approve", mod) == "ham"
        assert label_for_change("pending", "approved", "approve", None) is None
        assert label_for_change("trash", "approved", "restore", mod) is None
        assert label_for_change("approved", "pending", "hold", None) is None
        assert label_for_change("approved", "trash", "trash", mod) is None


@override_settings(COMMENTS_PLUGIN=LEARNING_ONLY)
class LearningFromModeratorsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = Article.objects.create(title="A", slug="a")
        cls.moderator = get_user_model().objects.create_user("mod")

    def counts(self, token):
        return DatabaseStore().counts({token}).get(token)

    def test_marking_spam_teaches_spam(self):
        comment = make_comment(self.article, "casino bonus", status=Status.PENDING)
        operations.mark_spam(comment, user=self.moderator)
        assert self.counts("casino") == (1, 0)
        comment.refresh_from_db()
        assert comment.learned_as == "spam"

    def test_changing_ones_mind_untrains_the_old_lesson(self):
        comment = make_comment(self.article, "casino bonus", status=Status.PENDING)
        operations.mark_spam(comment, user=self.moderator)
        operations.mark_ham(comment, user=self.moderator)
        assert self.counts("casino") == (0, 1)
        assert self.counts(MESSAGES) == (0, 1)
        comment.refresh_from_db()
        assert comment.learned_as == "ham"

    def test_the_same_lesson_twice_counts_once(self):
        comment = make_comment(self.article, "casino bonus", status=Status.PENDING)
        operations.mark_spam(comment, user=self.moderator)
        operations.hold(comment, user=self.moderator)
        operations.mark_spam(comment, user=self.moderator)
        assert self.counts("casino") == (1, 0)

    def test_a_moderator_approving_a_held_comment_teaches_ham(self):
        comment = make_comment(self.article, "lovely chorus", status=Status.PENDING)
        operations.approve(comment, user=self.moderator)
        assert self.counts("lovely") == (0, 1)

    def test_readers_flags_and_the_trash_teach_nothing(self):
        comment = make_comment(self.article, "lovely chorus")
        operations.hold(comment, source="flags")
        operations.trash(comment, user=self.moderator)
        operations.restore(comment, user=self.moderator)
        assert self.counts("lovely") is None

    def test_after_enough_lessons_new_spam_is_caught(self):
        for i in range(3):
            spam = make_comment(self.article, f"casino bonus win {i}", status=Status.PENDING)
            operations.mark_spam(spam, user=self.moderator)
            ham = make_comment(self.article, f"lovely chorus song {i}", status=Status.PENDING)
            operations.approve(ham, user=self.moderator)
        comment = operations.build_comment(
            target=self.article, body="casino bonus!", author_name="X"
        )
        result = operations.post_comment(comment)
        assert result.comment.status != Status.APPROVED
        assert result.comment.spam_reasons[0]["code"] in ("learned_spam", "learned_unsure")
