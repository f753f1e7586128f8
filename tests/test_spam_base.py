import dataclasses
import json
import re
from typing import Any, ClassVar
from unittest import mock

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import SimpleTestCase, TestCase, override_settings

from comments_plugin.models import Comment
from comments_plugin.spam import Submission, run_pipeline
from comments_plugin.spam.base import (
    SharedVersion,
    Verdict,
    join_phrases,
    shared_versions_read_once,
)
from comments_plugin.spam.filters.rules import RULES_VERSION, current_ruleset, forget_ruleset
from comments_plugin.spam.learning import LEARNING_VERSION, DatabaseStore, forget_counts

FIRST = SharedVersion("tests:spam:first_version", "first data")
SECOND = SharedVersion("tests:spam:second_version", "second data")
# A port nothing listens on: every cache call fails at once with a connection error.
DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


class RoundTripCache(LocMemCache):
    """The local-memory cache, noting the calls a networked cache makes round trips of."""

    trips: ClassVar[list[str]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._depth = 0

    def _trip(self, name: str, *args: Any, **kwargs: Any) -> Any:
        # get_many() of the local-memory cache calls get() for each key: one trip, not more.
        if not self._depth:
            self.trips.append(name)
        self._depth += 1
        try:
            return getattr(super(), name)(*args, **kwargs)
        finally:
            self._depth -= 1

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip("get", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip("get_many", *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip("add", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip("set", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._trip("incr", *args, **kwargs)


ROUND_TRIPS = {"default": {"BACKEND": "tests.test_spam_base.RoundTripCache"}}
RULES_AND_LEARNING = {
    "SPAM_FILTERS": [
        {"NAME": "comments_plugin.spam.filters.rules.RulesFilter"},
        {"NAME": "comments_plugin.spam.filters.learning.LearningFilter"},
    ]
}


class SharedVersionTests(SimpleTestCase):
    def test_outside_a_pipeline_run_each_read_asks_the_cache(self):
        FIRST.bump()
        before = FIRST.current()
        cache.incr(FIRST.key)  # another process
        assert FIRST.current() == before + 1

    def test_an_absent_version_is_created_and_then_kept(self):
        cache.delete(FIRST.key)
        version = FIRST.current()
        assert version is not None
        assert FIRST.current() == version == cache.get(FIRST.key)

    def test_a_bump_moves_the_version_on_also_when_it_was_evicted(self):
        FIRST.bump()
        before = FIRST.current()
        FIRST.bump()
        assert FIRST.current() != before
        cache.delete(FIRST.key)
        FIRST.bump()
        assert FIRST.current() is not None

    @override_settings(CACHES=ROUND_TRIPS)
    def test_in_a_run_every_version_is_read_with_one_round_trip(self):
        FIRST.bump()
        SECOND.bump()
        RoundTripCache.trips.clear()
        with (
            shared_versions_read_once(),
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        ):
            first, second = FIRST.current(), SECOND.current()
            assert (FIRST.current(), SECOND.current()) == (first, second)
        assert RoundTripCache.trips == ["get_many"]
        assert {FIRST.key, SECOND.key} <= set(get_many.call_args.args[0])

    def test_a_run_keeps_the_versions_it_read_and_the_next_run_sees_changes(self):
        FIRST.bump()
        with shared_versions_read_once():
            version = FIRST.current()
            cache.incr(FIRST.key)  # another process, during this comment's check
            assert FIRST.current() == version
        with shared_versions_read_once():
            assert FIRST.current() == version + 1

    def test_a_change_made_during_a_run_is_seen_by_the_rest_of_the_run(self):
        FIRST.bump()
        with shared_versions_read_once():
            version = FIRST.current()
            FIRST.bump()
            assert FIRST.current() == version + 1

    def test_an_absent_version_is_created_in_a_run_too(self):
        cache.delete(FIRST.key)
        with shared_versions_read_once():
            version = FIRST.current()
        assert version is not None and cache.get(FIRST.key) == version

    @override_settings(CACHES=DEAD_CACHE)
    def test_with_the_cache_down_copies_are_reloaded_every_minute_and_it_is_logged(self):
        with self.assertLogs("comments_plugin.spam", "WARNING") as logs:
            outside = FIRST.current()
            with shared_versions_read_once():
                first, second = FIRST.current(), SECOND.current()
        assert outside[0] == first[0] == second[0] == "no cache"
        assert len(logs.records) == 3

    @override_settings(CACHES=DEAD_CACHE)
    def test_with_the_cache_down_a_run_asks_it_only_once(self):
        with (
            self.assertLogs("comments_plugin.spam", "WARNING"),
            shared_versions_read_once(),
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
            mock.patch.object(cache, "get", wraps=cache.get) as get,
        ):
            FIRST.current()
            SECOND.current()
        # A cache that is down can take its time to say so: it is not asked again.
        assert (get_many.call_count, get.call_count) == (1, 0)


@override_settings(COMMENTS_PLUGIN=RULES_AND_LEARNING)
class PipelineVersionTests(TestCase):
    def setUp(self):
        forget_ruleset()
        forget_counts()
        self.addCleanup(forget_ruleset)
        self.addCleanup(forget_counts)

    @override_settings(CACHES=ROUND_TRIPS)
    def test_the_rules_and_learning_versions_cost_one_cache_round_trip_per_comment(self):
        DatabaseStore().add({"casino"}, "spam", 1)
        RULES_VERSION.bump()
        run_pipeline(Comment(body="warm up"), Submission())
        RoundTripCache.trips.clear()
        with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
            run_pipeline(Comment(body="casino"), Submission())
        assert RoundTripCache.trips == ["get_many"]
        assert {RULES_VERSION.key, LEARNING_VERSION.key} <= set(get_many.call_args.args[0])

    def test_a_change_in_another_process_is_seen_on_the_next_comment(self):
        run_pipeline(Comment(body="warm up"), Submission())
        ruleset = current_ruleset()
        cache.incr(RULES_VERSION.key)  # a rule saved by another process
        run_pipeline(Comment(body="next"), Submission())
        assert current_ruleset() is not ruleset


class VerdictTests(SimpleTestCase):
    def test_as_dict_is_plain_data_with_the_message_as_text(self):
        from django.utils.translation import gettext_lazy

        verdict = Verdict(filter="links", code="link_count", score=1.5, message=gettext_lazy("x"))
        data = verdict.as_dict()
        assert data == {
            "filter": "links",
            "code": "link_count",
            "score": 1.5,
            "message": "x",
            "discard": False,
            "error": False,
        }
        assert type(data["message"]) is str
        assert list(data) == [f.name for f in dataclasses.fields(Verdict)]
        json.dumps(data)


class JoinPhrasesTests(SimpleTestCase):
    def test_it_matches_what_each_phrase_at_word_boundaries_matches(self):
        from comments_plugin.spam.filters import author, praise, promotion

        lists = [
            [p for group in praise.PRAISE_MOVES.values() for p in group],
            [*promotion.STRONG_PHRASES, *promotion.WEAK_PHRASES],
            list(author.COMMERCIAL_WORDS),
            ["a", "a b", "b(?=c)", "(?i:Casino)"],
        ]
        texts = [
            "i came across this blog and i am new here",
            "like this comment if you agree. sub4sub anyone?",
            "best casino bonus, check out my channel",
            "a bc, ab c, xa b, b, bc",
            "nothing to see here",
            "CASINO ROYALE",
        ]
        for phrases in lists:
            each = re.compile("|".join(rf"\b(?:{p})\b" for p in phrases))
            joined = re.compile(join_phrases(phrases))
            for text in texts:
                found = [m.span() for m in each.finditer(text)]
                assert [m.span() for m in joined.finditer(text)] == found, (phrases, text)
        assert join_phrases([]) == ""
