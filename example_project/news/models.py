from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments_plugin.moderation import CommentPolicy


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(published_at__lte=timezone.now())


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    body = models.TextField(_("body"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    comments_open = models.BooleanField(_("comments open"), default=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:article-detail", args=[self.slug])


class ArticlePolicy(CommentPolicy):
    """Editors can close a discussion by hand; every discussion closes 90 days after publication."""

    enable_field = "comments_open"
    auto_close_field = "published_at"
    close_after = 90
