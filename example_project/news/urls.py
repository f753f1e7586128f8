from django.urls import path

from news import views

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("<slug:slug>/", views.article_detail, name="article-detail"),
]
