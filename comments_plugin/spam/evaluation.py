"""Measuring the spam pipeline on labelled comments, without touching the site's data.

Used by ``manage.py comments_spam_eval``. A fresh :class:`~comments_plugin.spam.filters.
learning.LearningFilter` with an in-memory store is trained on the training comments; the
test comments then go through the configured content filters, in file order. Filters that
need a live request (honeypot, submit timer, flood) or the site's stored comments (known
spammer, trusted commenter) are skipped: the evaluated comments are not in the database. The
duplicate filter compares each comment with the test comments before it, in memory.
The rules filter reads the site's rules but, with ``dry_run``, counts no hits.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from comments_plugin.exceptions import CommentRejected
from comments_plugin.spam.analysis import body_hash, normalise_body
from comments_plugin.spam.base import BaseFilter, Decision, Submission, Verdict
from comments_plugin.spam.datasets import LabelledComment
from comments_plugin.spam.filters.duplicate import DuplicateFilter
from comments_plugin.spam.filters.learning import LearningFilter
from comments_plugin.spam.history import Earlier
from comments_plugin.spam.learning import HAM, SPAM, MemoryStore, features
from comments_plugin.spam.pipeline import get_filters, run_pipeline


@dataclass
class FilterStats:
    """How often one filter scored a comment (positive scores only)."""

    on_spam: int = 0
    on_ham: int = 0


@dataclass
class Report:
    train_size: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    held_spam: int = 0
    held_ham: int = 0
    refused: int = 0
    seconds: float = 0.0
    filters: dict[str, FilterStats] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def tested(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def per_second(self) -> float:
        return self.tested / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "trained": self.train_size,
            "tested": self.tested,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "confusion": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            "held": {"spam": self.held_spam, "ham": self.held_ham},
            "refused_repeats": self.refused,
            "filters": {
                name: {"on_spam": s.on_spam, "on_ham": s.on_ham}
                for name, s in sorted(self.filters.items())
            },
            "skipped_filters": self.skipped,
            "comments_per_second": round(self.per_second, 1),
        }


class MemoryDuplicateFilter(DuplicateFilter):
    """The duplicate filter over the comments evaluated so far instead of stored ones."""

    needs_database = False

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.seen: dict[str, list[Earlier]] = {}

    def check(self, comment: Any, submission: Submission) -> Any:
        return self.check_history(comment, [], submission)

    def earlier(self, comment: Any, rows: list[Earlier]) -> list[Earlier]:
        return self.seen.get(normalise_body(comment.body), [])

    def remember(self, comment: Any) -> None:
        # Every evaluated comment counts as recent: the files' dates are years old.
        row = Earlier(
            0, comment.content_type_id, str(comment.object_pk), comment.author_name,
            comment.author_email, comment.author_url, None, None, comment.body, "",
            timezone.now(), body_hash(comment.body),
        )  # fmt: skip
        self.seen.setdefault(normalise_body(comment.body), []).append(row)


def evaluation_filters(
    configured: list[BaseFilter] | None = None,
) -> tuple[list[BaseFilter], LearningFilter, list[str]]:
    """The content filters to evaluate, a fresh in-memory learning filter among them."""
    configured = get_filters() if configured is None else configured
    learning_options = next(
        (dict(f.options) for f in configured if isinstance(f, LearningFilter)), {}
    )
    learning = LearningFilter(store=MemoryStore(), **learning_options)
    chosen: list[BaseFilter] = []
    skipped = []
    for flt in configured:
        if isinstance(flt, DuplicateFilter):
            chosen.append(MemoryDuplicateFilter(**flt.options))
        elif flt.needs_request or flt.needs_database:
            skipped.append(flt.name)
        elif isinstance(flt, LearningFilter):
            chosen.append(learning)
        else:
            chosen.append(flt)
    if learning not in chosen:
        chosen.append(learning)
    return chosen, learning, skipped


def _comment(item: LabelledComment) -> Any:
    from comments_plugin.models import Comment

    return Comment(body=item.body, author_name=item.author_name, author_url=item.author_url)


def evaluate(
    train: Iterable[LabelledComment],
    test: Iterable[LabelledComment],
    *,
    configured: list[BaseFilter] | None = None,
) -> Report:
    filters, learning, skipped = evaluation_filters(configured)
    report = Report(skipped=skipped)
    classifier = learning.classifier
    for item in train:
        classifier.learn(
            features(item.body, item.author_name, item.author_url), SPAM if item.is_spam else HAM
        )
        report.train_size += 1
    items = list(test)
    comments = [_comment(item) for item in items]
    submission = Submission(offline=True, dry_run=True)
    started = time.perf_counter()
    outcomes: list[tuple[Decision, list[Verdict]] | None] = []
    duplicates = [f for f in filters if isinstance(f, MemoryDuplicateFilter)]
    for comment in comments:
        try:
            result = run_pipeline(comment, submission, filters=filters)
        except CommentRejected:
            # A repeat by the same author is refused with a message while the first copy
            # stands: neither caught nor missed, so it is counted apart.
            outcomes.append(None)
        else:
            outcomes.append((result.decision, result.verdicts))
        for flt in duplicates:
            flt.remember(comment)
    report.seconds = time.perf_counter() - started
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome is None:
            report.refused += 1
            continue
        decision, verdicts = outcome
        flagged = decision != Decision.APPROVE
        if item.is_spam:
            report.tp += flagged
            report.fn += not flagged
            report.held_spam += decision == Decision.HOLD
        else:
            report.fp += flagged
            report.tn += not flagged
            report.held_ham += decision == Decision.HOLD
        for verdict in verdicts:
            if verdict.score > 0:
                stats = report.filters.setdefault(verdict.filter, FilterStats())
                if item.is_spam:
                    stats.on_spam += 1
                else:
                    stats.on_ham += 1
    return report
