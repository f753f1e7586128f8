from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments_plugin.spam.analysis import (
    compiled_on_first_use,
    domain_matches,
    find_urls,
    is_moment_link,
    url_domain,
    without_urls,
)
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment


#: Public link shorteners: they hide where a link goes; people sharing a page paste its
#: address.
SHORTENERS = (
    "bit.ly",
    "goo.gl",
    "tinyurl.com",
    "ow.ly",
    "t.co",
    "is.gd",
    "adf.ly",
    "buff.ly",
    "tiny.cc",
    "shorte.st",
    "bc.vc",
    "cutt.ly",
    "rebrand.ly",
    "t.ly",
    "shorturl.at",
    "rb.gy",
    "s.id",
    "v.gd",
    "qr.ae",
    "lnkd.in",
    "trib.al",
    "soo.gd",
    "clck.ru",
    "u.to",
    "linktr.ee",
    "short.io",
    "bl.ink",
    "tr.im",
    "x.co",
    "j.mp",
    "po.st",
    "ouo.io",
    "exe.io",
)
# Referral and affiliate parameters: the link earns its poster money.
# By the shape of their names: "ref", "r", "aff", "affid", "aff_id", "referral", "refcode",
# "affiliate_id", "partner", "invite", "promo"…
_referral_re = compiled_on_first_use(
    r"[?&](?:r|ref|aff|affid|aff_?id|ref_?id|ref_?code|referr\w*|referral\w*|affiliate\w*"
    r"|partner\w*|invite\w*|promo\w*|tracking_?id|clickid|subid)=",
    re.IGNORECASE,
)
_not_text_re = compiled_on_first_use(r"[\W_]+")


class LinkCountFilter(BaseFilter):
    """Scores links: many of them, links as the whole comment, hidden or paid-for links.

    Like WordPress's ``comment_max_links``, ``MAX_LINKS`` links (default 2) or more hold a
    comment; each link beyond that adds ``EXTRA_LINK_SCORE``. Fewer links score
    ``ONE_LINK_SCORE``, too little to hold a comment alone. Links to a moment of a video
    (``?t=95``) are quotes and do not count. A name such as "Cheap pills at
    example.com" is an advert, not a name, and scores ``AUTHOR_NAME_SCORE``. A comment that is
    nothing but a link scores ``LINK_ONLY_SCORE``; a link through a shortener (``SHORTENERS``)
    or carrying a referral parameter (``?ref=``, ``?aff=``) scores ``HIDDEN_LINK_SCORE``.
    """

    name = "link_count"
    default_options = {
        "MAX_LINKS": 2,
        "SCORE": 1.0,
        "ONE_LINK_SCORE": 0.5,
        "EXTRA_LINK_SCORE": 0.5,
        "AUTHOR_NAME_SCORE": 2.0,
        "LINK_ONLY_SCORE": 1.0,
        "HIDDEN_LINK_SCORE": 1.0,
        "SHORTENERS": SHORTENERS,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # A set of the shorteners, looked up once per label of a link's host instead of
        # comparing the host with each of them. The system checks ask for a list of strings;
        # anything else keeps the comparisons (and their errors).
        shorteners = self.options["SHORTENERS"]
        self._shorteners: frozenset[str] | None = None
        if isinstance(shorteners, list | tuple) and all(isinstance(s, str) for s in shorteners):
            self._shorteners = frozenset(shorteners)

    def _shortened(self, url: str) -> bool:
        host = url_domain(url)
        if self._shorteners is None:
            return any(domain_matches(host, s) for s in self.options["SHORTENERS"])
        # domain_matches(host, s) for some s: the host or one of its parent domains is one.
        labels = host.split(".")
        return any(".".join(labels[i:]) in self._shorteners for i in range(len(labels)))

    def check(self, comment: Comment, submission: Submission) -> list[Verdict]:
        verdicts = []
        urls = find_urls(comment.body)
        # Links to a moment of a video quote it ("best part at 2:19"); they are not counted.
        count = sum(1 for u in urls if not is_moment_link(u))
        limit = self.options["MAX_LINKS"]
        if limit and count >= limit:
            score = self.options["SCORE"] + (count - limit) * self.options["EXTRA_LINK_SCORE"]
            message = ngettext(
                "The comment contains %(count)d link.",
                "The comment contains %(count)d links.",
                count,
            ) % {"count": count}
            verdicts.append(self.verdict("many_links", score, message))
        elif count and self.options["ONE_LINK_SCORE"]:
            verdicts.append(
                self.verdict("link", self.options["ONE_LINK_SCORE"], _("The comment has a link."))
            )
        if urls and len(_not_text_re().sub("", without_urls(comment.body, ""))) < 5:
            verdicts.append(
                self.verdict(
                    "link_only",
                    self.options["LINK_ONLY_SCORE"],
                    _("The comment is nothing but a link."),
                )
            )
        hidden = [u for u in urls if _referral_re().search(u) or self._shortened(u)]
        if hidden:
            verdicts.append(
                self.verdict(
                    "hidden_link",
                    self.options["HIDDEN_LINK_SCORE"],
                    _("A shortened or referral link: %(url)s") % {"url": hidden[0][:100]},
                )
            )
        if find_urls(comment.author_name):
            verdicts.append(
                self.verdict(
                    "link_in_name",
                    self.options["AUTHOR_NAME_SCORE"],
                    _("The author's name contains a web address."),
                )
            )
        return verdicts
