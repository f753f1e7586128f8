from __future__ import annotations

import ipaddress
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import domain_matches, find_urls, fold, tokens, url_domain
from comments_plugin.spam.base import BaseFilter, SharedVersion, Submission, Verdict

if TYPE_CHECKING:
    from comments_plugin.models import Comment

#: Bumped in Django's cache whenever a rule is saved or deleted, so every process sharing the
#: cache rebuilds its matcher on its next comment.
VERSION_KEY = "comments_plugin:spam:rules_version"
RULES_VERSION = SharedVersion(VERSION_KEY, "spam rules")

#: ``(rule id, action, value)``.
Hit = tuple[int, str, str]


def bump_rules_version() -> None:
    RULES_VERSION.bump()
    forget_ruleset()


@dataclass
class RuleSet:
    """The enabled rules compiled for fast matching.

    One-word phrases are a dictionary; longer ones are indexed by their first two tokens, so
    a comment costs two dictionary look-ups per word whatever the number of rules. Matching
    is on whole words and case-insensitive: "press" matches "Press" but not "WordPress".
    """

    words: dict[str, Hit] = field(default_factory=dict)
    phrases: dict[tuple[str, str], list[tuple[tuple[str, ...], Hit]]] = field(default_factory=dict)
    emails: dict[str, Hit] = field(default_factory=dict)
    email_domains: dict[str, Hit] = field(default_factory=dict)
    domains: dict[str, Hit] = field(default_factory=dict)
    addresses: dict[str, Hit] = field(default_factory=dict)
    networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, Hit]] = field(
        default_factory=list
    )

    def __len__(self) -> int:
        return (
            len(self.words)
            + sum(len(v) for v in self.phrases.values())
            + len(self.emails)
            + len(self.email_domains)
            + len(self.domains)
            + len(self.addresses)
            + len(self.networks)
        )

    @classmethod
    def from_rules(cls, rules: list[tuple[int, str, str, str]]) -> RuleSet:
        """Compile ``(pk, kind, value, action)`` rows; values that cannot match are skipped."""
        from comments_plugin.models import Rule

        ruleset = cls()
        for pk, kind, value, action in rules:
            hit: Hit = (pk, action, value)
            value = value.strip()
            if kind == Rule.Kind.PHRASE:
                if fold(value) != value.casefold():
                    # A value written in look-alike or full-width characters ("\u0456s" with a
                    # Cyrillic i, "\uff01") targets that disguise. Text is folded before
                    # matching, so the rule would hit the plain word ("is") in every ordinary
                    # comment; the plain-Latin rules already catch the disguised spellings.
                    continue
                toks = tokens(value)
                if len(toks) == 1:
                    ruleset.words[toks[0]] = hit
                elif toks:
                    key = (toks[0], toks[1])
                    ruleset.phrases.setdefault(key, []).append((tuple(toks[2:]), hit))
            elif kind == Rule.Kind.EMAIL:
                value = value.casefold()
                if value.startswith("@"):
                    ruleset.email_domains[value[1:]] = hit
                elif value:
                    ruleset.emails[value] = hit
            elif kind == Rule.Kind.DOMAIN:
                domain = url_domain(value)
                if domain:
                    ruleset.domains[domain] = hit
            elif kind == Rule.Kind.IP:
                try:
                    network = ipaddress.ip_network(value, strict=False)
                except ValueError:
                    continue
                if network.num_addresses == 1:
                    ruleset.addresses[str(network.network_address)] = hit
                else:
                    ruleset.networks.append((network, hit))
        return ruleset

    def _phrase_hits(self, toks: list[str]) -> list[Hit]:
        hits = [self.words[tok] for tok in toks if tok in self.words]
        phrases = self.phrases
        if phrases:
            for i, pair in enumerate(itertools.pairwise(toks)):
                candidates = phrases.get(pair)
                if candidates is None:
                    continue
                for rest, hit in candidates:
                    if not rest or tuple(toks[i + 2 : i + 2 + len(rest)]) == rest:
                        hits.append(hit)
        return hits

    def _domain_hit(self, host: str) -> Hit | None:
        # Check the host and each parent domain: "a.b.example.com" hits a rule "example.com".
        parts = host.split(".")
        for i in range(len(parts) - 1):
            hit = self.domains.get(".".join(parts[i:]))
            if hit is not None:
                return hit
        return None

    def match(self, comment: Comment) -> list[Hit]:
        hits: list[Hit] = []
        if self.words or self.phrases:
            # A newline token keeps a phrase from spanning two fields.
            toks = [
                *tokens(comment.body),
                "\n",
                *tokens(comment.author_name),
                "\n",
                *tokens(comment.author_email),
                "\n",
                *tokens(comment.author_url),
            ]
            hits.extend(self._phrase_hits(toks))
        email = comment.author_email.strip().casefold()
        if email and (self.emails or self.email_domains):
            if email in self.emails:
                hits.append(self.emails[email])
            local, _at, email_domain = email.rpartition("@")
            # "spam+2@example.com" is the mailbox "spam@example.com".
            untagged = f"{local.split('+', 1)[0]}@{email_domain}"
            if untagged != email and untagged in self.emails:
                hits.append(self.emails[untagged])
            email_domain = email.rpartition("@")[2]
            for domain, hit in self.email_domains.items():
                if domain_matches(email_domain, domain):
                    hits.append(hit)
        if self.domains:
            hosts = {
                url_domain(u) for u in find_urls(comment.body) + find_urls(comment.author_name)
            }
            hosts.add(url_domain(comment.author_url))
            if email:
                hosts.add(email.rpartition("@")[2])
            for host in hosts - {""}:
                domain_hit = self._domain_hit(host)
                if domain_hit is not None:
                    hits.append(domain_hit)
        # Reading the address costs more than the other rules together: not without IP rules.
        if comment.ip_address and (self.addresses or self.networks):
            if comment.ip_address in self.addresses:
                hits.append(self.addresses[comment.ip_address])
            try:
                address = ipaddress.ip_address(comment.ip_address)
            except ValueError:
                address = None
            # A dual-stack socket reports an IPv4 client as "::ffff:203.0.113.5".
            mapped = getattr(address, "ipv4_mapped", None)
            if mapped is not None:
                address = mapped
                if str(mapped) in self.addresses:
                    hits.append(self.addresses[str(mapped)])
            if self.networks and address is not None:
                hits.extend(
                    hit
                    for network, hit in self.networks
                    if address.version == network.version and address in network
                )
        return list(dict.fromkeys(hits))


_lock = threading.Lock()
_compiled: dict[str, Any] = {"version": object(), "ruleset": RuleSet()}


def current_ruleset() -> RuleSet:
    """The compiled enabled rules, rebuilt when the version in the cache changed."""
    from comments_plugin.models import Rule

    # A cache server that is down must not hold every comment: then rebuilt once a minute.
    version = RULES_VERSION.current()
    if _compiled["version"] != version:
        with _lock:
            if _compiled["version"] != version:
                rows = list(
                    Rule.objects.filter(enabled=True).values_list("pk", "kind", "value", "action")
                )
                _compiled["ruleset"] = RuleSet.from_rules(rows)
                _compiled["version"] = version
    return _compiled["ruleset"]


def forget_ruleset() -> None:
    """Drop this process's compiled rules (tests; a changed cache backend)."""
    with _lock:
        _compiled["version"] = object()


class RulesFilter(BaseFilter):
    """Moderation keys and disallowed keys: the :class:`~comments_plugin.models.Rule` rows.

    A rule matches a word or phrase (whole words, any case) in the comment, its author's
    name, e-mail or website; an e-mail address (or ``@domain``); an IP address or network
    (CIDR); or a URL domain (and its subdomains) linked from the comment, its website or its
    e-mail. A "spam" rule scores ``SPAM_SCORE``, a "hold" rule ``HOLD_SCORE``. Each matching
    rule's hit counter goes up.
    """

    name = "rules"
    default_options = {"HOLD_SCORE": 1.0, "SPAM_SCORE": 3.0}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        from comments_plugin.models import Rule

        hits = current_ruleset().match(comment)
        if not hits:
            return None
        if not submission.dry_run:
            Rule.objects.filter(pk__in=[pk for pk, _action, _value in hits]).update(
                hit_count=F("hit_count") + 1
            )
        is_spam = any(action == Rule.Action.SPAM for _pk, action, _value in hits)
        listed = ", ".join(f"“{value}”" for _pk, _action, value in hits[:5])
        if is_spam:
            return self.verdict(
                "disallowed_key",
                self.options["SPAM_SCORE"],
                _("Matches disallowed rules: %(rules)s.") % {"rules": listed},
            )
        return self.verdict(
            "moderation_key",
            self.options["HOLD_SCORE"],
            _("Matches moderation rules: %(rules)s.") % {"rules": listed},
        )
