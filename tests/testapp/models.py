import uuid

from django.db import models
from django.urls import reverse


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    comments_open = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article-detail", args=[self.slug])


class Note(models.Model):
    """A model with a UUID primary key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("note-detail", args=[self.pk])


class Page(models.Model):
    """A model with a slug primary key."""

    slug = models.SlugField(primary_key=True)
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page-detail", args=[self.pk])
