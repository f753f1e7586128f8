"""Per-model moderation policies, registered like ModelAdmins.

::

    from comments_plugin.moderation import CommentPolicy, moderator

    class ArticlePolicy(CommentPolicy):
        enable_field = "comments_open"
        auto_close_field = "published_at"
        close_after = 30

    moderator.register(Article, ArticlePolicy)

Register in your ``AppConfig.ready()``. Models without a policy get :class:`CommentPolicy`
with the global defaults from settings.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments_plugin.conf import conf

if TYPE_CHECKING:
    from django.http import HttpRequest

    from comments_plugin.models import Comment


class AlreadyRegistered(Exception):
    pass


class NotRegistered(Exception):
    pass


class CommentPolicy:
    """Rules for comments on one model. Override attributes or methods."""

    #: Name of a boolean field on the target: ``False`` closes its discussion.
    enable_field: str | None = None
    #: Name of a date/datetime field on the target that ``close_after``/``hold_after`` count from.
    auto_close_field: str | None = None
    #: Days after ``auto_close_field`` when the discussion closes (``None``: never).
    close_after: int | None = None
    #: Days after ``auto_close_field`` when new comments are held (``None``: never).
    hold_after: int | None = None
    #: Hold the first comment of someone with no approved comment yet
    #: (``None``: the ``HOLD_FIRST_TIME`` setting).
    hold_first_time: bool | None = None
    #: Only logged-in users may comment (``None``: the ``REQUIRE_LOGIN`` setting).
    require_login: bool | None = None
    #: Deepest reply level (``None``: the ``MAX_DEPTH`` setting).
    max_depth: int | None = None
    #: Hold every comment (``None``: the ``MODERATE_ALL`` setting).
    moderate_all: bool | None = None
    #: Name of the target's field holding its author (a user): :meth:`get_author_email`
    #: reads the address there.
    author_field: str | None = None
    #: E-mail the target's author when a comment on it is published
    #: (``None``: the ``NOTIFY_AUTHOR`` setting).
    notify_author: bool | None = None

    def __init__(self, model: type[models.Model] | None = None) -> None:
        self.model = model

    def _age_days(self, obj: models.Model) -> float | None:
        if not self.auto_close_field:
            return None
        value = getattr(obj, self.auto_close_field, None)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            delta = timezone.now() - value
        elif isinstance(value, datetime.date):
            delta = timezone.localdate() - value
        else:
            return None
        return delta.total_seconds() / 86400

    def get_author_email(self, obj: models.Model) -> str | None:
        """The address told about new comments on ``obj`` (``None``: nobody).

        Reads ``author_field`` (a user, or a string holding an address); override it when
        the author is found another way.
        """
        if not self.author_field:
            return None
        author = getattr(obj, self.author_field, None)
        email = author if isinstance(author, str) else getattr(author, "email", None)
        return email or None

    def should_notify_author(self, obj: models.Model) -> bool:
        return conf.NOTIFY_AUTHOR if self.notify_author is None else self.notify_author

    def get_max_depth(self, obj: models.Model) -> int:
        return conf.MAX_DEPTH if self.max_depth is None else self.max_depth

    def login_required(self, obj: models.Model) -> bool:
        return conf.REQUIRE_LOGIN if self.require_login is None else self.require_login

    def comments_open(self, obj: models.Model) -> bool:
        """Whether ``obj`` accepts new comments (the form is shown)."""
        if self.enable_field and not getattr(obj, self.enable_field, True):
            return False
        if self.close_after is not None:
            age = self._age_days(obj)
            if age is not None and age >= self.close_after:
                return False
        return True

    def hold_reason(
        self, comment: Comment, obj: models.Model, request: HttpRequest | None = None
    ) -> str | None:
        """A reason to hold ``comment`` for moderation whatever the spam filters say, or None."""
        from comments_plugin.models import Comment, Status

        if conf.MODERATE_ALL if self.moderate_all is None else self.moderate_all:
            return str(_("All comments are moderated."))
        if self.hold_after is not None:
            age = self._age_days(obj)
            if age is not None and age >= self.hold_after:
                return str(
                    _("The discussion is older than %(days)d days.") % {"days": self.hold_after}
                )
        if conf.HOLD_FIRST_TIME if self.hold_first_time is None else self.hold_first_time:
            approved = Comment.objects.filter(status=Status.APPROVED)
            if comment.user_id is not None:
                known = approved.filter(user_id=comment.user_id).exists()
            else:
                # Without an address there is nobody to recognise: hold.
                known = (
                    bool(comment.author_email)
                    and approved.filter(author_email__iexact=comment.author_email).exists()
                )
            if not known:
                return str(_("First comment from this author."))
        return None


class Moderator:
    """The registry of policies by model."""

    def __init__(self) -> None:
        self._registry: dict[type[models.Model], CommentPolicy] = {}

    def register(
        self, model_or_iterable: Any, policy_class: type[CommentPolicy] = CommentPolicy
    ) -> None:
        models_ = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models_:
            if model in self._registry:
                raise AlreadyRegistered(f"{model.__name__} already has a comment policy.")
            self._registry[model] = policy_class(model)

    def unregister(self, model_or_iterable: Any) -> None:
        models_ = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models_:
            if model not in self._registry:
                raise NotRegistered(f"{model.__name__} has no comment policy.")
            del self._registry[model]

    def is_registered(self, model: type[models.Model]) -> bool:
        return model in self._registry

    def policy_for(self, obj_or_model: models.Model | type[models.Model]) -> CommentPolicy:
        model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
        model = getattr(model._meta, "concrete_model", model)
        return self._registry.get(model) or CommentPolicy(model)


moderator = Moderator()
