from django.urls import path

from comments_plugin import feeds
from comments_plugin.views import comments, moderation

app_name = "comments_plugin"

urlpatterns = [
    path("post/", comments.post_comment, name="post"),
    path("posted/", comments.posted, name="posted"),
    path("c/<int:pk>/", comments.permalink, name="permalink"),
    path("c/<int:pk>/flag/", moderation.flag, name="flag"),
    path("avatar/<str:key>.svg", comments.avatar, name="avatar"),
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path(
        "feed/<int:content_type_id>/<str:object_pk>/",
        feeds.ObjectCommentsFeed(),
        name="object-feed",
    ),
]
