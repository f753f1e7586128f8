from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments_plugin.spam.analysis import find_urls
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class LinkCountFilter(BaseFilter):
    """Holds comments with many links, and weighs links in the author's name heavily.

    Like WordPress's ``comment_max_links``, ``MAX_LINKS`` links (default 2) or more hold a
    comment; each link beyond that adds ``EXTRA_LINK_SCORE``. A name such as "Cheap pills at
    example.com" is an advert, not a name, and scores ``AUTHOR_NAME_SCORE``.
    """

    name = "link_count"
    default_options = {
        "MAX_LINKS": 2,
        "SCORE": 1.0,
        "EXTRA_LINK_SCORE": 0.5,
        "AUTHOR_NAME_SCORE": 2.0,
    }

    def check(self, comment: Comment, submission: Submission) -> list[Verdict]:
        verdicts = []
        count = len(find_urls(comment.body))
        limit = self.options["MAX_LINKS"]
        if limit and count >= limit:
            score = self.options["SCORE"] + (count - limit) * self.options["EXTRA_LINK_SCORE"]
            message = ngettext(
                "The comment contains %(count)d link.",
                "The comment contains %(count)d links.",
                count,
            ) % {"count": count}
            verdicts.append(self.verdict("many_links", score, message))
        if find_urls(comment.author_name):
            verdicts.append(
                self.verdict(
                    "link_in_name",
                    self.options["AUTHOR_NAME_SCORE"],
                    _("The author's name contains a web address."),
                )
            )
        return verdicts
