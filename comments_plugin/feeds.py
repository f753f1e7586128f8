"""RSS feeds of approved comments. No e-mail address is ever put in an item."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from comments_plugin import markup
from comments_plugin.models import Comment, Status

FEED_SIZE = 40


class LatestCommentsFeed(Feed):
    """The latest approved comments on the whole site."""

    def title(self) -> str:
        return _("Latest comments")

    def link(self) -> str:
        return "/"

    def description(self) -> str:
        return _("The latest comments on this site.")

    def items(self) -> Any:
        return self.base_queryset()[:FEED_SIZE]

    def base_queryset(self) -> Any:
        return (
            Comment.objects.filter(status=Status.APPROVED)
            .select_related("content_type")
            .only(
                "pk",
                "author_name",
                "author_url",
                "body",
                "submitted_at",
                "content_type",
                "object_pk",
            )
            .order_by("-submitted_at", "-pk")
        )

    def item_title(self, item: Comment) -> str:
        # Stored names may hold control characters (imports): XML 1.0 cannot carry them.
        name = markup.strip_control_characters(item.author_name)
        return _("Comment by %(name)s") % {"name": name}

    def item_description(self, item: Comment) -> str:
        return markup.render_body(item.body)

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Comment) -> str:
        return markup.strip_control_characters(item.author_name)

    def item_author_link(self, item: Comment) -> str | None:
        # RSS 2.0 does not show it, but an Atom subclass does, as a link: http(s) only.
        return item.author_url if markup.is_web_url(item.author_url) else None

    def item_pubdate(self, item: Comment) -> Any:
        return item.submitted_at


class ObjectCommentsFeed(LatestCommentsFeed):
    """The latest approved comments on one object."""

    def get_object(self, request: HttpRequest, content_type_id: int, object_pk: str) -> Any:
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            obj = None if model is None else model._default_manager.get(pk=object_pk)
        except (ObjectDoesNotExist, ValidationError, ValueError, OverflowError) as exc:
            raise Http404(_("No such page.")) from exc
        # Only objects with a public page have a feed: any other model's ``str()`` (a
        # user's name, say) must not be readable by guessing its content type and pk.
        if obj is None or not callable(getattr(obj, "get_absolute_url", None)):
            raise Http404(_("No such page."))
        # This app's own models have addresses too (a comment's permalink), but their
        # ``str()`` is a commenter's name and words: held and spam ones must stay private.
        if obj._meta.app_label == Comment._meta.app_label:
            raise Http404(_("No such page."))
        return obj

    def title(self, obj: Any = None) -> str:
        return _("Comments on “%(title)s”") % {"title": obj}

    def link(self, obj: Any = None) -> str:
        return str(obj.get_absolute_url())

    def description(self, obj: Any = None) -> str:
        return _("The latest comments on “%(title)s”.") % {"title": obj}

    def items(self, obj: Any = None) -> Any:
        ct = ContentType.objects.get_for_model(obj.__class__)
        return self.base_queryset().filter(content_type=ct, object_pk=str(obj.pk))[:FEED_SIZE]
