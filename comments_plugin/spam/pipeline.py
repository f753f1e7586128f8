from __future__ import annotations

import contextlib
import logging
import operator
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import translation
from django.utils.module_loading import import_string

from comments_plugin.conf import conf
from comments_plugin.exceptions import CommentRejected
from comments_plugin.signals import comment_spam_checked
from comments_plugin.spam.base import (
    BaseFilter,
    Decision,
    Submission,
    Verdict,
    shared_versions_read_once,
)

if TYPE_CHECKING:
    from comments_plugin.models import Comment

logger = logging.getLogger("comments_plugin.spam")

_cache_lock = threading.Lock()
_filters_cache: dict[str, list[BaseFilter]] = {}
# The settings entries the filters were last asked for and its filters: the same entries
# skip turning the configuration into a key (about 10 µs per comment). Entries, not the
# list: conf hands out a copy of the list each time.
_last: tuple[list[Any], list[BaseFilter]] | None = None


def get_filters(config: list[dict[str, Any]] | None = None) -> list[BaseFilter]:
    """The configured filters, created once per process (and again when settings change)."""
    global _last
    config = conf.SPAM_FILTERS if config is None else config
    last = _last
    if last is not None and len(last[0]) == len(config) and all(map(operator.is_, last[0], config)):
        return last[1]
    key = repr(config)
    filters = _filters_cache.get(key)
    if filters is None:
        with _cache_lock:
            filters = [_create(entry) for entry in config]
            _filters_cache.clear()
            _filters_cache[key] = filters
    _last = (list(config), filters)
    return filters


class BrokenFilter(BaseFilter):
    """Stands in for a configured filter that could not be created (a bad option the system
    checks did not catch): every comment is held with an error verdict, never lost."""

    def __init__(self, name: str, error: Exception) -> None:
        super().__init__()
        self.broken_name = name
        self.error = error

    def check(self, comment: Comment, submission: Submission) -> Verdict:
        return Verdict(
            filter=self.broken_name,
            code="filter_error",
            error=True,
            message=f"Filter {self.broken_name} could not be created: "
            f"{self.error.__class__.__name__}.",
        )


def _create(entry: dict[str, Any]) -> BaseFilter:
    try:
        return import_string(entry["NAME"])(**(entry.get("OPTIONS") or {}))
    except Exception as exc:
        logger.exception("Spam filter %s could not be created; holding comments.", entry["NAME"])
        return BrokenFilter(str(entry["NAME"]).rsplit(".", 1)[-1], exc)


def reset_filters(**kwargs: Any) -> None:
    """Forget the created filters (connected to ``setting_changed``)."""
    global _last
    with _cache_lock:
        _filters_cache.clear()
        _last = None


@dataclass
class PipelineResult:
    decision: Decision
    score: float
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return [v.as_dict() for v in self.verdicts]


def _as_list(result: Verdict | Iterable[Verdict] | None) -> list[Verdict]:
    if result is None:
        return []
    if isinstance(result, Verdict):
        return [result]
    return list(result)


def _run_isolated(flt: BaseFilter, comment: Comment, submission: Submission) -> list[Verdict]:
    def target() -> list[Verdict]:
        try:
            return _as_list(flt.check(comment, submission))
        finally:
            close_old_connections()

    # A daemon-less executor would keep a hung filter's thread joined at shutdown; a fresh
    # single-worker executor that we do not wait for lets the request go on.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"spam-{flt.name}")
    try:
        future = executor.submit(target)
        timeout = float(flt.options.get("TIMEOUT", flt.timeout or conf.FILTER_TIMEOUT))
        return future.result(timeout=timeout)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def run_filter(flt: BaseFilter, comment: Comment, submission: Submission) -> list[Verdict]:
    """Run one filter; a failure or time-out becomes an ``error`` verdict (the comment is held)."""
    try:
        if flt.timeout is not None or "TIMEOUT" in flt.options:
            return _run_isolated(flt, comment, submission)
        return _as_list(flt.check(comment, submission))
    except CommentRejected:
        raise
    except FutureTimeout:
        logger.warning("Spam filter %s timed out; holding the comment.", flt.name)
        return [
            Verdict(
                filter=flt.name,
                code="filter_timeout",
                error=True,
                message=f"Filter {flt.name} timed out.",
            )
        ]
    except Exception as exc:
        logger.exception("Spam filter %s failed; holding the comment.", flt.name)
        return [
            Verdict(
                filter=flt.name,
                code="filter_error",
                error=True,
                message=f"Filter {flt.name} failed: {exc.__class__.__name__}.",
            )
        ]


def label_for_change(old_status: str, new_status: str, action: str, user: Any) -> str | None:
    """What a status change teaches learning filters: ``"spam"``, ``"ham"`` or nothing.

    Marking spam teaches spam. Publishing teaches ham when it is an explicit "not spam", or a
    moderator approving a comment that was held or in spam; other changes (trash, a reader's
    flags, a command restoring) teach nothing.
    """
    from comments_plugin.models import Status

    if new_status == Status.SPAM and (user is not None or action == "spam"):
        return "spam"
    if new_status == Status.APPROVED and (
        action == "ham" or (user is not None and old_status in (Status.PENDING, Status.SPAM))
    ):
        return "ham"
    return None


def teach(comment: Comment, label: str, filters: list[BaseFilter] | None = None) -> None:
    """Call every filter's :meth:`~BaseFilter.learn`; a failing filter is logged, not raised."""
    for flt in get_filters() if filters is None else filters:
        try:
            flt.learn(comment, label)
        except Exception:
            logger.exception(
                "Spam filter %s failed to learn from comment %s.", flt.name, comment.pk
            )


def combine(verdicts: list[Verdict]) -> tuple[Decision, float]:
    """Turn verdicts into a decision with the thresholds in settings."""
    score = round(sum(v.score for v in verdicts), 4)
    if any(v.discard for v in verdicts):
        return Decision.DISCARD, score
    if score >= conf.SPAM_THRESHOLD:
        return Decision.SPAM, score
    if score >= conf.HOLD_THRESHOLD or any(v.error for v in verdicts):
        return Decision.HOLD, score
    return Decision.APPROVE, score


def _in_site_language() -> contextlib.AbstractContextManager[Any]:
    # Messages are stored as text: write them in the site's language, not in whichever
    # language each visitor's browser asked for, so moderators read them all alike. (Not
    # switched when already active: switching twice costs more than some filters.)
    language = settings.LANGUAGE_CODE
    if translation.get_language() == language:
        return contextlib.nullcontext()
    return translation.override(language)


def run_pipeline(
    comment: Comment,
    submission: Submission | None = None,
    *,
    filters: list[BaseFilter] | None = None,
) -> PipelineResult:
    """Check an unsaved ``comment`` with every filter and decide what happens to it.

    Sends :data:`~comments_plugin.signals.comment_spam_checked` between the filters and
    the decision, so receivers can add verdicts. Raises ``CommentRejected`` when a filter
    refuses the comment outright.
    """
    from comments_plugin.models import Comment

    submission = submission or Submission(offline=True)
    filters = get_filters() if filters is None else filters
    submission.cache["filters"] = filters
    verdicts: list[Verdict] = []
    with _in_site_language(), shared_versions_read_once():
        for flt in filters:
            if flt.needs_request and (submission.offline or submission.request is None):
                continue
            given = run_filter(flt, comment, submission)
            if given:
                verdicts.extend(given)
                if any(v.discard for v in given):
                    break
        comment_spam_checked.send(
            sender=Comment,
            comment=comment,
            request=submission.request,
            verdicts=verdicts,
            submission=submission,
        )
    decision, score = combine(verdicts)
    return PipelineResult(decision=decision, score=score, verdicts=verdicts)
