"""Background work of the spam filters, run by Django's tasks framework.

``django.tasks`` ships with Django 6.0; on Django 5.2 the ``django-tasks`` backport provides
the same API. Configure a backend in ``TASKS`` (the immediate backend runs them inline).
"""

from __future__ import annotations

import logging

try:
    from django.tasks import task
except ImportError:  # Django < 6.0
    from django_tasks import task  # type: ignore[no-redef]

logger = logging.getLogger("comments_plugin.spam")


@task()
def submit_to_akismet(comment_id: int, label: str) -> bool:
    """Tell Akismet it misjudged comment ``comment_id``: ``label`` is ``"spam"`` or ``"ham"``."""
    from comments_plugin.models import Comment
    from comments_plugin.spam.filters.akismet import AkismetFilter
    from comments_plugin.spam.pipeline import get_filters

    comment = Comment.objects.filter(pk=comment_id).first()
    flt = next((f for f in get_filters() if isinstance(f, AkismetFilter)), None)
    if comment is None or flt is None:
        return False
    return flt.submit(comment, label)
