"""The local learning classifier: features, token stores and the statistics.

A comment becomes a set of *features* (its words, stems of its long words, word pairs, link
domains and a few ``meta:`` features describing its shape). Each feature has been seen in
some number of spam and ham comments; the counts live in a :class:`TokenStore` (the
database for the site, a dictionary for ``comments_spam_eval``). Scoring follows Gary
Robinson's method as used by SpamBayes: each feature gets a smoothed spam probability, the
strongest ones are combined with Fisher's chi-square test, and the result is a spam
probability between 0 and 1 with a broad "unsure" middle that the filter maps to "hold".
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from comments_plugin.spam.analysis import (
    ascii_letter_count,
    ascii_upper_count,
    char_script,
    find_urls,
    is_moment_link,
    url_domain,
    without_urls,
    word_tuple,
)
from comments_plugin.spam.base import SharedVersion

if TYPE_CHECKING:
    from comments_plugin.models import Comment

SPAM = "spam"
HAM = "ham"
#: The pseudo-feature counting trained comments (``#`` never occurs in a feature).
MESSAGES = "#messages"
MAX_FEATURE_LENGTH = 60


def _bucket(value: int, edges: Iterable[int]) -> str:
    label = "0"
    for edge in edges:
        if value >= edge:
            label = str(edge)
    return label


def author_shape(name: str) -> str:
    """A coarse description of an author name: ``"words"``, ``"handle_digits"``…"""
    name = name.strip()
    if not name:
        return "empty"
    if find_urls(name):
        return "url"
    # Each distinct character once; an ASCII name has no letters but Latin ones.
    if not name.isascii():
        scripts = {char_script(c) for c in set(name)} - {""}
        if scripts and "Latin" not in scripts:
            return "nonlatin"
    parts = name.split()
    has_digits = any(map(str.isdigit, name))
    if len(parts) == 1:
        return "handle_digits" if has_digits else "one_word"
    if len(parts) > 4:
        return "long"
    return "words_digits" if has_digits else "words"


# A comment's words are mostly words seen before: what each one adds is worked out once.
@functools.lru_cache(maxsize=16384)
def _word_features(word: str) -> tuple[str, ...]:
    if word.isdigit():
        return (f"meta:num{min(len(word), 6)}",)
    if len(word) >= 7:
        # A crude stem, so "subscribe", "subscribers" and "subscribed" share a clue.
        return (word, f"stem:{word[:6]}")
    return (word,)


def features(body: str, author_name: str = "", author_url: str = "") -> set[str]:
    """The features of one comment; see the module docstring."""
    # Runs for every comment: the features are added in a fixed order (the classifier ranks
    # equally strong clues in the set's order), in bulk where possible.
    feats: set[str] = set()
    urls = find_urls(body)
    # A link to a moment of the video is quoting it: its words ("youtube", "watch") would
    # make it look like the links spam posts.
    text = without_urls(body, only=is_moment_link) if urls else body
    ws = [w for w in word_tuple(text) if len(w) <= 30]
    feats.update(itertools.chain.from_iterable(map(_word_features, ws)))
    feats.update([pair[:MAX_FEATURE_LENGTH] for pair in map(" ".join, itertools.pairwise(ws))])
    for url in urls:
        domain = url_domain(url)
        if is_moment_link(url):
            # Pointing at a moment of a video is quoting it, whichever site hosts it.
            feats.add("meta:moment_link")
        elif domain:
            feats.add(f"url:{domain}"[:MAX_FEATURE_LENGTH])
    feats.add(f"meta:links{min(len(urls), 3)}")
    feats.add(f"meta:words{_bucket(len(ws), (1, 4, 11, 31, 101))}")
    if body.isascii():
        letters = ascii_letter_count(body)
        shouting = letters >= 10 and ascii_upper_count(body) > 0.6 * letters
    else:
        alpha = "".join(filter(str.isalpha, body))
        shouting = len(alpha) >= 10 and sum(map(str.isupper, alpha)) > 0.6 * len(alpha)
    if shouting:
        feats.add("meta:shouting")
    feats.add(f"meta:author_{author_shape(author_name)}")
    if author_url:
        feats.add("meta:author_url")
        domain = url_domain(author_url)
        if domain:
            feats.add(f"url:{domain}"[:MAX_FEATURE_LENGTH])
    return {f for f in feats if len(f) <= MAX_FEATURE_LENGTH}


def comment_features(comment: Comment) -> set[str]:
    return features(comment.body, comment.author_name, comment.author_url)


class TokenStore(Protocol):
    """Where feature counts live. ``counts`` is called once per classified comment."""

    def counts(self, feats: Iterable[str]) -> dict[str, tuple[int, int]]:
        """``{feature: (spam_count, ham_count)}`` for the known ones, plus :data:`MESSAGES`."""

    def add(self, feats: Iterable[str], label: str, delta: int) -> None:
        """Add ``delta`` (1 to learn, -1 to unlearn) to every feature's ``label`` count."""


class MemoryStore:
    """Counts in a dictionary: for evaluation and tests, never touching the database."""

    def __init__(self) -> None:
        self.data: dict[str, list[int]] = {}

    def counts(self, feats: Iterable[str]) -> dict[str, tuple[int, int]]:
        found = {}
        for feat in [*feats, MESSAGES]:
            value = self.data.get(feat)
            if value is not None:
                found[feat] = (value[0], value[1])
        return found

    def add(self, feats: Iterable[str], label: str, delta: int) -> None:
        index = 0 if label == SPAM else 1
        for feat in [*feats, MESSAGES]:
            value = self.data.setdefault(feat, [0, 0])
            value[index] = max(0, value[index] + delta)


#: Bumped in Django's cache whenever the counts change, so every process sharing the cache
#: reloads its copy of them on its next comment.
VERSION_KEY = "comments_plugin:spam:learning_version"
LEARNING_VERSION = SharedVersion(VERSION_KEY, "learned counts")
#: Up to this many learned features are kept in memory by each process (about 15 MB); a
#: larger table is queried for every comment instead.
MEMORY_TOKENS = 100_000

_lock = threading.Lock()
# Per database alias: (version, counts or None when the table is too large to hold).
_snapshots: dict[str, tuple[Any, dict[str, tuple[int, int]] | None]] = {}


def bump_learning_version() -> None:
    """Tell every process the counts changed (now, and again once the transaction commits,
    so no process keeps counts it read before the commit)."""
    from django.db import transaction

    forget_counts()
    _bump_cache()
    transaction.on_commit(_bump_cache)


def _bump_cache() -> None:
    # Learning must work with the cache down; processes then reload every minute.
    LEARNING_VERSION.bump()


def forget_counts() -> None:
    """Drop this process's copy of the learned counts (tests; after a lesson)."""
    with _lock:
        _snapshots.clear()


class DatabaseStore:
    """Counts in :class:`~comments_plugin.models.LearnedToken`, shared by every process.

    Each process keeps a copy of the table while it has at most ``memory_tokens`` rows, so
    classifying costs no query; a lesson anywhere bumps a version in Django's cache and every
    process reloads on its next comment. A larger table is queried for every comment.
    """

    def __init__(self, *, memory_tokens: int = MEMORY_TOKENS) -> None:
        self.memory_tokens = memory_tokens

    def counts(self, feats: Iterable[str]) -> dict[str, tuple[int, int]]:
        snapshot = self._snapshot()
        if snapshot is None:
            return self._query([*feats, MESSAGES])
        found = {name: value for name in feats if (value := snapshot.get(name)) is not None}
        if MESSAGES in snapshot:
            found[MESSAGES] = snapshot[MESSAGES]
        return found

    def _snapshot(self) -> dict[str, tuple[int, int]] | None:
        from django.db import connections, router

        from comments_plugin.models import LearnedToken

        if self.memory_tokens <= 0:
            return None
        alias = router.db_for_read(LearnedToken)
        version = LEARNING_VERSION.current()
        snapshot = _snapshots.get(alias)
        if snapshot is None or snapshot[0] != version:
            with _lock:
                snapshot = _snapshots.get(alias)
                if snapshot is None or snapshot[0] != version:
                    connection = connections[alias]
                    table = connection.ops.quote_name(LearnedToken._meta.db_table)
                    limit = connection.ops.limit_offset_sql(0, self.memory_tokens + 1)
                    with connection.cursor() as cursor:
                        cursor.execute(f"SELECT token, spam_count, ham_count FROM {table} {limit}")
                        rows = cursor.fetchall()
                    counts = None
                    if len(rows) <= self.memory_tokens:
                        counts = {token: (spam, ham) for token, spam, ham in rows}
                    snapshot = _snapshots[alias] = (version, counts)
        return snapshot[1]

    def _query(self, names: list[str]) -> dict[str, tuple[int, int]]:
        from django.db import connections, router

        from comments_plugin.models import LearnedToken

        # Plain SQL: this runs for every comment, and building the ORM query cost more than
        # running it. Chunked under SQLite's 999-parameter limit of older versions.
        connection = connections[router.db_for_read(LearnedToken)]
        table = connection.ops.quote_name(LearnedToken._meta.db_table)
        found: dict[str, tuple[int, int]] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(names), 900):
                chunk = names[start : start + 900]
                cursor.execute(
                    f"SELECT token, spam_count, ham_count FROM {table} "
                    f"WHERE token IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                for token, spam, ham in cursor.fetchall():
                    found[token] = (spam, ham)
        return found

    def add(self, feats: Iterable[str], label: str, delta: int) -> None:
        from django.db import transaction
        from django.db.models import F
        from django.db.models.functions import Greatest

        from comments_plugin.models import LearnedToken

        names = sorted({*feats, MESSAGES})
        column = "spam_count" if label == SPAM else "ham_count"
        with transaction.atomic():
            if delta > 0:
                LearnedToken.objects.bulk_create(
                    [LearnedToken(token=name) for name in names], ignore_conflicts=True
                )
            # Increments in SQL, so two processes learning at once both count.
            LearnedToken.objects.filter(token__in=names).update(
                **{column: Greatest(F(column) + delta, 0)}
            )
            bump_learning_version()


def save_counts(data: dict[str, list[int]]) -> None:
    """Add a :class:`MemoryStore`'s counts to the database in bulk (for training commands)."""
    from django.db import transaction

    from comments_plugin.models import LearnedToken

    names = sorted(data)
    with transaction.atomic():
        LearnedToken.objects.bulk_create(
            [LearnedToken(token=name) for name in names], ignore_conflicts=True
        )
        for start in range(0, len(names), 500):
            chunk = names[start : start + 500]
            rows = list(LearnedToken.objects.select_for_update().filter(token__in=chunk))
            for row in rows:
                row.spam_count += data[row.token][0]
                row.ham_count += data[row.token][1]
            LearnedToken.objects.bulk_update(rows, ["spam_count", "ham_count"])
        bump_learning_version()


def _chi2q(x2: float, v: int) -> float:
    """Probability that chi-square with ``v`` (even) degrees of freedom is ≥ ``x2``."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, v // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


@dataclass
class Classification:
    probability: float
    #: The strongest features and their spam probabilities, strongest first.
    clues: list[tuple[str, float]] = field(default_factory=list)
    trained: bool = True


#: ``(distance of the probability from 0.5, spam probability, log(1 - p), log(p))``.
_Clue = tuple[float, float, float, float]


def _distance(ranked: tuple[_Clue, str]) -> float:
    return ranked[0][0]


class Classifier:
    """Robinson-Fisher naive Bayes over :func:`features` with counts in a store."""

    def __init__(
        self,
        store: TokenStore,
        *,
        strength: float = 0.45,
        unknown: float = 0.5,
        min_strength: float = 0.1,
        max_clues: int = 150,
        min_messages: int = 20,
    ) -> None:
        self.store = store
        self.strength = strength
        self.unknown = unknown
        self.min_strength = min_strength
        self.max_clues = max_clues
        self.min_messages = min_messages
        # (the totals and parameters they were worked out with, {(spam, ham): clue or None})
        self._clues: tuple[tuple[Any, ...], dict[Any, _Clue | None]] = ((), {})

    def _clue(self, found: tuple[int, int], nspam: int, nham: int) -> _Clue | None:
        """What a feature seen ``found`` times says, or ``None`` when too weak to count."""
        spam, ham = found
        total = spam + ham
        if not total:
            return None
        spam_ratio = min(spam / nspam, 1.0)
        ham_ratio = min(ham / nham, 1.0)
        prob = spam_ratio / (spam_ratio + ham_ratio)
        prob = (self.strength * self.unknown + total * prob) / (self.strength + total)
        distance = abs(prob - 0.5)
        if distance < self.min_strength:
            return None
        return (distance, prob, math.log(max(1.0 - prob, 1e-200)), math.log(max(prob, 1e-200)))

    def classify(self, feats: set[str]) -> Classification:
        counts = self.store.counts(feats)
        nspam, nham = counts.get(MESSAGES, (0, 0))
        if nspam < self.min_messages or nham < self.min_messages:
            return Classification(probability=0.5, trained=False)
        # Runs for every comment, for some sixty features each. What a feature says depends
        # only on its two counts, the totals and the parameters, and most features share a
        # few small counts: each pair of counts is worked out once while the totals hold.
        key = (nspam, nham, self.strength, self.unknown, self.min_strength)
        known, clues_of = self._clues
        if known != key or len(clues_of) > 100_000:
            clues_of = {}
            self._clues = (key, clues_of)
        ranked = []
        for feat in feats:
            found = counts.get(feat)
            if found is None:
                continue
            try:
                clue = clues_of[found]
            except KeyError:
                clue = clues_of[found] = self._clue(found, nspam, nham)
            except TypeError:  # a store giving its counts as a list
                clue = self._clue(found, nspam, nham)
            if clue is not None:
                ranked.append((clue, feat))
        # Strongest first (a stable sort: ties keep the order the features came in).
        ranked.sort(key=_distance, reverse=True)
        strongest = ranked[: self.max_clues]
        if not strongest:
            return Classification(probability=0.5, clues=[])
        clues = [(feat, clue[1]) for clue, feat in strongest]
        spam_log = sum([clue[2] for clue, _feat in strongest])
        ham_log = sum([clue[3] for clue, _feat in strongest])
        n = 2 * len(clues)
        spamminess = 1.0 - _chi2q(-2.0 * spam_log, n)
        hamminess = 1.0 - _chi2q(-2.0 * ham_log, n)
        return Classification(probability=(spamminess - hamminess + 1.0) / 2.0, clues=clues)

    def learn(self, feats: set[str], label: str, *, unlearn: bool = False) -> None:
        self.store.add(feats, label, -1 if unlearn else 1)
