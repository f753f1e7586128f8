from __future__ import annotations

import datetime
import time
from collections.abc import Collection
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comments_plugin.conf import conf
from comments_plugin.markup import strip_control_characters
from comments_plugin.models import Comment, Status
from comments_plugin.moderation import moderator
from comments_plugin.validators import URLValidator, validate_email

TOKEN_SALT = "comments_plugin.form-token"


def clean_text(value: str) -> str:
    """``value`` as stored: without the control characters a page or a feed cannot carry.

    (NUL never gets here: Django's own validator refuses it with a form error.)
    """
    return strip_control_characters(value)


class BadTarget(Exception):
    """The form's token does not name a commentable object (tampered, expired, unknown)."""


class TokenExpired(BadTarget):
    """The token is genuine but older than ``TOKEN_MAX_AGE``; ``target`` is what it names."""

    def __init__(self, message: str | Promise, target: models.Model) -> None:
        super().__init__(message)
        self.target = target


def make_token(target: models.Model) -> str:
    """A signed token naming ``target`` and the time the form was shown."""
    ct = ContentType.objects.get_for_model(target.__class__)
    return signing.dumps(
        {"ct": ct.pk, "pk": str(target.pk), "t": int(time.time())}, salt=TOKEN_SALT, compress=False
    )


def read_token(
    token: str, *, known: models.Model | None = None
) -> tuple[models.Model, datetime.datetime]:
    """The target and issue time of a token; raises :class:`BadTarget`.

    ``known`` is a target already loaded (the form's own): when the token names it, it is
    returned as it is instead of being read from the database a second time. A genuine
    token that is too old raises :class:`TokenExpired`, which names its target.
    """
    try:
        data = signing.loads(str(token), salt=TOKEN_SALT, max_age=conf.TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        # The signature is good, so the target it names can be trusted: the posting view
        # gives the visitor the form back with their text instead of losing it.
        target, _issued = token_target(signing.loads(str(token), salt=TOKEN_SALT), known)
        raise TokenExpired(
            _("This form has expired. Check your comment and send it again."), target
        ) from exc
    except signing.BadSignature as exc:
        raise BadTarget(_("This form was tampered with or is damaged.")) from exc
    return token_target(data, known)


def token_target(data: Any, known: models.Model | None) -> tuple[models.Model, datetime.datetime]:
    """The target and issue time named by a token's (verified) ``data``."""
    try:
        ct = ContentType.objects.get_for_id(int(data["ct"]))
        model = ct.model_class()
        if model is None:
            raise BadTarget(_("The page you commented on no longer exists."))
        if known is not None and type(known) is model and str(known.pk) == str(data["pk"]):
            target = known
        else:
            target = model._default_manager.get(pk=data["pk"])
        issued = datetime.datetime.fromtimestamp(int(data["t"]), tz=datetime.UTC)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise BadTarget(_("This form was tampered with or is damaged.")) from exc
    except (ObjectDoesNotExist, ValidationError) as exc:
        raise BadTarget(_("The page you commented on no longer exists.")) from exc
    return target, issued


def validate_http_url(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(
            _("Enter a web address starting with http:// or https://."), code="scheme"
        )


class QuickEmailField(forms.EmailField):
    """Django's ``EmailField`` with the validator of :mod:`comments_plugin.validators`
    (the same decisions, without compiling Django's pattern for an ordinary address)."""

    default_validators = [validate_email]


class QuickURLField(forms.URLField):
    """Django's ``URLField`` with the validator of :mod:`comments_plugin.validators`."""

    default_validators = [URLValidator()]


class CommentForm(forms.Form):
    """The "Leave a Reply" form. Bound with ``target``; ``user`` drops name/email for members.

    ``pending_ids`` are the visitor's own held comments (``threads.pending_ids``): besides
    approved comments, only those can be replied to.
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = QuickEmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Your email address will not be published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = QuickURLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[validate_http_url],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 8, "cols": 45}))
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    # Bounded so a huge number is a form error, not a database overflow.
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # The honeypot (``HONEYPOT_FIELD``): hidden from people by CSS and aria-hidden; bots fill it in.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(
        self,
        target: models.Model,
        data: Any = None,
        *,
        user: Any = None,
        initial: Any = None,
        pending_ids: Collection[int] = (),
        verified_token: tuple[str, datetime.datetime] | None = None,
        **kwargs: Any,
    ) -> None:
        self.target = target
        self.pending_ids = set(pending_ids)
        self.user = user if user is not None and user.is_authenticated else None
        # ``verified_token``: a token the caller has already checked with read_token() (the
        # posting view must, to find ``target``) and the issue time read_token() returned
        # for it. It is trusted as it is, so pass nothing else; any other posted token is
        # verified here as usual.
        self.verified_token = verified_token
        initial = dict(initial or {})
        if data is None:
            # A bound form shows the token it was sent, never this one: sign only for a new form.
            initial.setdefault("token", make_token(target))
        super().__init__(data, initial=initial, **kwargs)
        # Read at form creation, not import, so a changed setting applies at once.
        self.fields["body"].validators.append(MaxLengthValidator(conf.MAX_LENGTH))
        self.fields["body"].widget.attrs["maxlength"] = str(conf.MAX_LENGTH)
        if self.user is not None:
            del self.fields["name"]
            del self.fields["email"]
            del self.fields["remember"]
        self.token_issued_at: datetime.datetime | None = None
        self.parent_comment: Comment | None = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if self.verified_token is not None and self.verified_token[0] == token:
            self.token_issued_at = self.verified_token[1]
            return token
        try:
            target, issued = read_token(token, known=self.target)
        except BadTarget as exc:
            raise ValidationError(str(exc), code="bad_token") from exc
        if type(target) is not type(self.target) or str(target.pk) != str(self.target.pk):
            raise ValidationError(_("This form belongs to another page."), code="bad_token")
        self.token_issued_at = issued
        return token

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"]).strip()
        if not name:
            raise ValidationError(_("Please enter your name."), code="required")
        return name

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        body = clean_text(body).strip()
        if not body:
            raise ValidationError(_("Please write a comment."), code="required")
        return body

    def clean_parent(self) -> Comment | None:
        pk = self.cleaned_data.get("parent")
        if not pk:
            return None
        # By primary key alone (the cheapest look-up), then checked here.
        parent = Comment.objects.parent_for_reply(pk)
        ct = ContentType.objects.get_for_model(self.target.__class__)
        if (
            parent is None
            or parent.content_type_id != ct.pk
            or parent.object_pk != str(self.target.pk)
            # Another visitor's held comment is answered like a missing one: that it exists
            # is not public.
            or not (
                parent.status == Status.APPROVED
                or (parent.status == Status.PENDING and parent.pk in self.pending_ids)
            )
        ):
            raise ValidationError(
                _("The comment you replied to is not on this page."), code="bad_parent"
            )
        if parent.depth + 1 > moderator.policy_for(self.target).get_max_depth(self.target):
            raise ValidationError(
                _("This discussion does not allow replies this deep."), code="too_deep"
            )
        self.parent_comment = parent
        return parent

    @property
    def token_age(self) -> datetime.timedelta | None:
        if self.token_issued_at is None:
            return None
        return timezone.now() - self.token_issued_at
