"""The form's e-mail and URL validators decide exactly as Django's do (comments_plugin.validators)."""

import copy
import pickle
import random
import re
from unittest import mock

import pytest
from django.core import validators as django_validators
from django.core.exceptions import ValidationError

from comments_plugin import validators
from comments_plugin.forms import CommentForm

# Host names at the edges of Django's patterns, tried in a URL and in an e-mail address:
# a trailing dot, hyphens and an underscore, top-level domains too short, with digits or too
# long, labels of 63 and 64 characters, punycode, other scripts, lookalike and astral letters.
HOSTS = [
    "example.com.",
    "exa_mple.com",
    "-example.com",
    "example-.com",
    "example.c",
    "example.c0m",
    "a" * 63 + ".com",
    "a" * 64 + ".com",
    "example." + "x" * 63,
    "example." + "x" * 64,
    "xn--bcher-kva.example",
    "example.xn--p1ai",
    "bücher.example",
    "пример.рф",
    "example..com",
    "ex\U0001f600ample.com",
    "\u212aelvin.com",
]

URLS = [
    *(f"https://{host}" for host in HOSTS),
    "http://example.com",
    "https://example.com/",
    "https://www.example.co.uk/path/to?q=1&r=2#frag",
    "https://sub-domain.example.com:8080/a b",
    "https://EXAMPLE.COM/Path",
    "HTTPS://example.com",
    "https://example.com./x",
    "https://example.-com",
    "https://example.com-",
    "https://example.123",
    "https://" + "a." * 126 + "com",
    "https://" + "ab." * 84 + "com",
    "https://bücher.example/",
    "https://例え.テスト",
    "https://user:pass@example.com/",
    "https://user@example.com",
    "https://127.0.0.1:8000/",
    "https://256.0.0.1/",
    "https://[::1]/",
    "https://[::zz]/",
    "https://localhost/",
    "https://LOCALHOST:80",
    "https://example.com:99999",
    "https://example.com:123456",
    "https://example.com:/",
    "https://example.com\n",
    "https://example.com/\n",
    "https://example.com/\u2028x",
    "https://exa\u00a0mple.com",
    "https://example.com/ x",
    "https://example .com",
    "https:/example.com",
    "https://",
    "https://.com",
    "https://a..com",
    "ftp://example.com",
    "javascript://example.com/%0aalert(1)",
    "https://ex\U00010400ample.com",
    "https://exampl\u0130.com",
    "",
    "https://example.com/" + "p" * 3000,
    # What the quick pattern must not let through: text before the URL, non-ASCII digits.
    "https://bad host/ https://example.com",
    "https://example.com:\u0663\u0663",
    "https://example.com:8\u0660/",
    "https://example.com/a\u3000b",
    "https://example.com/\u00a0",
]

EMAILS = [
    *(f"reader@{host}" for host in HOSTS),
    "reader@example.com",
    "Reader.Name+tag@Example.CO.UK",
    "reader@sub-domain.example.org",
    "reader@localhost",
    "reader@[127.0.0.1]",
    "reader@[::1]",
    "reader@[999.1.1.1]",
    "reader@.example.com",
    "reader@example.com\n",
    "reader@exa mple.com",
    '"quoted name"@example.com',
    "no-at-sign.example.com",
    "two@@example.com",
    "@example.com",
    "reader@",
    "x" * 300 + "@example.com",
    "a@https://example.com",
]


def outcome(validator, value):
    try:
        validator(value)
    except ValidationError as exc:
        return ("invalid", exc.code, str(exc.messages))
    return "valid"


@pytest.mark.parametrize("value", URLS)
def test_the_url_validator_decides_as_djangos(value):
    assert outcome(validators.URLValidator(), value) == outcome(
        django_validators.URLValidator(), value
    )


@pytest.mark.parametrize("value", EMAILS)
def test_the_email_validator_decides_as_djangos(value):
    assert outcome(validators.validate_email, value) == outcome(
        django_validators.validate_email, value
    )


# After the host: ports and paths, including non-ASCII digits and whitespace.
TAILS = [
    *("", "/", ":80", ":123456", "/a b", "/x\n", "?q=1#f", " x", " https://a.example"),
    *(":\u0663\u0663", ":8\u0660", "/a\u3000b", "?q=\u00a0", "/\u2028"),
]


def random_host(rng):
    """Host names near the edges of Django's patterns: label lengths, hyphens, dots, case,
    digits in the top-level domain, letters outside ASCII, whitespace."""
    odd = "-._" + "\u00e9\u0130\u212a\u00a0\u2028 \n" + "\U0001f600"
    # Mostly plain letters and digits, so that many hosts are valid or nearly so.
    oddness = rng.choice([0, 0.01, 0.05, 0.2])
    labels = []
    for _ in range(rng.randint(1, 5)):
        length = rng.choice([0, 1, 2, 3, 3, 5, 8, 8, 61, 62, 63, 64, 65])
        labels.append(
            "".join(
                rng.choice(odd) if rng.random() < oddness else rng.choice("abcXYZ0189")
                for _ in range(length)
            )
        )
    if rng.random() < 0.7:
        labels[-1] = "".join(rng.choices("comXYZ", k=rng.choice([1, 2, 3, 63, 64])))
    return ".".join(labels) + rng.choice(["", "", "", ".", ".."])


def test_the_quick_patterns_match_nothing_djangos_do_not():
    rng = random.Random(20261130)
    quick_url = re.compile(validators.QUICK_URL)
    quick_domain = re.compile(validators.QUICK_DOMAIN)
    full_url = django_validators.URLValidator.regex
    full_domain = django_validators.EmailValidator.domain_regex
    quick_matches = {"url": 0, "domain": 0}
    for _ in range(20000):
        host = random_host(rng)
        scheme = rng.choice(["https://", "http://", "HTTP://", "ftp://", "https:/"])
        tail = rng.choice(TAILS)
        url = scheme + host + tail
        if quick_url.match(url):
            quick_matches["url"] += 1
            assert full_url.search(url), url
        if quick_domain.match(host):
            quick_matches["domain"] += 1
            assert full_domain.match(host), host
        assert bool(validators.URLValidator.regex.search(url)) == bool(full_url.search(url))
        assert bool(validators.EmailValidator.domain_regex.match(host)) == bool(
            full_domain.match(host)
        )
    # The generator reaches the quick patterns often enough for the check to mean something.
    assert quick_matches["url"] > 100
    assert quick_matches["domain"] > 1000


def test_every_character_the_quick_patterns_take_djangos_take_there_too():
    full_domain = django_validators.EmailValidator.domain_regex
    full_url = django_validators.URLValidator.regex
    quick_domain = re.compile(validators.QUICK_DOMAIN)
    quick_url = re.compile(validators.QUICK_URL)
    for code in range(0x110000):
        char = chr(code)
        for host in (f"a{char}a.com", f"{char}.com", f"ab.c{char}m"):
            if quick_domain.match(host):
                assert full_domain.match(host), ascii(host)
        # In the host, the port, the path and before the URL.
        for url in (
            f"https://a{char}a.com/",
            f"https://a.com:8{char}",
            f"https://a.com/{char}",
            f"{char}https://a.com/",
        ):
            if quick_url.match(url):
                assert full_url.search(url), ascii(url)


def test_an_ordinary_address_never_reaches_djangos_pattern():
    full = mock.Mock()
    full.match.return_value = full.search.return_value = None
    pattern = validators.QuickFirst(validators.QUICK_URL, full)
    assert pattern.search("https://www.example.com/a/b?c=d")
    assert not full.search.called
    assert pattern.search("https://bücher.example/") is None
    full.search.assert_called_once_with("https://bücher.example/")


def test_they_equal_djangos_validators_and_copy_and_pickle():
    url = validators.URLValidator()
    assert url == django_validators.URLValidator()
    assert url.deconstruct()[0] == "comments_plugin.validators.URLValidator"
    url("https://example.com/")
    for copied in (copy.deepcopy(url), pickle.loads(pickle.dumps(url))):
        assert copied == url
        copied("https://example.org/")
        with pytest.raises(ValidationError):
            copied("https://exa mple.org/")
    email = pickle.loads(pickle.dumps(validators.validate_email))
    email("reader@example.com")
    with pytest.raises(ValidationError):
        email("reader@exa mple.com")


def test_the_quick_path_is_on_for_the_django_installed():
    # Every supported release has the audited patterns; a new one fails here until its
    # patterns are checked (the tests above) and added to validators.AUDITED.
    url, domain = validators.URLValidator.regex, validators.EmailValidator.domain_regex
    assert isinstance(url, validators.QuickFirst)
    assert isinstance(domain, validators.QuickFirst)
    # Each quick pattern in front of the Django pattern it was checked against.
    assert url.quick.pattern == validators.QUICK_URL
    assert url.full is django_validators.URLValidator.regex
    assert domain.quick.pattern == validators.QUICK_DOMAIN
    assert domain.full is django_validators.EmailValidator.domain_regex
    assert repr(url).startswith("<QuickFirst '^https?://")


def test_a_pattern_not_audited_is_used_alone():
    other = django_validators._lazy_re_compile(r"^x\Z", re.IGNORECASE)
    assert validators.quick_first(validators.QUICK_URL, other) is other
    # Something that is not one of Django's lazily compiled patterns: used alone too.
    plain = re.compile("x")
    assert validators.quick_first(validators.QUICK_URL, plain) is plain
    assert validators.source_of(other) == (r"^x\Z", re.IGNORECASE)
    # A quick pattern checked against another Django pattern than this one: used alone too.
    domain = django_validators.EmailValidator.domain_regex
    assert validators.quick_first(validators.QUICK_URL, domain) is domain
    assert validators.source_of(django_validators._lazy_re_compile(r"x", None)) is None


def test_the_comment_form_uses_them():
    fields = CommentForm.base_fields
    assert any(isinstance(v, validators.URLValidator) for v in fields["url"].validators)
    assert validators.validate_email in fields["email"].validators
