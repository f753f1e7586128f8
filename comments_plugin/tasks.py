"""Background tasks: e-mail notifications.

They are Django tasks (``django.tasks`` on Django 6.0+, the ``django-tasks`` backport on
5.2), so a site with a worker sends mail outside the request; the default backend runs them
at once. Receivers in :mod:`comments_plugin.receivers` enqueue them after the transaction
commits, with primary keys only: a worker reads the comment as it is when the task runs.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from comments_plugin.conf import conf
from comments_plugin.models import Comment, Status
from comments_plugin.moderation import moderator

try:
    from django.tasks import task
except ImportError:  # Django < 6.0: the backport
    # The same decorator under another module: mypy sees two definitions of one name.
    from django_tasks import task  # type: ignore[no-redef]

__all__ = ["notify_author", "notify_moderators"]


def header_safe(value: str, limit: int = 150) -> str:
    """``value`` on one line: names come from visitors, and a CR or LF would start a header."""
    line = " ".join(str(value).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def absolute(path: str, base_url: str = "") -> str:
    base = (base_url or conf.SITE_URL).rstrip("/")
    return f"{base}{path}" if base and path.startswith("/") else path


def moderator_emails() -> list[str]:
    """``MODERATOR_EMAILS``, or the active users allowed to moderate."""
    configured = conf.MODERATOR_EMAILS
    if configured is not None:
        return configured
    perm = Permission.objects.filter(
        content_type__app_label="comments_plugin", codename="moderate_comment"
    ).first()
    can = Q(is_superuser=True)
    if perm is not None:
        can |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    users = get_user_model()._default_manager.filter(can, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _context(comment: Comment, base_url: str) -> dict[str, object]:
    target = comment.content_object
    target_url = getattr(target, "get_absolute_url", None)
    return {
        "comment": comment,
        "object": target,
        "author_name": header_safe(comment.author_name),
        "object_title": header_safe(str(target)) if target is not None else "",
        "object_url": absolute(target_url(), base_url) if callable(target_url) else "",
        "comment_url": absolute(comment.get_absolute_url(), base_url),
        "admin_url": absolute(
            reverse("admin:comments_plugin_comment_change", args=[comment.pk]), base_url
        ),
        "queue_url": absolute(
            reverse("admin:comments_plugin_comment_changelist") + "?status=pending", base_url
        ),
    }


def _send(template_prefix: str, context: dict[str, object], recipients: list[str]) -> int:
    subject = header_safe(render_to_string(f"{template_prefix}_subject.txt", context))
    body = render_to_string(f"{template_prefix}_body.txt", context)
    # One message per recipient: moderators do not see each other's addresses.
    return sum(send_mail(subject, body, None, [recipient]) for recipient in recipients)


@task()
def notify_moderators(comment_id: int, base_url: str = "") -> int:
    """E-mail moderators that comment ``comment_id`` waits for them; returns mails sent."""
    comment = Comment.objects.select_related("content_type").filter(pk=comment_id).first()
    if comment is None or comment.status != Status.PENDING:
        return 0  # moderated (or deleted) before the worker got to it
    recipients = moderator_emails()
    if not recipients:
        return 0
    return _send("comments_plugin/email/comment_held", _context(comment, base_url), recipients)


@task()
def notify_author(comment_id: int, base_url: str = "") -> int:
    """E-mail the commented object's author that comment ``comment_id`` was published."""
    comment = Comment.objects.select_related("content_type").filter(pk=comment_id).first()
    if comment is None or comment.status != Status.APPROVED:
        return 0
    target = comment.content_object
    if target is None:
        return 0
    policy = moderator.policy_for(target)
    email = policy.get_author_email(target)
    # Nobody wants mail about their own comment.
    if not email or email.lower() == (comment.author_email or "").lower():
        return 0
    return _send("comments_plugin/email/comment_approved", _context(comment, base_url), [email])
