from django.core.cache import cache
from django.test import RequestFactory, TestCase, override_settings

from comments_plugin.exceptions import CommentRejected
from comments_plugin.models import Comment
from comments_plugin.operations import reporter_network
from comments_plugin.spam import Submission
from comments_plugin.spam.filters.flood import FloodFilter
from comments_plugin.spam.pipeline import run_pipeline


def comment(ip="192.0.2.1", email="a@example.com"):
    return Comment(body="Hi", author_name="Ann", author_email=email, ip_address=ip)


def submission(**kwargs):
    return Submission(request=RequestFactory().post("/"), **kwargs)


class FloodFilterTests(TestCase):
    def test_a_second_comment_from_one_ip_within_the_interval_is_refused_with_429(self):
        flt = FloodFilter()
        assert flt.check(comment(email="a@example.com"), submission()) is None
        with self.assertRaises(CommentRejected) as caught:
            flt.check(comment(email="b@example.com"), submission())
        assert caught.exception.status == 429 and caught.exception.code == "flood"

    def test_one_email_from_changing_ips_is_refused_too(self):
        flt = FloodFilter()
        flt.check(comment(ip="192.0.2.1"), submission())
        with self.assertRaises(CommentRejected):
            flt.check(comment(ip="192.0.2.2"), submission())

    def test_addresses_of_one_ipv6_64_count_as_one_sender(self):
        flt = FloodFilter()
        flt.check(comment(ip="2001:db8:1:2::1", email=""), submission())
        with self.assertRaises(CommentRejected):
            flt.check(comment(ip="2001:db8:1:2::ffff", email=""), submission())
        assert flt.check(comment(ip="2001:db8:1:3::1", email=""), submission()) is None

    def test_an_email_with_a_tag_or_other_case_is_the_same_sender(self):
        flt = FloodFilter()
        flt.check(comment(ip="192.0.2.1", email="bot@example.com"), submission())
        for email in ("bot+1@example.com", "BOT@Example.com"):
            with self.assertRaises(CommentRejected):
                flt.check(comment(ip="192.0.2.9", email=email), submission())

    def test_the_mark_lives_in_the_shared_cache_so_other_processes_see_it(self):
        FloodFilter().check(comment(ip="192.0.2.1", email=""), submission())
        assert cache.get("comments_plugin:flood:ip:192.0.2.1/32") == 1
        # A fresh filter instance (another process) refuses the next one.
        with self.assertRaises(CommentRejected):
            FloodFilter().check(comment(ip="192.0.2.1", email=""), submission())

    def test_a_sender_is_counted_by_the_network_reporters_are_counted_by(self):
        # IPv4 addresses take a shorter path to their key than IPv6 ones: the same networks.
        for ip in ("192.0.2.1", "10.0.0.255", "2001:db8::1", "::ffff:192.0.2.1", "::1"):
            cache.clear()
            FloodFilter().check(comment(ip=ip, email=""), submission())
            assert cache.get(f"comments_plugin:flood:ip:{reporter_network(ip)}") == 1, ip

    def test_an_address_that_is_not_one_holds_the_comment_with_an_error(self):
        with self.assertLogs("comments_plugin.spam", "ERROR"):
            result = run_pipeline(
                comment(ip="192.0.2.300"),
                submission(),
                filters=[FloodFilter()],
            )
        assert [v.code for v in result.verdicts] == ["filter_error"]

    def test_email_addresses_are_not_stored_in_cache_keys(self):
        FloodFilter().check(comment(ip=None, email="secret@example.com"), submission())
        assert cache.get("comments_plugin:flood:email:secret@example.com") is None

    def test_moderators_are_exempt(self):
        flt = FloodFilter()
        for _ in range(3):
            assert flt.check(comment(), submission(is_moderator=True)) is None

    def test_different_people_are_not_held_up(self):
        flt = FloodFilter()
        flt.check(comment(ip="192.0.2.1", email="a@example.com"), submission())
        assert flt.check(comment(ip="192.0.2.2", email="b@example.com"), submission()) is None

    def test_an_interval_of_zero_turns_it_off(self):
        flt = FloodFilter(INTERVAL=0)
        flt.check(comment(), submission())
        assert flt.check(comment(), submission()) is None

    @override_settings(
        COMMENTS_PLUGIN={
            "SPAM_FILTERS": [{"NAME": "comments_plugin.spam.filters.flood.FloodFilter"}]
        }
    )
    def test_offline_checks_skip_it_because_it_needs_a_request(self):
        for _ in range(2):
            assert run_pipeline(comment(), Submission(offline=True)).verdicts == []
