"""Every change to a comment goes through one function here.

Views, admin actions, management commands and importers call these; each writes the
audit row (:class:`~comments_plugin.models.ModerationEvent`) and sends its signal itself,
so the learning filter, notifications and caches always hear about it.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from comments_plugin.conf import conf
from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment, Flag, ModerationEvent, Status
from comments_plugin.moderation import moderator
from comments_plugin.rendering import bump_list_version
from comments_plugin.signals import (
    comment_status_changed,
    comment_was_flagged,
    comment_was_posted,
    comment_will_be_posted,
)
from comments_plugin.spam import Decision, Submission, Verdict, run_pipeline
from comments_plugin.spam.analysis import body_hash

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest

    User = AbstractBaseUser | AnonymousUser

# Statuses typed as str: import_comments() looks a decision up by Comment.status, a plain str.
DECISION_STATUS: dict[Decision, str] = {
    Decision.APPROVE: Status.APPROVED,
    Decision.HOLD: Status.PENDING,
    Decision.SPAM: Status.SPAM,
}


@dataclass
class PostResult:
    """What :func:`post_comment` did. ``comment`` is ``None`` when it was discarded."""

    comment: Comment | None
    decision: Decision
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return self.comment is not None and self.comment.status == Status.APPROVED


def can_moderate(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("comments_plugin.moderate_comment")
    )


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address from ``REMOTE_ADDR`` (put a trusted proxy's value there)."""
    if request is None:
        return None
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    value = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def member_byline(user: Any) -> str:
    """The public name of a member: their full name, else their username, never an address.

    Sites that log people in by e-mail have usernames that are addresses; only the part
    before the "@" is shown then. (``get_full_name`` is optional on custom user models.)
    """
    get_full_name = getattr(user, "get_full_name", None)
    full_name = str(get_full_name() or "").strip() if callable(get_full_name) else ""
    username = str(user.get_username())
    return full_name or username.partition("@")[0] or username


def build_comment(
    *,
    target: models.Model,
    body: str,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    parent: Comment | None = None,
    user: Any = None,
    request: HttpRequest | None = None,
) -> Comment:
    """An unsaved comment on ``target`` with thread fields and request metadata filled in."""
    comment = Comment(
        content_type=ContentType.objects.get_for_model(target.__class__),
        object_pk=str(target.pk),
        body=body,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        submitted_at=timezone.now(),
    )
    comment.content_object = target
    if user is not None and user.is_authenticated:
        comment.user = user
        comment.author_name = author_name or member_byline(user)
        comment.author_email = author_email or getattr(user, "email", "") or ""
    if parent is not None:
        comment.parent = parent
        comment.thread_id = parent.thread_id or parent.pk
        comment.depth = parent.depth + 1
    if request is not None:
        comment.ip_address = client_ip(request)
        # A header may carry NUL, which PostgreSQL cannot store: it would be a server error.
        user_agent = (request.META.get("HTTP_USER_AGENT") or "").replace("\x00", "")
        comment.user_agent = user_agent[:500]
    return comment


def _summary(verdicts: Iterable[Verdict]) -> str:
    return "; ".join(
        f"{v.filter}: {v.message or v.code} ({v.score:+g})"
        for v in verdicts
        if v.score or v.error or v.discard
    )


def _target_of(comment: Comment) -> models.Model:
    """The object ``comment`` is on; callers pass comments whose object exists."""
    target = comment.content_object
    if target is None:
        raise ValueError(f"The object of comment {comment.pk} does not exist.")
    return target


def post_comment(
    comment: Comment,
    *,
    request: HttpRequest | None = None,
    submission: Submission | None = None,
) -> PostResult:
    """Check a new (unsaved) comment, store it with the decided status, and announce it.

    Raises :class:`CommentRejected` when the discussion is closed, a receiver of
    ``comment_will_be_posted`` or a filter refuses it.
    """
    target = _target_of(comment)
    policy = moderator.policy_for(target)
    if not policy.comments_open(target):
        raise CommentRejected(_("Comments are closed."), code="closed", status=403)
    user = comment.user
    if policy.login_required(target) and user is None:
        raise CommentRejected(
            _("You must be logged in to comment."), code="login_required", status=403
        )
    if comment.depth > policy.get_max_depth(target):
        raise CommentRejected(
            _("This discussion does not allow replies this deep."), code="too_deep"
        )

    submission = submission or Submission(request=request, target=target, offline=request is None)
    submission.is_moderator = submission.is_moderator or can_moderate(user)
    comment_will_be_posted.send(sender=Comment, comment=comment, request=request)

    result = run_pipeline(comment, submission)
    verdicts = list(result.verdicts)
    decision = result.decision
    if decision == Decision.DISCARD:
        return PostResult(comment=None, decision=decision, verdicts=verdicts)
    if submission.is_moderator and decision != Decision.APPROVE:
        # Moderators' own comments are never held by their own queue.
        verdicts.append(
            Verdict(filter="moderator", code="moderator", message=_("Posted by a moderator."))
        )
        decision = Decision.APPROVE
    elif decision == Decision.APPROVE and not submission.is_moderator:
        reason = policy.hold_reason(comment, target, request)
        if reason:
            verdicts.append(Verdict(filter="policy", code="policy", message=reason))
            decision = Decision.HOLD

    comment.status = DECISION_STATUS[decision]
    comment.spam_score = result.score
    comment.spam_reasons = [v.as_dict() for v in verdicts]
    # One row: the pipeline's decision and its reasons are the comment's own fields, and the
    # audit trail starts with the first change made to it (whose ``from_status`` is this one).
    comment.save()
    comment_was_posted.send(sender=Comment, comment=comment, request=request, decision=decision)
    return PostResult(comment=comment, decision=decision, verdicts=verdicts)


def change_status(
    comment: Comment,
    new_status: str,
    *,
    action: str,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Move ``comment`` to ``new_status`` under a row lock; ``False`` if it already was there.

    Two moderators acting at once end with one consistent status and one audit row per
    real change. The instance passed in is refreshed with the stored status. ``request``
    (the moderator's or the reporting reader's) goes out with the signal, so notifications
    link to the site's own host when ``SITE_URL`` is not set.
    """
    moderator_user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        locked = Comment.objects.select_for_update().only("pk", "status").get(pk=comment.pk)
        old_status = locked.status
        if old_status == new_status:
            comment.status = old_status
            return False
        Comment.objects.filter(pk=comment.pk).update(status=new_status)
        ModerationEvent.objects.create(
            comment_id=comment.pk,
            actor=moderator_user,
            source=source or ("moderator" if moderator_user else "system"),
            action=action,
            from_status=old_status,
            to_status=new_status,
            reason=reason,
        )
    comment.status = new_status
    comment_status_changed.send(
        sender=Comment,
        comment=comment,
        old_status=old_status,
        new_status=new_status,
        action=action,
        user=moderator_user,
        source=source,
        reason=reason,
        request=request,
    )
    return True


def approve(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Publish a comment."""
    return change_status(
        comment,
        Status.APPROVED,
        action="approve",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def hold(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Unpublish a comment back into the moderation queue."""
    return change_status(
        comment,
        Status.PENDING,
        action="hold",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def mark_spam(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Mark a comment as spam (the learning filter learns from it)."""
    return change_status(
        comment,
        Status.SPAM,
        action="spam",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def mark_ham(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Declare a comment not spam and publish it (the learning filter learns from it)."""
    return change_status(
        comment,
        Status.APPROVED,
        action="ham",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def trash(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Move a comment to the trash (kept until purged)."""
    return change_status(
        comment,
        Status.TRASH,
        action="trash",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def restore(
    comment: Comment,
    *,
    user: Any = None,
    source: str = "",
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Take a comment out of the trash, back to the status it had before.

    ``False`` for a comment not in the trash: "restore" must not unpublish an approved one.
    """
    if not Comment.objects.filter(pk=comment.pk, status=Status.TRASH).exists():
        return False
    previous = (
        ModerationEvent.objects.filter(comment_id=comment.pk, to_status=Status.TRASH)
        .order_by("-created_at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    target_status = previous if previous and previous != Status.TRASH else Status.PENDING
    return change_status(
        comment,
        target_status,
        action="restore",
        user=user,
        source=source,
        reason=reason,
        request=request,
    )


def reply(parent: Comment, body: str, *, user: Any, request: HttpRequest | None = None) -> Comment:
    """Post a moderator's reply to ``parent``, published at once (no spam filter runs).

    Replying to a held comment approves it first, as answering it publishes the question.
    Sends ``comment_was_posted`` like any new comment and writes a ``"reply"`` audit row.
    """
    target = _target_of(parent)
    if parent.status == Status.PENDING:
        approve(
            parent,
            user=user,
            source="reply",
            reason=_("Approved by replying to it."),
            request=request,
        )
    comment = build_comment(target=target, body=body, parent=parent, user=user, request=request)
    comment.status = Status.APPROVED
    comment.spam_reasons = [
        Verdict(filter="moderator", code="moderator", message=_("Posted by a moderator.")).as_dict()
    ]
    with transaction.atomic():
        comment.save()
        ModerationEvent.objects.create(
            comment=comment,
            actor=user if user is not None and user.is_authenticated else None,
            source="moderator",
            action="reply",
            from_status="",
            to_status=comment.status,
            created_at=comment.submitted_at,
        )
    comment_was_posted.send(
        sender=Comment, comment=comment, request=request, decision=Decision.APPROVE
    )
    return comment


def reporter_network(ip_address: str | None) -> str:
    """The network one anonymous reader is counted by: an IPv4 address or an IPv6 /64.

    One IPv6 subscriber holds a whole /64, and requests without an address are one unknown
    reader; counting addresses one by one would let a single person hold any comment alone.
    """
    if not ip_address:
        return "unknown"
    address = ipaddress.ip_address(ip_address)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket's IPv4 client
    prefix = 64 if address.version == 6 else 32
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _reported_anonymously(comment: Comment, ip_address: str | None) -> bool:
    anonymous = Flag.objects.filter(comment_id=comment.pk, user__isnull=True)
    if ip_address is None:
        return anonymous.filter(ip_address__isnull=True).exists()
    if ":" not in ip_address:
        return anonymous.filter(ip_address=ip_address).exists()
    # The addresses of a /64 share no text form to filter on; a comment has few reports.
    network = reporter_network(ip_address)
    stored = anonymous.filter(ip_address__contains=":").values_list("ip_address", flat=True)
    return any(reporter_network(other) == network for other in stored)


def _reports_since_review(comment: Comment) -> int:
    """Reports made since a moderator last published the comment: their verdict outweighs
    older reports, or one more report would hide a comment they had just let stand."""
    reviewed = (
        ModerationEvent.objects.filter(
            comment_id=comment.pk, to_status=Status.APPROVED, action__in=("approve", "ham")
        )
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    reports = Flag.objects.filter(comment_id=comment.pk)
    if reviewed is not None:
        reports = reports.filter(created_at__gt=reviewed)
    return reports.count()


def flag(
    comment: Comment,
    *,
    user: Any = None,
    request: HttpRequest | None = None,
    reason: str = "",
) -> Flag | None:
    """Record a reader's report; enough reports hold an approved comment.

    Returns ``None`` when this user (or, for anonymous readers, this IP address or IPv6
    /64, see :func:`reporter_network`) already reported the comment. Reports made before a
    moderator last approved the comment do not count towards the threshold.
    """
    reporter = user if user is not None and user.is_authenticated else None
    ip_address = client_ip(request)
    try:
        with transaction.atomic():
            if (
                reporter is not None
                and Flag.objects.filter(comment_id=comment.pk, user=reporter).exists()
            ):
                return None
            # One anonymous report per address, or one reader could hold any comment alone.
            if reporter is None and _reported_anonymously(comment, ip_address):
                return None
            report = Flag.objects.create(
                comment_id=comment.pk, user=reporter, ip_address=ip_address, reason=reason[:500]
            )
            Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    except IntegrityError:
        # The same member's report sent twice at once: the check above saw neither, the
        # unique constraint let one in. Counted once, like any repeated report.
        return None
    comment.refresh_from_db(fields=["flag_count", "status"])
    comment_was_flagged.send(sender=Comment, comment=comment, flag=report, request=request)
    threshold = conf.FLAGS_TO_HOLD
    if (
        threshold
        and comment.flag_count >= threshold
        and comment.status == Status.APPROVED
        and _reports_since_review(comment) >= threshold
    ):
        hold(
            comment,
            source="flags",
            reason=_("Reported by %(count)d readers.") % {"count": comment.flag_count},
            request=request,
        )
    return report


#: Primary keys per query when walking or deleting threads: far below every database's
#: limit on query parameters.
DELETE_BATCH = 500


def _batches(pks: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(pks), DELETE_BATCH):
        yield pks[start : start + DELETE_BATCH]


def delete_permanently(comments: Iterable[Comment] | models.QuerySet[Comment]) -> int:
    """Delete comments (and their replies) for good. Returns how many rows went.

    Replies are found level by level and deleted deepest first, so the cascade never walks
    down a thread: Django's deletion collector recurses once per level, and an imported
    thread deeper than Python's recursion limit would crash it.
    """
    levels: list[list[Any]] = []
    seen: set[Any] = set()
    level = list(dict.fromkeys(c.pk for c in comments))
    while level:
        seen.update(level)
        levels.append(level)
        replies: list[Any] = []
        for batch in _batches(level):
            replies.extend(Comment.objects.filter(parent_id__in=batch).values_list("pk", flat=True))
        level = [pk for pk in dict.fromkeys(replies) if pk not in seen]
    deleted = 0
    with transaction.atomic():
        for level in reversed(levels):
            for batch in _batches(level):
                _total, per_model = Comment.objects.filter(pk__in=batch).delete()
                deleted += per_model.get(Comment._meta.label, 0)
    return deleted


def _cutoff(older_than: datetime.timedelta) -> datetime.datetime | None:
    """``now - older_than``; ``None`` when that is before year 1 (nothing is that old)."""
    try:
        return timezone.now() - older_than
    except OverflowError:
        return None


def purge(
    status: str, *, older_than: datetime.timedelta | None = None, dry_run: bool = False
) -> int:
    """Delete every comment with ``status`` (spam or trash), optionally only older ones.

    Age counts from when the comment got that status (its latest audit row), so a years-old
    comment trashed today is kept for the whole retention period. A comment with any reply
    below it (at any depth) that is not purged too stays: deleting it would take that reply
    with it.
    """
    if status not in (Status.SPAM, Status.TRASH):
        raise ValueError("Only spam and trash can be purged.")
    qs = Comment.objects.filter(status=status)
    if older_than is not None:
        cutoff = _cutoff(older_than)
        if cutoff is None:
            return 0
        entered = (
            ModerationEvent.objects.filter(comment_id=OuterRef("pk"), to_status=status)
            .order_by("-created_at", "-pk")
            .values("created_at")[:1]
        )
        qs = qs.annotate(status_since=Coalesce(Subquery(entered), F("submitted_at"))).filter(
            status_since__lt=cutoff
        )
    parents: dict[Any, Any] = dict(qs.values_list("pk", "parent_id"))
    # Replies that are not purged (another status, or younger) keep every ancestor they have.
    kept: list[Any] = []
    for batch in _batches(list(parents)):
        below = Comment.objects.filter(Q(parent_id__in=batch) | Q(thread_id__in=batch))
        for pk, parent_id, thread_id in below.values_list("pk", "parent_id", "thread_id"):
            if pk not in parents:
                kept.extend((parent_id, thread_id))
    while kept:
        pk = kept.pop()
        if pk in parents:
            kept.append(parents.pop(pk))
    if dry_run:
        return len(parents)
    return delete_permanently(Comment(pk=pk) for pk in parents)


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            # Whole words only: erasing 192.0.2.7 leaves 192.0.2.77, "Ann" leaves "Annual".
            pattern = rf"(?<!\w){re.escape(secret)}(?!\w)"
            text = re.sub(pattern, "[erased]", text, flags=re.IGNORECASE)
    return text


def _number(value: Any) -> float:
    # Imported reasons may hold anything: a score that is not a number counts as 0.
    return float(value) if isinstance(value, int | float) else 0.0


def _reasons_summary(reasons: Iterable[Any]) -> str:
    """The reason of a ``"post"`` audit row (written by pre-releases for every new comment),
    rebuilt from the comment's stored verdicts."""
    verdicts = [
        Verdict(
            filter=str(entry.get("filter", "")),
            code=str(entry.get("code", "")),
            score=_number(entry.get("score")),
            message=str(entry.get("message") or ""),
            discard=bool(entry.get("discard")),
            error=bool(entry.get("error")),
        )
        for entry in reasons
        if isinstance(entry, dict)
    ]
    return _summary(verdicts)


def erase_personal_data(
    email: str,
    *,
    remove_body: bool = False,
    user: Any = None,
    source: str = "",
    dry_run: bool = False,
) -> int:
    """Anonymise every comment written with ``email``; returns how many there were.

    The name becomes "Anonymous"; e-mail, website, IP address, user agent and the link to
    a user account are cleared, and the name, address, website or IP is blanked out of spam
    reasons and audit reasons; reports sent from those IP addresses lose theirs. The body
    stays unless ``remove_body`` replaces it with "[deleted]" (replies keep their place in
    the thread); the spam filters' messages, which quote the text, then go too (their codes
    and scores stay). The status and the audit trail are kept, and one ``"erase"`` audit
    row records that the erasure happened.
    """
    email = email.strip()
    if not email:
        raise ValueError("An e-mail address is required.")
    moderator_user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        comments = list(
            Comment.objects.select_for_update().filter(author_email__iexact=email).order_by("pk")
        )
        if dry_run:
            return len(comments)
        reason = _("Personal data erased.")
        if remove_body:
            reason = _("Personal data and comment text erased.")
        addresses = {comment.ip_address for comment in comments if comment.ip_address}
        for comment in comments:
            secrets = {
                email,
                comment.author_email,
                comment.ip_address or "",
                comment.author_url,
                comment.author_name.strip(),
            }
            comment.spam_reasons = [
                {
                    k: ("" if remove_body and k == "message" else _scrub(v, secrets))
                    if isinstance(v, str)
                    else v
                    for k, v in entry.items()
                }
                if isinstance(entry, dict)
                else entry
                for entry in comment.spam_reasons or []
            ]
            for event in ModerationEvent.objects.filter(comment_id=comment.pk).exclude(reason=""):
                # (Databases from before 0.1.0 may hold "post" rows written by the pipeline.)
                if remove_body and event.action == "post" and event.source == "pipeline":
                    # Built from the filters' messages, which quote the text being removed.
                    scrubbed = _reasons_summary(comment.spam_reasons)
                else:
                    scrubbed = _scrub(event.reason, secrets)
                if scrubbed != event.reason:
                    ModerationEvent.objects.filter(pk=event.pk).update(reason=scrubbed)
            comment.author_name = _("Anonymous")
            comment.author_email = ""
            comment.author_url = ""
            comment.ip_address = None
            comment.user_agent = ""
            comment.user = None
            if remove_body:
                comment.body = _("[deleted]")
            comment.save(
                update_fields=[
                    "author_name", "author_email", "author_url", "ip_address", "user_agent",
                    "user", "body", "spam_reasons",
                ]
            )  # fmt: skip
            ModerationEvent.objects.create(
                comment_id=comment.pk,
                actor=moderator_user,
                source=source or ("moderator" if moderator_user else "system"),
                action="erase",
                from_status=comment.status,
                to_status=comment.status,
                reason=reason,
            )
        # Reports this person sent carry the same addresses (a report has no e-mail).
        Flag.objects.filter(ip_address__in=addresses).update(ip_address=None)
    return len(comments)


def anonymise_ips(older_than: datetime.timedelta, *, dry_run: bool = False) -> tuple[int, int]:
    """Forget the IP addresses of comments and reports older than ``older_than``.

    Returns ``(comments, reports)`` changed. Nothing else about them changes.
    """
    cutoff = _cutoff(older_than)
    if cutoff is None:
        return 0, 0
    comments = Comment.objects.filter(ip_address__isnull=False, submitted_at__lt=cutoff)
    reports = Flag.objects.filter(ip_address__isnull=False, created_at__lt=cutoff)
    if dry_run:
        return comments.count(), reports.count()
    with transaction.atomic():
        return comments.update(ip_address=None), reports.update(ip_address=None)


def _bump_lists(targets: Iterable[tuple[int, str]]) -> None:
    for content_type_id, object_pk in targets:
        bump_list_version(content_type_id, object_pk)


def import_comments(
    comments: list[Comment],
    *,
    source: str = "import",
    train: bool = False,
    announce: bool = False,
) -> list[Comment]:
    """Store comments brought from another system, with one ``"import"`` audit row each.

    The status is kept as the source had it, no spam filter runs, and by default no signal
    is sent: a migrated archive must not e-mail moderators about years-old comments nor
    teach the learning filter. ``train=True`` sends ``comment_status_changed`` with action
    ``"spam"``/``"ham"`` for spam and approved comments, so the learning filter learns from
    them; ``announce=True`` also sends ``comment_was_posted``.
    """
    for comment in comments:
        # bulk_create skips Comment.save(), which sets it for every other path.
        comment.body_hash = body_hash(comment.body)
    with transaction.atomic():
        created = Comment.objects.bulk_create(comments)
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                comment_id=comment.pk,
                source=source,
                action="import",
                from_status="",
                to_status=comment.status,
                created_at=comment.submitted_at,
            )
            for comment in created
        )
    # bulk_create sends no post_save, so cached lists of these pages are told here, once the
    # rows are visible to other processes (an import is one long transaction).
    targets = {(comment.content_type_id, comment.object_pk) for comment in created}
    transaction.on_commit(lambda: _bump_lists(targets))
    for comment in created:
        if train and comment.status in (Status.SPAM, Status.APPROVED):
            action = "spam" if comment.status == Status.SPAM else "ham"
            comment_status_changed.send(
                sender=Comment,
                comment=comment,
                old_status="",
                new_status=comment.status,
                action=action,
                user=None,
                source=source,
                reason="",
            )
        if announce:
            decision = {v: k for k, v in DECISION_STATUS.items()}.get(comment.status, Decision.HOLD)
            comment_was_posted.send(
                sender=Comment, comment=comment, request=None, decision=decision
            )
    return created
