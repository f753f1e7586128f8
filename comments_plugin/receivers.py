"""Signal receivers of the app itself, connected in ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "COMMENTS_PLUGIN":
        from comments_plugin.spam.pipeline import reset_filters

        reset_filters()


def _rule_changed(**kwargs: Any) -> None:
    from comments_plugin.spam.filters.rules import bump_rules_version

    bump_rules_version()


def _teach_spam_filters(
    *, comment: Any, old_status: str, new_status: str, action: str, user: Any = None, **kwargs: Any
) -> None:
    from comments_plugin.spam.pipeline import label_for_change, teach

    label = label_for_change(old_status, new_status, action, user)
    if label is not None:
        teach(comment, label)


def _base_url(request: Any) -> str:
    """Where links in notifications point: ``SITE_URL``, else the request's own host."""
    from comments_plugin.conf import conf

    if conf.SITE_URL or request is None:
        return conf.SITE_URL
    return str(request.build_absolute_uri("/")).rstrip("/")


def _enqueue_later(task: Any, comment_id: int, base_url: str) -> None:
    from django.db import transaction

    # After commit, so a worker in another process finds the row.
    transaction.on_commit(lambda: task.enqueue(comment_id, base_url))


def _notify_posted(*, comment: Any, request: Any = None, **kwargs: Any) -> None:
    from comments_plugin.conf import conf
    from comments_plugin.models import Status

    if comment.status == Status.PENDING and conf.NOTIFY_MODERATORS:
        _notify_moderators(comment, request)
    elif comment.status == Status.APPROVED:
        _notify_author(comment, request)


def _notify_status_changed(
    *, comment: Any, new_status: str, request: Any = None, **kwargs: Any
) -> None:
    from comments_plugin.conf import conf
    from comments_plugin.models import Status

    if not kwargs.get("old_status"):
        return  # an import teaching the learning filter, not a change anyone made
    if new_status == Status.PENDING and conf.NOTIFY_MODERATORS:
        _notify_moderators(comment, request)
    elif new_status == Status.APPROVED and kwargs.get("old_status") != Status.TRASH:
        # Restoring from the trash republishes an old comment: not news for the author.
        _notify_author(comment, request)


def _notify_moderators(comment: Any, request: Any) -> None:
    # The tasks are imported when there is something to send: most comments are published
    # and e-mail nobody, so django.tasks and the mail code stay unloaded until then.
    from comments_plugin import tasks

    _enqueue_later(tasks.notify_moderators, comment.pk, _base_url(request))


def _notify_author(comment: Any, request: Any) -> None:
    from comments_plugin.moderation import moderator

    target = comment.content_object
    if target is not None and moderator.policy_for(target).should_notify_author(target):
        from comments_plugin import tasks  # see _notify_moderators()

        _enqueue_later(tasks.notify_author, comment.pk, _base_url(request))


def _comment_list_changed(*, instance: Any = None, comment: Any = None, **kwargs: Any) -> None:
    from comments_plugin.models import Status
    from comments_plugin.rendering import bump_list_version

    changed = comment if comment is not None else instance
    if kwargs.get("created") and changed.status != Status.APPROVED:
        # A new held or spam comment shows to nobody the cache serves (its author bypasses
        # the cache): keeping the lists warm is what a flood of spam must not undo.
        return
    bump_list_version(changed.content_type_id, changed.object_pk)


def connect() -> None:
    from comments_plugin.signals import comment_status_changed, comment_was_posted

    setting_changed.connect(_settings_changed, dispatch_uid="comments_plugin.settings_changed")
    comment_was_posted.connect(_notify_posted, dispatch_uid="comments_plugin.notify_posted")
    comment_status_changed.connect(
        _notify_status_changed, dispatch_uid="comments_plugin.notify_status_changed"
    )
    # The learning filter and Akismet learn from moderators' decisions.
    comment_status_changed.connect(
        _teach_spam_filters, dispatch_uid="comments_plugin.teach_spam_filters"
    )
    # Rules are compiled once per process; a change tells every process to recompile.
    post_save.connect(
        _rule_changed, sender="comments_plugin.Rule", dispatch_uid="comments_plugin.rule_saved"
    )
    post_delete.connect(
        _rule_changed, sender="comments_plugin.Rule", dispatch_uid="comments_plugin.rule_deleted"
    )
    # A cached comment list goes stale on every post (a save), status change, edit and deletion.
    for signal, uid in (
        (post_save, "comments_plugin.list_saved"),
        (post_delete, "comments_plugin.list_deleted"),
    ):
        signal.connect(_comment_list_changed, sender="comments_plugin.Comment", dispatch_uid=uid)
    comment_status_changed.connect(
        _comment_list_changed, dispatch_uid="comments_plugin.list_status_changed"
    )
