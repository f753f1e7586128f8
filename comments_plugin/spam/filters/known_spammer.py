from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import domain_matches, find_urls, url_domain
from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

#: Hosts shared by many unrelated people: a spammer's profile there says nothing about the
#: next person linking to the same site, so only the full address is compared.
SHARED_HOSTS = (
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "youtube.com",
    "github.com",
    "gitlab.com",
    "linkedin.com",
    "medium.com",
    "tumblr.com",
    "blogspot.com",
    "wordpress.com",
    "substack.com",
    "mastodon.social",
    "reddit.com",
    "tiktok.com",
    "gmail.com",
)


class KnownSpammerFilter(BaseFilter):
    """Scores comments from an e-mail address, IP address or website seen in earlier spam.

    Looks at comments marked spam in the last ``WINDOW_DAYS`` (one query). A matching
    e-mail scores ``EMAIL_SCORE``, website domain (also a domain linked in the text)
    ``DOMAIN_SCORE``, IP address ``IP_SCORE`` (lower: addresses are shared and reassigned).
    """

    name = "known_spammer"
    needs_database = True
    default_options = {
        "WINDOW_DAYS": 90,
        "EMAIL_SCORE": 2.0,
        "DOMAIN_SCORE": 2.0,
        "IP_SCORE": 1.0,
        "SHARED_HOSTS": SHARED_HOSTS,
    }

    def _domain(self, url: str) -> str:
        host = url_domain(url)
        if any(domain_matches(host, shared) for shared in self.options["SHARED_HOSTS"]):
            return ""
        return host

    def check(self, comment: Comment, submission: Submission) -> list[Verdict]:
        from comments_plugin.models import Comment, Status

        email = comment.author_email.strip()
        domains = {self._domain(u) for u in [comment.author_url, *find_urls(comment.body)]} - {""}
        query = Q()
        if email:
            query |= Q(author_email__iexact=email)
        if comment.ip_address:
            query |= Q(ip_address=comment.ip_address)
        for domain in domains:
            query |= Q(author_url__iregex=rf"^https?://([^/]*\.)?{_regex_escape(domain)}([:/?#]|$)")
        if not query:
            return []
        since = timezone.now() - datetime.timedelta(days=self.options["WINDOW_DAYS"])
        rows = list(
            Comment.objects.filter(query, status=Status.SPAM, submitted_at__gte=since)
            .exclude(pk=comment.pk)
            .values_list("author_email", "ip_address", "author_url")[:20]
        )
        verdicts = []
        if email and any(e.casefold() == email.casefold() for e, _ip, _url in rows):
            verdicts.append(
                self.verdict(
                    "spammer_email",
                    self.options["EMAIL_SCORE"],
                    _("This e-mail address sent spam before."),
                )
            )
        seen = {self._domain(url) for _e, _ip, url in rows} - {""}
        if domains & seen:
            verdicts.append(
                self.verdict(
                    "spammer_domain",
                    self.options["DOMAIN_SCORE"],
                    _("Links to %(domain)s, the website of earlier spam.")
                    % {"domain": ", ".join(sorted(domains & seen))},
                )
            )
        if comment.ip_address and any(ip == comment.ip_address for _e, ip, _url in rows):
            verdicts.append(
                self.verdict(
                    "spammer_ip",
                    self.options["IP_SCORE"],
                    _("This IP address sent spam before."),
                )
            )
        return verdicts


def _regex_escape(value: str) -> str:
    # Portable between PostgreSQL and SQLite regular expressions: escape every non-word char.
    return "".join(c if c.isalnum() else f"\\{c}" for c in value)
