from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments_plugin import operations
from comments_plugin.models import Comment, Flag, ModerationEvent, Rule


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "source", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _bulk(operation: Any, done_message: str) -> Any:
    def action(modeladmin: CommentAdmin, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        changed = sum(1 for comment in queryset if operation(comment, user=request.user, source="admin"))
        modeladmin.message_user(request, ngettext(done_message, done_message, changed) % {"count": changed}, messages.SUCCESS)

    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("author_name", "short_body", "status", "spam_score", "submitted_at", "ip_address")
    list_filter = ("status", "submitted_at", "content_type")
    search_fields = ("author_name", "author_email", "body", "ip_address")
    date_hierarchy = "submitted_at"
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_pk", "parent", "thread", "depth", "user", "ip_address", "user_agent", "submitted_at", "spam_score", "spam_reasons", "status")
    inlines = [ModerationEventInline]
    actions = ["approve_comments", "spam_comments", "trash_comments"]

    @admin.display(description=_("comment"))
    def short_body(self, obj: Comment) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        _bulk(operations.approve, "Approved %(count)d comments.")(self, request, queryset)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def spam_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        _bulk(operations.mark_spam, "Marked %(count)d comments as spam.")(self, request, queryset)

    @admin.action(description=_("Move selected comments to the trash"), permissions=["moderate"])
    def trash_comments(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        _bulk(operations.trash, "Moved %(count)d comments to the trash.")(self, request, queryset)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments_plugin.moderate_comment")


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "action", "enabled", "hit_count", "note")
    list_filter = ("kind", "action", "enabled")
    search_fields = ("value", "note")


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("comment", "user", "reason", "created_at")
    list_select_related = ("comment", "user")
    raw_id_fields = ("comment", "user")
