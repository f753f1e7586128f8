from django.core.cache import cache
from django.test import TestCase, override_settings

from comments_plugin.models import Comment, Rule
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.rules import (
    VERSION_KEY,
    RuleSet,
    RulesFilter,
    current_ruleset,
    forget_ruleset,
)


def comment(body="Hello", **fields):
    return Comment(body=body, author_name=fields.pop("author_name", "Ann"), **fields)


def rule(value, kind=Rule.Kind.PHRASE, action=Rule.Action.HOLD):
    return Rule.objects.create(kind=kind, value=value, action=action)


class RuleMatchingTests(TestCase):
    def setUp(self):
        forget_ruleset()

    def check(self, c, dry_run=False):
        return RulesFilter().check(c, Submission(dry_run=dry_run))

    def test_phrases_match_whole_words_in_any_case(self):
        rule("press")
        assert self.check(comment("Stop the PRESS!")).code == "moderation_key"
        assert self.check(comment("I use WordPress daily")) is None
        assert self.check(comment("It is pressing")) is None

    def test_disguised_words_and_links_still_match(self):
        rule("casino", action=Rule.Action.SPAM)
        rule("evil.com", kind=Rule.Kind.DOMAIN, action=Rule.Action.SPAM)
        for body in ("ｃａｓｉｎｏ", "cas\u200bino", "саsino", "vi\u00adsit evil[.]com"):  # noqa: RUF001
            assert self.check(comment(body)).code == "disallowed_key", body

    def test_a_tagged_email_and_an_ipv4_mapped_address_still_match(self):
        rule("bad@example.com", kind=Rule.Kind.EMAIL)
        rule("203.0.113.0/24", kind=Rule.Kind.IP)
        rule("198.51.100.7", kind=Rule.Kind.IP)
        assert self.check(comment(author_email="Bad+2@Example.com")) is not None
        assert self.check(comment(ip_address="::ffff:203.0.113.5")) is not None
        assert self.check(comment(ip_address="::ffff:198.51.100.7")) is not None
        assert self.check(comment(ip_address="::ffff:192.0.2.1")) is None

    def test_multi_word_phrases_match_in_sequence(self):
        rule("cheap  Pills")
        rule("buy now online")
        assert self.check(comment("Get cheap pills here")) is not None
        assert self.check(comment("Pills are cheap")) is None
        assert self.check(comment("buy now online!")) is not None
        assert self.check(comment("buy now")) is None

    def test_phrases_also_match_the_author_fields(self):
        rule("casino")
        assert self.check(comment("Hi", author_name="Best Casino")) is not None
        assert self.check(comment("Hi", author_url="https://casino.example.com/")) is not None

    def test_email_rules_match_addresses_and_domains(self):
        rule("bad@example.com", kind=Rule.Kind.EMAIL)
        rule("@spam.test", kind=Rule.Kind.EMAIL)
        assert self.check(comment(author_email="BAD@example.com")) is not None
        assert self.check(comment(author_email="x@mail.spam.test")) is not None
        assert self.check(comment(author_email="good@example.com")) is None

    def test_ip_rules_match_addresses_and_networks(self):
        rule("192.0.2.7", kind=Rule.Kind.IP)
        rule("198.51.100.0/24", kind=Rule.Kind.IP)
        rule("2001:db8::/32", kind=Rule.Kind.IP)
        assert self.check(comment(ip_address="192.0.2.7")) is not None
        assert self.check(comment(ip_address="198.51.100.200")) is not None
        assert self.check(comment(ip_address="2001:db8::1")) is not None
        assert self.check(comment(ip_address="192.0.2.8")) is None

    def test_domain_rules_match_links_subdomains_website_and_email(self):
        rule("https://www.spam.example/", kind=Rule.Kind.DOMAIN)
        assert self.check(comment("see http://shop.spam.example/x")) is not None
        assert self.check(comment(author_url="https://spam.example")) is not None
        assert self.check(comment(author_email="a@spam.example")) is not None
        assert self.check(comment("see http://notspam.example/")) is None

    def test_a_spam_rule_outweighs_hold_rules(self):
        rule("viagra", action=Rule.Action.SPAM)
        rule("pills")
        verdict = self.check(comment("viagra pills"))
        assert (verdict.code, verdict.score) == ("disallowed_key", 3.0)
        assert "viagra" in verdict.message and "pills" in verdict.message

    def test_disabled_rules_do_not_match(self):
        r = rule("casino")
        r.enabled = False
        r.save()
        assert self.check(comment("casino")) is None

    def test_hits_are_counted_except_in_a_dry_run(self):
        r = rule("casino")
        self.check(comment("casino casino"))
        self.check(comment("casino"), dry_run=True)
        r.refresh_from_db()
        assert r.hit_count == 1


class RuleCacheTests(TestCase):
    def setUp(self):
        forget_ruleset()

    def test_saving_or_deleting_a_rule_bumps_the_shared_version(self):
        current_ruleset()
        before = cache.get(VERSION_KEY)
        r = rule("casino")
        after_save = cache.get(VERSION_KEY)
        r.delete()
        assert before != after_save != cache.get(VERSION_KEY)

    def test_another_process_sees_the_change_through_the_cache(self):
        rule("casino")
        assert len(current_ruleset()) == 1
        # Another process adds a rule: its save bumps the version in the shared cache only.
        Rule.objects.bulk_create([Rule(value="poker")])
        assert len(current_ruleset()) == 1
        cache.incr(VERSION_KEY)
        assert len(current_ruleset()) == 2

    def test_the_compiled_rules_are_reused_while_the_version_holds(self):
        rule("casino")
        first = current_ruleset()
        with self.assertNumQueries(0):
            assert current_ruleset() is first

    def test_many_rules_compile_into_one_lookup_per_word(self):
        rows = [(i, "phrase", f"word{i} tail", "hold") for i in range(20000)]
        ruleset = RuleSet.from_rules([*rows, (-1, "phrase", "single", "spam")])
        assert len(ruleset) == 20001
        assert ruleset.match(comment("a word19999 tail and single")) == [
            (-1, "spam", "single"),
            (19999, "hold", "word19999 tail"),
        ]


DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


class RulesWithoutCacheTests(TestCase):
    def setUp(self):
        forget_ruleset()

    @override_settings(CACHES=DEAD_CACHE)
    def test_rules_still_work_and_can_be_saved_when_the_cache_is_down(self):
        with self.assertLogs("comments_plugin.spam", "WARNING"):
            rule("casino")
            verdict = RulesFilter().check(comment("casino night"), Submission())
        assert verdict.code == "moderation_key"
