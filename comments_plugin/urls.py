"""The app's URLs, for ``path("comments/", include("comments_plugin.urls"))``.

The views are imported by the first request that reaches them rather than with the URLconf:
a process that only shows pages (the list and the form) never loads the posting and
moderation code, the spam pipeline behind it or Django's feed framework. ``reverse()`` and
``{% url %}`` need only the names.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.module_loading import import_string

app_name = "comments_plugin"


def lazy_view(dotted_path: str, *, instance: bool = False) -> Callable[..., HttpResponse]:
    """The view at ``dotted_path``, imported when first called (a class made once: a feed).

    Middleware reading attributes a decorator sets on the view function (``csrf_exempt``,
    ``login_required``) sees this function's, and none of the app's views sets one.
    """
    module, _, name = dotted_path.rpartition(".")
    loaded: list[Callable[..., HttpResponse]] = []

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not loaded:
            found = import_string(dotted_path)
            loaded.append(found() if instance else found)
        return loaded[0](request, *args, **kwargs)

    # What resolve() and URLPattern.lookup_str report: the real view's path.
    view.__module__ = module
    view.__name__ = view.__qualname__ = name
    return view


urlpatterns = [
    path("post/", lazy_view("comments_plugin.views.comments.post_comment"), name="post"),
    path("posted/", lazy_view("comments_plugin.views.comments.posted"), name="posted"),
    path("c/<int:pk>/", lazy_view("comments_plugin.views.comments.permalink"), name="permalink"),
    path("c/<int:pk>/flag/", lazy_view("comments_plugin.views.moderation.flag"), name="flag"),
    path("avatar/<str:key>.svg", lazy_view("comments_plugin.views.comments.avatar"), name="avatar"),
    path(
        "feed/", lazy_view("comments_plugin.feeds.LatestCommentsFeed", instance=True), name="feed"
    ),
    path(
        "feed/<int:content_type_id>/<str:object_pk>/",
        lazy_view("comments_plugin.feeds.ObjectCommentsFeed", instance=True),
        name="object-feed",
    ),
]
