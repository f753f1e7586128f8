from django.contrib import admin
from django.urls import include, path

from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comments/", include("comments_plugin.urls")),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("notes/<uuid:pk>/", views.note_detail, name="note-detail"),
    path("pages/<slug:slug>/", views.page_detail, name="page-detail"),
]
