from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from news.models import Article


def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published()
    return render(request, "news/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "news/article_detail.html", {"article": article})
