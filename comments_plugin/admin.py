"""The moderation screens: a comments queue in the style of WordPress's, inside Django admin.

Every change of status, from a row button, a bulk action or the "Empty spam" button, goes
through :mod:`comments_plugin.operations`, so the audit trail is written, signals fire and
the learning filter learns. All of it needs the ``comments_plugin.moderate_comment``
permission; staff without it may look, never act.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from html import escape
from types import ModuleType
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as admin_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connections, models
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, get_script_prefix, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from comments_plugin.models import Comment, Flag, ModerationEvent, Rule, Status

MODERATE_PERMISSION = "comments_plugin.moderate_comment"
#: The status view a moderator lands on from the admin index.
DEFAULT_STATUS = Status.PENDING
#: The spam reason filter's choices are cached this long (seconds): reading them costs a
#: scan of recent comments a busy queue should not pay on every page.
REASON_CHOICES_TIMEOUT = 300
REASON_CHOICES_KEY = "comments_plugin:admin:reason-choices"
#: How many recent comments the spam reason filter reads its codes from.
REASON_SAMPLE = 1000

Operation = Callable[..., bool]
#: A primary key no real comment has, reversed once and replaced by each row's.
ROW_URL_SENTINEL = 987654321987

#: Row buttons and bulk actions: name → (function in ``operations``, button label).
ACTIONS: dict[str, tuple[str, Any]] = {
    "approve": ("approve", _("Approve")),
    "unapprove": ("hold", _("Unapprove")),
    "spam": ("mark_spam", _("Spam")),
    "not_spam": ("mark_ham", _("Not spam")),
    "trash": ("trash", _("Trash")),
    "restore": ("restore", _("Restore")),
}

#: Which row buttons each status offers.
ROW_ACTIONS: dict[str, tuple[str, ...]] = {
    Status.PENDING: ("approve", "spam", "trash"),
    Status.APPROVED: ("unapprove", "spam", "trash"),
    Status.SPAM: ("not_spam", "trash"),
    Status.TRASH: ("restore",),
}


def operations() -> ModuleType:
    """:mod:`comments_plugin.operations`, imported when first needed.

    Django imports every ``admin.py`` in every process at start-up, and the operations
    bring the spam pipeline with them: a process that only serves pages never needs them.
    """
    from comments_plugin import operations

    return operations


def operation_for(action: str) -> Operation:
    """The operation behind a row button or bulk action (a key of :data:`ACTIONS`)."""
    return cast(Operation, getattr(operations(), ACTIONS[action][0]))


def done_message(action: str, count: int) -> str:
    messages_ = {
        "approve": ngettext("Approved %(count)d comment.", "Approved %(count)d comments.", count),
        "unapprove": ngettext(
            "Unapproved %(count)d comment.", "Unapproved %(count)d comments.", count
        ),
        "spam": ngettext(
            "Marked %(count)d comment as spam.", "Marked %(count)d comments as spam.", count
        ),
        "not_spam": ngettext(
            "Marked %(count)d comment as not spam.",
            "Marked %(count)d comments as not spam.",
            count,
        ),
        "trash": ngettext(
            "Moved %(count)d comment to the trash.",
            "Moved %(count)d comments to the trash.",
            count,
        ),
        "restore": ngettext(
            "Restored %(count)d comment from the trash.",
            "Restored %(count)d comments from the trash.",
            count,
        ),
    }
    return messages_[action] % {"count": count}


def can_moderate(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.has_perm(MODERATE_PERMISSION))


def with_reason_code(queryset: QuerySet[Comment], code: str) -> QuerySet[Comment]:
    """Comments with a verdict whose ``code`` is ``code``, on every supported database."""
    connection = connections[queryset.db]
    if connection.features.supports_json_field_contains:  # PostgreSQL, MySQL, MariaDB
        return queryset.filter(spam_reasons__contains=[{"code": code}])
    table = connection.ops.quote_name(Comment._meta.db_table)
    if connection.vendor == "sqlite":
        return queryset.filter(
            RawSQL(
                f"EXISTS (SELECT 1 FROM json_each({table}.spam_reasons) AS r "
                "WHERE json_extract(r.value, '$.code') = %s)",
                (code,),
                output_field=BooleanField(),
            )
        )
    # Other databases store the list as text, serialised by Python's json module.
    return queryset.filter(spam_reasons__icontains=f'"code": "{code}"')


def counts_by_type_and_status(request: HttpRequest) -> dict[tuple[int, str], int]:
    """How many comments each commented model has in each status, once per request.

    One grouped query feeds both the status views and the content type filter.
    """
    cached = getattr(request, "_comments_plugin_counts", None)
    if cached is None:
        rows = (
            Comment.objects.order_by().values_list("content_type", "status").annotate(n=Count("pk"))
        )
        cached = {(type_id, status): n for type_id, status, n in rows}
        request._comments_plugin_counts = cached  # type: ignore[attr-defined]
    return cached


def reason_choices() -> list[tuple[str, str]]:
    """The reason codes of recent verdicts, as filter choices (cached; see the constants)."""
    choices = cache.get(REASON_CHOICES_KEY)
    if choices is not None:
        return choices
    codes: dict[str, set[str]] = {}
    recent = Comment.objects.order_by("-pk").values_list("spam_reasons", flat=True)
    for reasons in recent[:REASON_SAMPLE]:
        for reason in reasons or []:
            if isinstance(reason, dict) and reason.get("code"):
                codes.setdefault(str(reason["code"]), set()).add(str(reason.get("filter", "")))
    choices = [
        (code, f"{code} ({', '.join(sorted(f for f in filters if f))})")
        for code, filters in sorted(codes.items())
    ]
    cache.set(REASON_CHOICES_KEY, choices, REASON_CHOICES_TIMEOUT)
    return choices


_row_words: dict[str, dict[str, str]] = {}


def row_words() -> dict[str, str]:
    """The translated words of a changelist row, HTML-escaped, looked up once per language.

    ``in_response_to``, ``reply_to`` and ``select`` are ``str.format`` templates whose one
    value the caller escapes.
    """
    language = get_language() or ""
    words = _row_words.get(language)
    if words is None:
        words = {
            "in_response_to": gettext("In response to {}"),
            "reply_to": gettext("reply to {}"),
            # Escaped as a whole: it goes into an attribute, as Django's widget escapes it.
            "select": escape(gettext("Select this object for an action - {}")),
            "from_address": escape(gettext("Comments from this address")),
            "reply": escape(gettext("Reply")),
            "your_reply": escape(gettext("Your reply")),
            "post_reply": escape(gettext("Post reply")),
            "edit": escape(gettext("Edit")),
            **{f"action:{name}": escape(str(label)) for name, (_op, label) in ACTIONS.items()},
            **{f"status:{value}": escape(str(label)) for value, label in Status.choices},
        }
        _row_words[language] = words
    return words


def truncate(text: str, length: int) -> str:
    """``Truncator(text).chars(length)``, without its loop over every character of short texts."""
    normalized = unicodedata.normalize("NFC", text)  # as Truncator does
    if len(normalized) <= length:
        return normalized
    return Truncator(text).chars(length)


#: Where target_link() keeps a target's link on the (prefetched) instance.
TARGET_LINK_ATTR = "_comments_plugin_admin_link"


def target_link(target: models.Model) -> str:
    """The escaped link to a commented object, built once per instance.

    The changelist prefetches each target once, and its rows share the instance: a page of
    comments on one article reverses its URL once instead of a hundred times.
    """
    link = target.__dict__.get(TARGET_LINK_ATTR)
    if link is None:
        # A target whose URL cannot be built must not take the whole queue down.
        from comments_plugin.views.comments import object_url  # see operations()

        url = object_url(target)
        title = escape(str(target))
        link = f'<a href="{escape(url)}">{title}</a>' if url else title
        target.__dict__[TARGET_LINK_ATTR] = link
    return link


class StatusFilter(admin.SimpleListFilter):
    """Status views; "All" means every comment but spam and trash, as in WordPress."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("all", _("All")), *Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset.exclude(status__in=[Status.SPAM, Status.TRASH])

    def choices(self, changelist: Any) -> Any:
        current = self.value() if self.value() in Status.values else "all"
        for value, title in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}, remove=["p"]
                ),
                "display": title,
            }


class ContentTypeFilter(admin.SimpleListFilter):
    title = _("content type")
    parameter_name = "content_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        choices = []
        for type_id in {type_id for type_id, _status in counts_by_type_and_status(request)}:
            # get_for_id() reads the per-process cache the content_object prefetch fills too.
            ct = ContentType.objects.get_for_id(type_id)
            model = ct.model_class()
            label = capfirst(model._meta.verbose_name_plural) if model else ct.model
            choices.append((str(type_id), str(label)))
        return sorted(choices, key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(content_type_id=int(value))
        return queryset


class FlaggedFilter(admin.SimpleListFilter):
    title = _("reported by readers")
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Reported")), ("no", _("Not reported"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


class SpamReasonFilter(admin.SimpleListFilter):
    """Comments one filter spoke about, by the stable ``code`` of its verdict."""

    title = _("spam reason")
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        choices = reason_choices()
        value = self.value()
        # A code from a bookmarked URL stays selectable even when no recent comment has it.
        if value and value not in {code for code, _label in choices}:
            choices = [*choices, (value, value)]
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value()
        return with_reason_code(queryset, value) if value else queryset


class ReadOnlyInline(admin.TabularInline):
    """An inline shown to whoever may see the comment, changed by nobody."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Seeing a comment includes seeing its history and reports, whatever the
        # permissions on those models say.
        return self.admin_site.get_model_admin(Comment).has_view_permission(request, obj)


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    verbose_name = _("audit history")
    verbose_name_plural = _("audit history")
    fields = ("created_at", "action", "from_status", "to_status", "actor", "source", "reason")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModerationEvent]:
        return super().get_queryset(request).select_related("actor")


class FlagInline(ReadOnlyInline):
    model = Flag
    fields = ("created_at", "user", "ip_address", "reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        return super().get_queryset(request).select_related("user")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "author_column",
        "comment_column",
        "status_column",
        "spam_column",
        "submitted_at",
    )
    list_display_links = ("submitted_at",)
    list_filter = (
        StatusFilter,
        ContentTypeFilter,
        ("submitted_at", admin.DateFieldListFilter),
        FlaggedFilter,
        SpamReasonFilter,
    )
    search_fields = ("author_name", "author_email", "body", "ip_address")
    ordering = ("-submitted_at", "-pk")
    list_per_page = 100
    list_max_show_all = 500
    # One COUNT for the filtered page is enough; the full count is in the status views.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = [
        "approve_selected",
        "unapprove_selected",
        "spam_selected",
        "not_spam_selected",
        "trash_selected",
        "restore_selected",
        "delete_selected",
    ]
    fieldsets = (
        (None, {"fields": ("in_response_to", "status_column", "body")}),
        (
            _("Author"),
            {"fields": ("author_name", "author_email", "author_url", "user", "author_record")},
        ),
        (_("Spam check"), {"fields": ("spam_score", "verdicts")}),
        (_("Details"), {"fields": ("submitted_at", "ip_address", "user_agent", "flag_count")}),
    )
    readonly_fields = (
        "in_response_to",
        "status_column",
        "user",
        "author_record",
        "spam_score",
        "verdicts",
        "submitted_at",
        "ip_address",
        "user_agent",
        "flag_count",
    )
    inlines = [FlagInline, ModerationEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/comments_plugin/comment/change_list.html"
    change_form_template = "admin/comments_plugin/comment/change_form.html"

    # Permissions ---------------------------------------------------------------------------

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Comments are written on the site (or as a reply from the queue), never from scratch.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_moderate(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_moderate(request)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Replies, reports and the audit trail go with a comment; a moderator allowed to
        # delete comments needs no delete permission on those models too.
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        operations().delete_permanently(queryset)

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        operations().delete_permanently([obj])

    # The queue -----------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # One query per commented model, whatever the page size.
        return super().get_queryset(request).prefetch_related("content_object")

    def get_list_display(self, request: HttpRequest) -> Any:
        if can_moderate(request):
            return self.list_display
        return tuple("excerpt_column" if f == "comment_column" else f for f in self.list_display)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/moderate/<slug:action>/",
                self.admin_site.admin_view(self.row_action_view),
                name="{}_{}_moderate".format(*info),
            ),
            path(
                "empty/<slug:status>/",
                self.admin_site.admin_view(self.empty_view),
                name="{}_{}_empty".format(*info),
            ),
            *super().get_urls(),
        ]

    def status_counts(self, request: HttpRequest) -> dict[str, int]:
        counts = dict.fromkeys(Status.values, 0)
        for (_type_id, status), n in counts_by_type_and_status(request).items():
            counts[status] = counts.get(status, 0) + n
        counts["all"] = counts[Status.PENDING] + counts[Status.APPROVED]
        return counts

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET" and not request.GET:
            # The queue, not the archive, is where a moderator starts.
            return HttpResponseRedirect(f"{request.path}?{urlencode({'status': DEFAULT_STATUS})}")
        counts = self.status_counts(request)
        current = request.GET.get("status")
        current = current if current in Status.values else "all"
        views = [
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "url": f"?{urlencode({'status': value})}",
                "current": value == current,
            }
            for value, label in [("all", _("All")), *Status.choices]
        ]
        empty_url = ""
        if current in (Status.SPAM, Status.TRASH) and counts[current] and can_moderate(request):
            empty_url = self._url("empty", current)
        context = {
            "title": _("Comments"),
            "status_views": views,
            "empty_url": empty_url,
            "empty_label": _("Empty spam") if current == Status.SPAM else _("Empty trash"),
            "can_moderate": can_moderate(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        buttons = []
        comment = self.get_object(request, unquote(object_id)) if can_moderate(request) else None
        if comment is not None:
            buttons = [
                {"url": self._url("moderate", comment.pk, name), "label": ACTIONS[name][1]}
                for name in ROW_ACTIONS.get(comment.status, ())
            ]
        context = {"moderation_buttons": buttons, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _url(self, name: str, *args: Any) -> str:
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return reverse("{}:{}_{}_".format(*info) + name, args=args)

    def _row_url(self, name: str, pk: int, action: str = "") -> str:
        """``_url(name, pk[, action])`` without a ``reverse()`` per row: a page has hundreds."""
        key = (get_script_prefix(), name, action)
        cache_ = self.__dict__.setdefault("_row_url_parts", {})
        if key not in cache_:
            url = self._url(name, ROW_URL_SENTINEL, *([action] if action else []))
            cache_[key] = url.split(str(ROW_URL_SENTINEL), 1)
        head, tail = cache_[key]
        return f"{head}{pk}{tail}"

    # Columns -------------------------------------------------------------------------------

    # The columns below format their HTML with plain f-strings and html.escape() (what
    # django.utils.html.escape() wraps), the translated words coming once per language from
    # row_words(): a changelist has a hundred rows and format_html() and gettext() per value
    # were most of its time.

    def action_checkbox(self, obj: Comment) -> SafeString:
        # What Django's own column renders through the checkbox widget's template (about a
        # millisecond a row); tests/test_admin.py compares the two.
        label = row_words()["select"].format(escape(str(obj)))
        return mark_safe(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{obj.pk}" '
            f'class="action-select" aria-label="{label}">'
        )

    @admin.display(description=_("author"), ordering="author_name")
    def author_column(self, obj: Comment) -> SafeString:
        lines = [f"<strong>{escape(obj.author_name)}</strong>"]
        if obj.author_email:
            email = escape(obj.author_email)
            lines.append(f'<a href="mailto:{email}">{email}</a>')
        if obj.author_url.lower().startswith(("http://", "https://")):
            shown = escape(truncate(obj.author_url.split("://", 1)[1], 40))
            lines.append(f'<a href="{escape(obj.author_url)}" rel="nofollow noopener">{shown}</a>')
        if obj.ip_address:
            query = escape(urlencode({"status": "all", "ip_address": obj.ip_address}))
            lines.append(
                f'<a href="?{query}" title="{row_words()["from_address"]}">'
                f"{escape(obj.ip_address)}</a>"
            )
        return mark_safe("<br>".join(lines))

    @admin.display(description=_("comment"))
    def excerpt_column(self, obj: Comment) -> SafeString:
        return mark_safe(
            f'<div class="cp-response">{self.in_response_to(obj)}</div>'
            f'<div class="cp-excerpt">{escape(truncate(obj.body, 300))}</div>'
        )

    @admin.display(description=_("comment"))
    def comment_column(self, obj: Comment) -> SafeString:
        return mark_safe(f"{self.excerpt_column(obj)}{self.row_actions(obj)}")

    @admin.display(description=_("in response to"))
    def in_response_to(self, obj: Comment) -> SafeString:
        words = row_words()
        target = obj.content_object
        if target is None:
            # get_for_id() reads the content type cache: obj.content_type is a query per row.
            model_name = ContentType.objects.get_for_id(obj.content_type_id).model
            link = escape(gettext("(deleted %(model)s)") % {"model": model_name})
        else:
            link = target_link(target)
        # Like format_html(): the translated text is trusted, the values are escaped.
        text = words["in_response_to"].format(link)
        if obj.parent_id:
            url = escape(self._row_url("change", obj.parent_id))
            parent = f'<a href="{url}">#{obj.parent_id}</a>'
            text = f"{text} ({words['reply_to'].format(parent)})"
        return mark_safe(text)

    def row_actions(self, obj: Comment) -> SafeString:
        words = row_words()
        pk = obj.pk
        buttons = [
            '<button type="submit" form="cp-row-action" '
            f'formaction="{escape(self._row_url("moderate", pk, name))}" '
            f'class="button cp-action cp-action-{name}">{words["action:" + name]}</button>'
            for name in ROW_ACTIONS.get(obj.status, ())
        ]
        if obj.status in (Status.PENDING, Status.APPROVED):
            buttons.append(
                f'<details class="cp-reply"><summary>{words["reply"]}</summary>'
                f'<textarea name="reply-{pk}" form="cp-row-action" rows="3" cols="40" '
                f'aria-label="{words["your_reply"]}"></textarea> '
                '<button type="submit" form="cp-row-action" '
                f'formaction="{escape(self._row_url("moderate", pk, "reply"))}" '
                f'class="button cp-action cp-action-reply">{words["post_reply"]}</button></details>'
            )
        buttons.append(
            f'<a class="cp-action cp-action-edit" href="{escape(self._row_url("change", pk))}">'
            f"{words['edit']}</a>"
        )
        return mark_safe(f'<div class="cp-row-actions">{" ".join(buttons)}</div>')

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj: Comment) -> SafeString:
        label = row_words().get("status:" + obj.status) or escape(obj.status)
        status = f'<span class="cp-status cp-status-{escape(obj.status)}">{label}</span>'
        if not obj.flag_count:
            return mark_safe(status)
        reports = ngettext("%(count)d report", "%(count)d reports", obj.flag_count) % {
            "count": obj.flag_count
        }
        flags_url = reverse(f"{self.admin_site.name}:comments_plugin_flag_changelist")
        return format_html(
            '{} <a class="cp-flagged" href="{}?{}" title="{}">⚑ {}</a>',
            mark_safe(status),
            flags_url,
            urlencode({"comment__id__exact": obj.pk}),
            gettext("Reported by readers"),
            reports,
        )

    @admin.display(description=_("spam score"), ordering="spam_score")
    def spam_column(self, obj: Comment) -> SafeString:
        score = f'<span class="cp-score">{f"{obj.spam_score:+g}" if obj.spam_score else "0"}</span>'
        reasons = [r for r in obj.spam_reasons or [] if self._is_telling(r)]
        if not reasons:
            return mark_safe(score)
        items = "".join(
            f'<li title="{escape(str(r.get("message", "")))}">'
            f"{escape(str(r.get('filter', '')))}: {escape(self._reason_text(r))}</li>"
            for r in reasons
        )
        return mark_safe(f'{score}<ul class="cp-reasons">{items}</ul>')

    @staticmethod
    def _is_telling(reason: Any) -> bool:
        """Verdicts worth a moderator's glance: scores, failures, and holds by policy."""
        if not isinstance(reason, dict):
            return False
        return bool(
            reason.get("score")
            or reason.get("error")
            or reason.get("discard")
            or reason.get("filter") == "policy"
        )

    @staticmethod
    def _reason_text(reason: dict[str, Any]) -> str:
        score = reason.get("score") or 0
        text = str(reason.get("message") or reason.get("code") or "")
        return f"{text} ({score:+g})" if score else text

    # Change page ---------------------------------------------------------------------------

    @admin.display(description=_("verdicts of the spam filters"))
    def verdicts(self, obj: Comment) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.get("filter", ""),
                    r.get("code", ""),
                    f"{r.get('score') or 0:+g}",
                    r.get("message", ""),
                    ", ".join(
                        str(label)
                        for key, label in (("error", _("failed")), ("discard", _("discard")))
                        if r.get(key)
                    ),
                )
                for r in obj.spam_reasons or []
                if isinstance(r, dict)
            ),
        )
        if not rows:
            return format_html("{}", gettext("No filter gave a verdict."))
        return format_html(
            '<table class="cp-verdicts"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "<th></th></tr></thead><tbody>{}</tbody></table>",
            gettext("Filter"),
            gettext("Code"),
            gettext("Score"),
            gettext("Reason"),
            rows,
        )

    @admin.display(description=_("author's record"))
    def author_record(self, obj: Comment) -> SafeString:
        lines = []
        for label, lookup, value in (
            (gettext("This email address"), "author_email__iexact", obj.author_email),
            (gettext("This IP address"), "ip_address", obj.ip_address),
        ):
            if not value:
                continue
            counts = Comment.objects.filter(**{lookup: value}).aggregate(
                **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
            )
            links = format_html_join(
                ", ",
                '<a href="{}?{}">{} {}</a>',
                (
                    (
                        self._url("changelist"),
                        urlencode({lookup: value, "status": status}),
                        counts[status],
                        status_label.lower(),
                    )
                    for status, status_label in Status.choices
                ),
            )
            lines.append(format_html("{}: {}", label, links))
        if not lines:
            return format_html("{}", gettext("No email or IP address to look up."))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    # Row buttons and bulk actions ----------------------------------------------------------

    def _redirect_back(self, request: HttpRequest) -> HttpResponseRedirect:
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(next_url)
        return HttpResponseRedirect(self._url("changelist"))

    def row_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """One button of a row: change one comment's status, or post a staff reply."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_moderate(request):
            raise PermissionDenied
        if action != "reply" and action not in ACTIONS:
            return HttpResponse(status=404)
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            # What Django's change view says (its own message, word for word, so its
            # translations apply), then back to the list the button was on: a comment
            # deleted meanwhile is no error.
            message = "%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"  # noqa: RUF001
            self.message_user(
                request,
                gettext(message) % {"name": self.opts.verbose_name, "key": unquote(object_id)},
                messages.WARNING,
            )
            return self._redirect_back(request)
        if action == "reply":
            # The button is only on published and held comments: a reply published under
            # spam or trash, or on a deleted page, would be an orphan.
            if comment.status not in (Status.PENDING, Status.APPROVED) or (
                comment.content_object is None
            ):
                self.message_user(
                    request, gettext("This comment cannot be replied to."), messages.ERROR
                )
                return self._redirect_back(request)
            body = (request.POST.get(f"reply-{comment.pk}") or request.POST.get("body", "")).strip()
            if not body:
                self.message_user(request, gettext("Write a reply first."), messages.WARNING)
                return self._redirect_back(request)
            operations().reply(comment, body, user=request.user, request=request)
            self.message_user(
                request,
                gettext("Your reply to %(name)s is published.") % {"name": comment.author_name},
                messages.SUCCESS,
            )
            return self._redirect_back(request)
        operation = operation_for(action)
        changed = operation(comment, user=request.user, source="admin", request=request)
        self.message_user(request, done_message(action, int(changed)), messages.SUCCESS)
        return self._redirect_back(request)

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Comment], action: str) -> None:
        operation = operation_for(action)
        changed = sum(
            1
            for comment in queryset
            if operation(comment, user=request.user, source="admin", request=request)
        )
        self.message_user(request, done_message(action, changed), messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "approve")

    @admin.action(description=_("Unapprove selected comments"), permissions=["moderate"])
    def unapprove_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "unapprove")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "spam")

    @admin.action(description=_("Mark selected comments as not spam"), permissions=["moderate"])
    def not_spam_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "not_spam")

    @admin.action(description=_("Move selected comments to the trash"), permissions=["moderate"])
    def trash_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "trash")

    @admin.action(
        description=_("Restore selected comments from the trash"), permissions=["moderate"]
    )
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._bulk(request, queryset, "restore")

    @admin.action(permissions=["delete"], description=_("Delete selected comments permanently"))
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        # Django's own confirmation page and permission checks, under a clearer name; the
        # deletion itself goes through delete_queryset() -> operations.delete_permanently().
        return admin_delete_selected(self, request, queryset)

    def empty_view(self, request: HttpRequest, status: str) -> HttpResponse:
        """The "Empty spam" and "Empty trash" buttons: a confirmation page, then one purge."""
        if not can_moderate(request):
            raise PermissionDenied
        if status not in (Status.SPAM, Status.TRASH):
            return HttpResponse(status=404)
        back = f"{self._url('changelist')}?{urlencode({'status': status})}"
        if request.method == "POST":
            deleted = operations().purge(status)
            self.message_user(
                request,
                ngettext(
                    "Deleted %(count)d comment permanently.",
                    "Deleted %(count)d comments permanently.",
                    deleted,
                )
                % {"count": deleted},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(back)
        # What the purge will delete: comments with replies in another status stay.
        count = operations().purge(status, dry_run=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Empty spam") if status == Status.SPAM else _("Empty trash"),
            "status": status,
            "status_label": Status(status).label,
            "count": count,
            "back_url": back,
        }
        return TemplateResponse(
            request, "admin/comments_plugin/comment/empty_confirmation.html", context
        )


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "action", "enabled", "hit_count", "note", "created_at")
    list_filter = ("kind", "action", "enabled")
    search_fields = ("value", "note")
    readonly_fields = ("hit_count", "created_at")
    ordering = ("kind", "value")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and can_moderate(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_moderate(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_moderate(request)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Readers' reports, newest first; acted upon from the comment itself."""

    list_display = (
        "comment_link",
        "comment_status",
        "reporter",
        "ip_address",
        "reason",
        "created_at",
    )
    list_select_related = ("comment", "user")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = ("reason", "comment__body", "comment__author_name")
    ordering = ("-created_at", "-pk")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a report would leave the comment's report count wrong.
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or can_moderate(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or can_moderate(request)

    @admin.display(description=_("comment"), ordering="comment")
    def comment_link(self, obj: Flag) -> SafeString:
        url = reverse(
            f"{self.admin_site.name}:comments_plugin_comment_change", args=[obj.comment_id]
        )
        return format_html('<a href="{}">{}</a>', url, obj.comment)

    @admin.display(description=_("status"), ordering="comment__status")
    def comment_status(self, obj: Flag) -> str:
        return obj.comment.get_status_display()

    @admin.display(description=_("reported by"), ordering="user")
    def reporter(self, obj: Flag) -> str:
        return obj.user.get_username() if obj.user else gettext("anonymous reader")
