from django.shortcuts import get_object_or_404, render

from tests.testapp.models import Article, Note, Page


def article_detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    return render(request, "testapp/article.html", {"article": article})


def note_detail(request, pk):
    note = get_object_or_404(Note, pk=pk)
    return render(request, "testapp/article.html", {"article": note})


def page_detail(request, slug):
    page = get_object_or_404(Page, pk=slug)
    return render(request, "testapp/article.html", {"article": page})
