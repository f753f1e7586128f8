from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments_plugin.exceptions import CommentRejected
from comments_plugin.spam.analysis import normalise_body
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class DuplicateFilter(BaseFilter):
    """Catches the same text posted again.

    The same author posting the same text on the same object again is refused with a form
    error (a double click, or a repeat). The same text of at least ``MIN_LENGTH`` characters
    posted by anyone on any object within ``WINDOW_DAYS`` scores ``SCORE``: real people do
    not paste one comment around a site, spam runs do. Short stock replies ("Thanks!") are
    left alone.
    """

    name = "duplicate"
    needs_database = True
    default_options = {"WINDOW_DAYS": 7, "MIN_LENGTH": 30, "SCORE": 3.0}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        from comments_plugin.models import Comment, Status

        body = normalise_body(comment.body)
        if not body:
            return None
        since = timezone.now() - datetime.timedelta(days=self.options["WINDOW_DAYS"])
        # Compare stripped text in SQL (cheap, and usually exact), then normalised in Python.
        earlier = (
            Comment.objects.filter(body=comment.body.strip(), submitted_at__gte=since)
            .exclude(status=Status.TRASH)
            .exclude(pk=comment.pk)
            .values_list("content_type_id", "object_pk", "author_email", "author_name", "body")[:50]
        )
        others = 0
        for content_type_id, object_pk, email, name, other_body in earlier:
            if normalise_body(other_body) != body:
                continue
            same_object = (content_type_id, object_pk) == (
                comment.content_type_id,
                comment.object_pk,
            )
            same_author = (
                email.casefold() == comment.author_email.casefold()
                if email or comment.author_email
                else name.casefold() == comment.author_name.casefold()
            )
            if same_object and same_author:
                raise CommentRejected(
                    _("Duplicate comment detected; it looks as though you’ve already said that!"),  # noqa: RUF001
                    code="duplicate",
                    status=400,
                )
            others += 1
        if others and len(body) >= self.options["MIN_LENGTH"]:
            return self.verdict(
                "duplicate",
                self.options["SCORE"],
                gettext_lazy("The same text was posted recently elsewhere."),
            )
        return None
