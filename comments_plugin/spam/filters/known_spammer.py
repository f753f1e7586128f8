from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import domain_matches, find_urls, url_domain
from comments_plugin.spam.base import Submission, Verdict
from comments_plugin.spam.history import SQL, Condition, Earlier, HistoryFilter

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


class KnownSpammerFilter(HistoryFilter):
    """Scores comments from an e-mail address, IP address or website seen in earlier spam.

    Looks at comments marked spam in the last ``WINDOW_DAYS`` (one query). A matching
    e-mail scores ``EMAIL_SCORE``, website domain (also a domain linked in the text)
    ``DOMAIN_SCORE``, IP address ``IP_SCORE`` (lower: addresses are shared and reassigned).
    """

    name = "known_spammer"
    default_options = {
        "WINDOW_DAYS": 90,
        "EMAIL_SCORE": 2.0,
        "DOMAIN_SCORE": 2.0,
        "IP_SCORE": 1.0,
        "SHARED_HOSTS": SHARED_HOSTS,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._shared = frozenset(self.options["SHARED_HOSTS"])

    def _domain(self, url: str) -> str:
        host = url_domain(url)
        if not host:
            return ""
        # The host or one of its parent domains is a shared host: one set look-up per label.
        labels = host.split(".")
        if any(".".join(labels[i:]) in self._shared for i in range(len(labels))):
            return ""
        return host

    def _domains(self, comment: Comment) -> set[str]:
        return {self._domain(u) for u in [comment.author_url, *find_urls(comment.body)]} - {""}

    def _since(self) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(days=self.options["WINDOW_DAYS"])

    def history_sql(self, comment: Comment, sql: SQL) -> Condition | None:

        # No status or date in SQL, so the database uses the e-mail, IP and website indexes;
        # check_history keeps the recent spam.
        email = comment.author_email.strip()
        who: list[Condition] = []
        if email:
            # Exact forms rather than a case-insensitive match, so the e-mail index serves it.
            who.append(sql.in_("author_email", sorted({email, email.lower()})))
        if comment.ip_address:
            who.append(Condition(f"{sql.col('ip_address')} = %s", [sql.ip(comment.ip_address)]))
        # A spammer's site or any of its parent domains: shop.pills.example after pills.example.
        # Looked up by the start of the address, which the website index serves; the domains
        # are compared properly in check_history.
        domains = self._domains(comment)
        parents = {".".join(d.split(".")[i:]) for d in domains for i in range(d.count("."))}
        if parents:
            who.append(
                sql.startswith(
                    "author_url",
                    [
                        f"{scheme}://{www}{parent}"
                        for parent in sorted(parents)
                        for scheme in ("http", "https")
                        for www in ("", "www.")
                    ],
                )
            )
        if not who:
            return None
        return Condition(" OR ".join(f"({c.sql})" for c in who), [p for c in who for p in c.params])

    def check_history(
        self, comment: Comment, earlier: list[Earlier], submission: Submission
    ) -> list[Verdict]:
        from comments_plugin.models import Status

        since = self._since()
        rows = [
            (r.author_email, r.ip_address, r.author_url)
            for r in earlier
            if r.status == Status.SPAM and r.submitted_at >= since
        ]
        if not rows:
            return []
        email = comment.author_email.strip().casefold()
        domains = self._domains(comment)
        verdicts = []
        if email and any(e.casefold() == email for e, _ip, _url in rows):
            verdicts.append(
                self.verdict(
                    "spammer_email",
                    self.options["EMAIL_SCORE"],
                    _("This e-mail address sent spam before."),
                )
            )
        matched: list[str] = []
        if domains:
            seen = {self._domain(url) for _e, _ip, url in rows if url} - {""}
            matched = sorted({s for s in seen for d in domains if domain_matches(d, s)})
        if matched:
            verdicts.append(
                self.verdict(
                    "spammer_domain",
                    self.options["DOMAIN_SCORE"],
                    _("Links to %(domain)s, the website of earlier spam.")
                    % {"domain": ", ".join(matched)},
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
