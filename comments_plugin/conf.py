"""Typed, lazy access to the ``COMMENTS_PLUGIN`` settings dict.

Every property reads ``django.conf.settings`` when it is accessed, so
``override_settings(COMMENTS_PLUGIN={...})`` takes effect at once and nothing is
frozen at import time. Keys a site does not set fall back to :data:`DEFAULTS`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# Cheap checks first; the ones that may refuse a comment (duplicate, flood) before any that
# write (rule hit counts). Akismet is opt-in: add
# {"NAME": "comments_plugin.spam.filters.akismet.AkismetFilter"} to use it.
DEFAULT_SPAM_FILTERS: list[dict[str, Any]] = [
    {"NAME": "comments_plugin.spam.filters.honeypot.HoneypotFilter"},
    {"NAME": "comments_plugin.spam.filters.timer.SubmitTimerFilter"},
    {"NAME": "comments_plugin.spam.filters.duplicate.DuplicateFilter"},
    {"NAME": "comments_plugin.spam.filters.flood.FloodFilter"},
    {"NAME": "comments_plugin.spam.filters.links.LinkCountFilter"},
    {"NAME": "comments_plugin.spam.filters.script.UnexpectedScriptFilter"},
    {"NAME": "comments_plugin.spam.filters.author.AuthorNameFilter"},
    {"NAME": "comments_plugin.spam.filters.gibberish.GibberishFilter"},
    {"NAME": "comments_plugin.spam.filters.praise.GenericPraiseFilter"},
    {"NAME": "comments_plugin.spam.filters.promotion.SelfPromotionFilter"},
    {"NAME": "comments_plugin.spam.filters.rules.RulesFilter"},
    {"NAME": "comments_plugin.spam.filters.known_spammer.KnownSpammerFilter"},
    {"NAME": "comments_plugin.spam.filters.trusted.TrustedCommenterFilter"},
    {"NAME": "comments_plugin.spam.filters.learning.LearningFilter"},
]

DEFAULTS: dict[str, Any] = {
    # Display
    # Levels of replies under a top-level comment (which is level 0); 0 allows no replies.
    "MAX_DEPTH": 5,
    # Top-level threads per list page (a thread is never split); 0 shows every comment.
    "PAGE_SIZE": 50,
    "MAX_LENGTH": 5000,
    "ORDER_NEWEST_FIRST": False,
    "ALLOW_PREVIEW": True,
    "AVATAR_SIZE": 48,
    # Seconds to keep a rendered comment list in the default cache (0: not cached). Any
    # post, status change, edit or deletion on the object makes the cached copy stale.
    "LIST_CACHE_TIMEOUT": 0,
    "GRAVATAR": False,
    "GRAVATAR_DEFAULT": "identicon",
    "COOKIE_MAX_AGE": 60 * 60 * 24 * 365,
    # Posting
    "TOKEN_MAX_AGE": 60 * 60 * 24 * 2,
    "MAX_REQUEST_SIZE": 64 * 1024,
    "REQUIRE_LOGIN": False,
    # Spam pipeline
    "SPAM_FILTERS": DEFAULT_SPAM_FILTERS,
    "HOLD_THRESHOLD": 1.0,
    "SPAM_THRESHOLD": 3.0,
    "FILTER_TIMEOUT": 2.0,
    # Moderation
    "MODERATE_ALL": False,
    "FLAGS_TO_HOLD": 3,
    "NOTIFY_MODERATORS": True,
    "MODERATOR_EMAILS": None,
    "NOTIFY_AUTHOR": False,
    "HOLD_FIRST_TIME": False,
    # Scheme and host for links in e-mails sent outside a request ("https://example.com").
    "SITE_URL": "",
    "ALLOW_ANONYMOUS_FLAGS": True,
    # Reports one address may send per hour (anonymous readers only).
    "FLAG_RATE_LIMIT": 5,
    # Retention (days; None keeps forever)
    "PURGE_SPAM_AFTER": 30,
    "PURGE_TRASH_AFTER": 30,
    "ANONYMISE_IP_AFTER": 180,
    # Importing: dotted path of ``resolve(thread) -> Model | None`` (see docs/migrating.rst)
    "IMPORT_RESOLVER": None,
}


class Settings:
    """The app's settings; read as ``from comments_plugin.conf import conf``."""

    def _get(self, name: str) -> Any:
        user = getattr(settings, "COMMENTS_PLUGIN", None) or {}
        if name in user:
            return user[name]
        return DEFAULTS[name]

    def __getattr__(self, name: str) -> Any:
        # Lets extension code read keys this class has no typed property for.
        if name.isupper() and name in DEFAULTS:
            return self._get(name)
        raise AttributeError(name)

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "COMMENTS_PLUGIN", None)
        return value if isinstance(value, dict) else {}

    @property
    def MAX_DEPTH(self) -> int:
        return int(self._get("MAX_DEPTH"))

    @property
    def PAGE_SIZE(self) -> int:
        return int(self._get("PAGE_SIZE"))

    @property
    def MAX_LENGTH(self) -> int:
        return int(self._get("MAX_LENGTH"))

    @property
    def ORDER_NEWEST_FIRST(self) -> bool:
        return bool(self._get("ORDER_NEWEST_FIRST"))

    @property
    def ALLOW_PREVIEW(self) -> bool:
        return bool(self._get("ALLOW_PREVIEW"))

    @property
    def AVATAR_SIZE(self) -> int:
        return int(self._get("AVATAR_SIZE"))

    @property
    def LIST_CACHE_TIMEOUT(self) -> int:
        return int(self._get("LIST_CACHE_TIMEOUT"))

    @property
    def GRAVATAR(self) -> bool:
        return bool(self._get("GRAVATAR"))

    @property
    def GRAVATAR_DEFAULT(self) -> str:
        return str(self._get("GRAVATAR_DEFAULT"))

    @property
    def COOKIE_MAX_AGE(self) -> int:
        return int(self._get("COOKIE_MAX_AGE"))

    @property
    def TOKEN_MAX_AGE(self) -> int:
        return int(self._get("TOKEN_MAX_AGE"))

    @property
    def MAX_REQUEST_SIZE(self) -> int:
        return int(self._get("MAX_REQUEST_SIZE"))

    @property
    def REQUIRE_LOGIN(self) -> bool:
        return bool(self._get("REQUIRE_LOGIN"))

    @property
    def SPAM_FILTERS(self) -> list[dict[str, Any]]:
        return list(self._get("SPAM_FILTERS"))

    @property
    def HOLD_THRESHOLD(self) -> float:
        return float(self._get("HOLD_THRESHOLD"))

    @property
    def SPAM_THRESHOLD(self) -> float:
        return float(self._get("SPAM_THRESHOLD"))

    @property
    def FILTER_TIMEOUT(self) -> float:
        return float(self._get("FILTER_TIMEOUT"))

    @property
    def MODERATE_ALL(self) -> bool:
        return bool(self._get("MODERATE_ALL"))

    @property
    def FLAGS_TO_HOLD(self) -> int:
        return int(self._get("FLAGS_TO_HOLD"))

    @property
    def NOTIFY_MODERATORS(self) -> bool:
        return bool(self._get("NOTIFY_MODERATORS"))

    @property
    def MODERATOR_EMAILS(self) -> list[str] | None:
        value = self._get("MODERATOR_EMAILS")
        return None if value is None else list(value)

    @property
    def NOTIFY_AUTHOR(self) -> bool:
        return bool(self._get("NOTIFY_AUTHOR"))

    @property
    def HOLD_FIRST_TIME(self) -> bool:
        return bool(self._get("HOLD_FIRST_TIME"))

    @property
    def SITE_URL(self) -> str:
        return str(self._get("SITE_URL") or "").rstrip("/")

    @property
    def ALLOW_ANONYMOUS_FLAGS(self) -> bool:
        return bool(self._get("ALLOW_ANONYMOUS_FLAGS"))

    @property
    def FLAG_RATE_LIMIT(self) -> int:
        return int(self._get("FLAG_RATE_LIMIT"))

    @property
    def PURGE_SPAM_AFTER(self) -> int | None:
        value = self._get("PURGE_SPAM_AFTER")
        return None if value is None else int(value)

    @property
    def PURGE_TRASH_AFTER(self) -> int | None:
        value = self._get("PURGE_TRASH_AFTER")
        return None if value is None else int(value)

    @property
    def ANONYMISE_IP_AFTER(self) -> int | None:
        value = self._get("ANONYMISE_IP_AFTER")
        return None if value is None else int(value)

    @property
    def IMPORT_RESOLVER(self) -> str | None:
        value = self._get("IMPORT_RESOLVER")
        return None if value is None else str(value)


conf = Settings()
