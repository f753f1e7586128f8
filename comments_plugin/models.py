from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Trash")


#: What a reply needs of the comment it answers (its thread and depth) and what the form
#: checks of it (the page it is on, its status); :meth:`CommentQuerySet.parent_for_reply`
#: loads these and the primary key. None of them needs a database converter.
PARENT_FIELDS = frozenset({"content_type_id", "object_pk", "thread_id", "depth", "status"})


class CommentQuerySet(models.QuerySet["Comment"]):
    def parent_for_reply(self, pk: int) -> Comment | None:
        """Comment ``pk`` with its primary key and :data:`PARENT_FIELDS` loaded (the rest
        deferred), or ``None``.

        Every reply looks its parent up, and built as a queryset the look-up costs about four
        times as much as running it, so this is one plain primary-key read on this queryset's
        database (its filters do not apply); ``Model.from_db`` makes the instance, as a
        queryset would.
        """
        meta = self.model._meta
        connection = connections[self.db]
        quote = connection.ops.quote_name
        wanted = {meta.pk.attname, *PARENT_FIELDS}
        # from_db() takes the values in the order of the model's fields.
        fields = [f for f in meta.concrete_fields if f.attname in wanted]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(str(f.column)) for f in fields)} "
                f"FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s",
                [pk],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return self.model.from_db(self.db, [f.attname for f in fields], row)

    def for_object(self, obj: models.Model) -> CommentQuerySet:
        ct = ContentType.objects.get_for_model(obj.__class__)
        return self.filter(content_type=ct, object_pk=str(obj.pk))

    def for_target(self, content_type: ContentType, object_pk: Any) -> CommentQuerySet:
        return self.filter(content_type=content_type, object_pk=str(object_pk))

    def approved(self) -> CommentQuerySet:
        return self.filter(status=Status.APPROVED)

    def in_moderation(self) -> CommentQuerySet:
        return self.filter(status=Status.PENDING)

    def spam(self) -> CommentQuerySet:
        return self.filter(status=Status.SPAM)

    def trashed(self) -> CommentQuerySet:
        return self.filter(status=Status.TRASH)

    def roots(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)


class Comment(models.Model):
    """One comment on any model instance (the *target*)."""

    # No index of its own: cp_comment_public_idx starts with it.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # A string, so integer, UUID and slug primary keys all work.
    object_pk = models.CharField(_("object ID"), max_length=255)
    content_object = GenericForeignKey("content_type", "object_pk")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        db_index=False,  # cp_comment_parent_idx: replies only
    )
    # The top-level comment of the thread (None for a top-level comment itself):
    # a page of threads loads in one query with ``thread__in``.
    thread = models.ForeignKey(
        "self",
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # cp_comment_thread_idx: replies only
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # cp_comment_user_idx: members' comments only
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("email address"), blank=True)
    author_url = models.URLField(_("website"), blank=True)
    body = models.TextField(_("comment"))
    # Set from the body on save (and by bulk imports): the duplicate filter's index look-up.
    body_hash = models.CharField(
        _("body hash"), max_length=64, blank=True, default="", editable=False
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)

    spam_score = models.FloatField(_("spam score"), default=0.0)
    spam_reasons = models.JSONField(_("spam reasons"), default=list, blank=True)
    # What the learning filter was last taught about this comment ("", "spam" or "ham"),
    # so a moderator changing their mind untrains the old lesson instead of doubling it.
    learned_as = models.CharField(_("learned as"), max_length=4, blank=True, default="")
    flag_count = models.PositiveIntegerField(_("reports"), default=0)

    # Where an imported comment came from, so re-running an import creates nothing new.
    import_source = models.CharField(_("import source"), max_length=32, blank=True, default="")
    import_id = models.CharField(_("import ID"), max_length=255, blank=True, default="")

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["submitted_at", "pk"]
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            models.Index(
                fields=["content_type", "object_pk", "status", "submitted_at"],
                name="cp_comment_public_idx",
            ),
            models.Index(fields=["status", "-submitted_at"], name="cp_comment_queue_idx"),
            models.Index(fields=["author_email"], name="cp_comment_email_idx"),
            models.Index(fields=["ip_address"], name="cp_comment_ip_idx"),
            # The duplicate filter: the same text, recently.
            models.Index(fields=["body_hash", "submitted_at"], name="cp_comment_body_idx"),
            # The known-spammer filter looks websites up by prefix ("https://pills.example");
            # PostgreSQL needs the pattern operator class for LIKE 'prefix%' to use it.
            models.Index(
                fields=["author_url"], name="cp_comment_url_idx", opclasses=["varchar_pattern_ops"]
            ),
            # Most comments are top-level and anonymous: these indexes hold only the rows
            # that have a value, so posting such a comment writes three index entries fewer.
            # Every look-up by these columns compares them with a value, which tells the
            # database (SQLite, PostgreSQL) that the row has one.
            models.Index(
                fields=["parent"], name="cp_comment_parent_idx", condition=Q(parent__isnull=False)
            ),
            models.Index(
                fields=["thread"], name="cp_comment_thread_idx", condition=Q(thread__isnull=False)
            ),
            models.Index(
                fields=["user"], name="cp_comment_user_idx", condition=Q(user__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "import_id"],
                condition=~Q(import_source=""),
                name="cp_comment_unique_import",
            ),
        ]

    def __str__(self) -> str:
        body = self.body if len(self.body) <= 50 else self.body[:49] + "…"
        return f"{self.author_name}: {body}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from comments_plugin.spam.analysis import body_hash

        self.body_hash = body_hash(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_hash"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("comments_plugin:permalink", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def thread_root_id(self) -> int | None:
        return self.thread_id or self.pk


class ModerationEvent(models.Model):
    """The audit trail: one row for every status change of a comment."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who or what acted when no user did: "flags", a filter's name, "import", a command
    # ("pipeline" in rows written by pre-releases, which logged every post).
    source = models.CharField(_("source"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=10, blank=True, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_status or '-'} → {self.to_status} ({self.action})"


class Flag(models.Model):
    """A reader's report that a comment is abusive or spam."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="flags"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(user__isnull=False),
                name="cp_flag_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.reason}"


class Rule(models.Model):
    """A moderation key or disallowed key, managed by moderators in the admin."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", _("Word or phrase")
        EMAIL = "email", _("Email address")
        IP = "ip", _("IP address or network")
        DOMAIN = "domain", _("URL domain")

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold for moderation")
        SPAM = "spam", _("Mark as spam")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    value = models.CharField(_("value"), max_length=255)
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.HOLD
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    hit_count = models.PositiveIntegerField(_("hits"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="cp_rule_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class LearnedToken(models.Model):
    """Token counts of the learning spam filter, shared by every process through the DB."""

    token = models.CharField(_("token"), max_length=100, unique=True)
    spam_count = models.PositiveIntegerField(_("spam count"), default=0)
    ham_count = models.PositiveIntegerField(_("ham count"), default=0)

    class Meta:
        verbose_name = _("learned token")
        verbose_name_plural = _("learned tokens")

    def __str__(self) -> str:
        return f"{self.token} ({self.spam_count}/{self.ham_count})"
