from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from django.core import checks
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from comments_plugin.models import Comment

logger = logging.getLogger("comments_plugin.spam")


class Decision(models.TextChoices):
    """What the pipeline decided for a new comment."""

    APPROVE = "approve", _("Approve")
    HOLD = "hold", _("Hold for moderation")
    SPAM = "spam", _("Spam")
    DISCARD = "discard", _("Discard")


@dataclass
class Verdict:
    """One filter's opinion of one comment.

    ``score`` is added to the comment's spam score (negative scores vouch for it);
    ``code`` is a stable machine-readable reason (``"link_count"``); ``message`` is what
    moderators read. ``discard`` drops the comment without storing it, ``error`` marks a
    filter that failed (the comment is then held, never lost).
    """

    filter: str
    code: str
    score: float = 0.0
    message: str = ""
    discard: bool = False
    error: bool = False

    def as_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict(): it deep-copies every value (a lazy message too), which
        # cost more than the rest of this for each verdict of every comment posted.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["message"] = str(self.message)
        return data


@dataclass
class Submission:
    """What filters know about a comment beyond the comment itself.

    ``request`` is ``None`` when comments are checked offline (``comments_spam_eval``,
    imports); filters that need a live request then give no verdict. ``dry_run`` asks filters
    to change nothing (no rule hit counts, no flood marks), as ``comments_spam_eval`` does.
    """

    request: HttpRequest | None = None
    target: Any = None
    form_data: dict[str, Any] = field(default_factory=dict)
    token_issued_at: datetime.datetime | None = None
    is_moderator: bool = False
    offline: bool = False
    dry_run: bool = False
    #: Scratch space for one pipeline run (the filters' shared history query; the running
    #: filters under ``"filters"``). Not part of the comment.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


class BaseFilter:
    """Base class of spam filters.

    Subclass it, set :attr:`name`, implement :meth:`check`, and list the dotted path in
    ``COMMENTS_PLUGIN["SPAM_FILTERS"]``::

        class NoShoutingFilter(BaseFilter):
            name = "no_shouting"
            default_options = {"SCORE": 1.0}

            def check(self, comment, submission):
                if comment.body.isupper():
                    return self.verdict("shouting", self.options["SCORE"], "All capitals")
                return None

    A filter is created once per process with its ``OPTIONS`` merged over
    :attr:`default_options`; it must keep no per-comment state on ``self``.
    """

    #: Stable short name, shown to moderators and used in reason codes.
    name: ClassVar[str] = ""
    #: Options and their defaults; unknown option keys are reported by a system check.
    default_options: ClassVar[dict[str, Any]] = {}
    #: Needs a live request (honeypot, timer, flood): skipped when ``submission.offline``.
    needs_request: ClassVar[bool] = False
    #: Judges a comment by the site's stored comments (duplicates, known spammers): skipped by
    #: ``comments_spam_eval``, whose comments are not in the database.
    needs_database: ClassVar[bool] = False
    #: Seconds after which the filter is abandoned and the comment held. ``None`` runs it
    #: inline; a number runs it in a worker thread (use it for filters doing network I/O).
    timeout: ClassVar[float | None] = None

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = {**self.default_options, **options}

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.name}>"

    def check(self, comment: Comment, submission: Submission) -> Verdict | Iterable[Verdict] | None:
        """Return a :class:`Verdict`, several, or ``None`` for no opinion.

        May raise :class:`comments_plugin.exceptions.CommentRejected` to refuse the comment
        with a message the visitor sees.
        """
        raise NotImplementedError

    def verdict(self, code: str, score: float, message: Any = "", **kwargs: Any) -> Verdict:
        return Verdict(
            filter=self.name, code=code, score=float(score), message=str(message), **kwargs
        )

    # Hooks for learning filters; the default ignores them.
    def learn(self, comment: Comment, label: str) -> None:
        """Called when a moderator labels ``comment`` ``"spam"`` or ``"ham"``.

        Sent through :data:`~comments_plugin.signals.comment_status_changed`; see
        :func:`comments_plugin.spam.pipeline.label_for_change` for which changes teach.
        """

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        """Validate ``OPTIONS``; return system check messages. Extend with ``super()``."""
        errors: list[checks.CheckMessage] = []
        # TIMEOUT is understood by the pipeline for every filter (see :attr:`timeout`).
        unknown = sorted(set(options) - set(cls.default_options) - {"TIMEOUT"})
        if unknown:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) has unknown options: "
                    f"{', '.join(unknown)}.",
                    hint=f"Known options: {', '.join(sorted(cls.default_options)) or 'none'}.",
                    id="comments_plugin.E011",
                )
            )
        for key, value in options.items():
            default = 1.0 if key == "TIMEOUT" else cls.default_options.get(key)
            # An option whose default is a number, a flag or a list of strings must stay one;
            # None-defaults are free-form and checked by the filter itself. A string where a
            # list is expected would be taken letter by letter.
            if isinstance(default, bool):
                ok, expected = isinstance(value, bool), "True or False"
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                expected = "a number"
            elif isinstance(default, list | tuple):
                ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
                expected = "a list of strings"
            else:
                continue
            if not ok:
                errors.append(
                    checks.Error(
                        f"SPAM_FILTERS[{index}] ({cls.__name__}) option {key} must be {expected}.",
                        id="comments_plugin.E014",
                    )
                )
        return errors


def join_phrases(phrases: Iterable[str]) -> str:
    """One regular expression matching any of ``phrases`` at word boundaries."""
    # One pair of boundaries around all of them matches what one pair around each would
    # (the alternatives are tried in the same order at each position) and compiles faster.
    joined = "|".join(f"(?:{p})" for p in phrases)
    return rf"\b(?:{joined})\b" if joined else ""


def phrase_errors(
    cls: type[BaseFilter], phrases: Any, index: int, option: str = "EXTRA_PHRASES"
) -> list[checks.CheckMessage]:
    """System check errors for a list option of regular expressions: each must compile, and
    so must all of them joined (two phrases may not define the same named group)."""
    if not isinstance(phrases, list | tuple):
        return []  # BaseFilter.check_options reports the type.
    errors: list[checks.CheckMessage] = []
    for phrase in phrases:
        try:
            re.compile(phrase)
        except (re.error, TypeError):
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) {option} has an invalid "
                    f"regular expression: {phrase!r}.",
                    id="comments_plugin.E018",
                )
            )
    if not errors:
        try:
            re.compile(join_phrases(phrases))
        except re.error as exc:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) {option} cannot be combined "
                    f"into one expression: {exc}.",
                    hint="Use non-capturing groups (?:…) instead of named groups.",
                    id="comments_plugin.E018",
                )
            )
    return errors


# The shared versions read during the pipeline run going on in this context ({key: version}),
# or None outside a run. A filter running in a worker thread (TIMEOUT) reads its own.
_run_versions: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "comments_plugin_spam_versions", default=None
)
# Every SharedVersion's key: the first one asked for in a run reads them all.
_version_keys: list[str] = []
# Stands in the run's versions when the cache could not be read.
_UNREADABLE = "<unreadable>"


@contextlib.contextmanager
def shared_versions_read_once() -> Iterator[None]:
    """Within this block (one pipeline run), every :class:`SharedVersion` is read from the
    cache together, with one ``get_many``, the first time one of them is asked for, and
    keeps that value to the end of the block."""
    token = _run_versions.set({})
    try:
        yield
    finally:
        _run_versions.reset(token)


class SharedVersion:
    """A number in Django's default cache that moves on whenever some data every process
    keeps a copy of changes (the spam rules, the learned counts).

    A process compares :meth:`current` with the version its copy was made at and reloads
    when they differ; whoever changes the data calls :meth:`bump`. With a shared cache
    (Redis, Memcached) a change anywhere is seen by every process on its next comment. During
    a pipeline run all versions are read in one cache round trip (see
    :func:`shared_versions_read_once`); with the cache down, copies are reloaded every minute.
    """

    def __init__(self, key: str, what: str) -> None:
        self.key = key
        #: What the version is of, for log messages ("spam rules").
        self.what = what
        if key not in _version_keys:
            _version_keys.append(key)

    def bump(self) -> None:
        """Announce a change to every process."""
        try:
            cache.incr(self.key)
        except ValueError:
            # Absent (first change, or evicted): any new value makes other processes reload.
            cache.set(self.key, time.time_ns(), None)
        except Exception:
            # Changing the data must work with the cache down; processes then reload every
            # minute.
            logger.warning(
                "Cache unavailable; could not announce a change of the %s.",
                self.what,
                exc_info=True,
            )
        run = _run_versions.get()
        if run is not None:
            # Later filters of this run read the new version.
            run.clear()

    def current(self) -> Any:
        """The version now (as read once per pipeline run)."""
        run = _run_versions.get()
        if run is None:
            return self._read()
        if self.key not in run:
            if _UNREADABLE in run:
                return self._unreadable(None)
            try:
                run.update(cache.get_many(_version_keys))
            except Exception as exc:
                run[_UNREADABLE] = True
                return self._unreadable(exc)
            if self.key not in run:
                # Absent: created by the one who asks; another absent key waits for its own
                # reader.
                run[self.key] = self._read()
        return run[self.key]

    def _read(self) -> Any:
        try:
            version = cache.get(self.key)
            if version is None:
                # Never trust "no version": the cache may have been cleared after a change.
                cache.add(self.key, time.time_ns(), None)
                version = cache.get(self.key)
        except Exception as exc:
            return self._unreadable(exc)
        return version

    def _unreadable(self, exc: Exception | None) -> Any:
        logger.warning(
            "Cache unavailable; the %s are reloaded every minute.",
            self.what,
            exc_info=exc,
        )
        return ("no cache", int(time.monotonic() // 60))
