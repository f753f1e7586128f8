"""System checks for the ``COMMENTS_PLUGIN`` setting. Ids are stable; see docs/checks.rst."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from comments_plugin.conf import DEFAULTS, conf

INT_SETTINGS = (
    "MAX_DEPTH",
    "PAGE_SIZE",
    "MAX_LENGTH",
    "AVATAR_SIZE",
    "LIST_CACHE_TIMEOUT",
    "COOKIE_MAX_AGE",
    "TOKEN_MAX_AGE",
    "MAX_REQUEST_SIZE",
    "FLAGS_TO_HOLD",
    "FLAG_RATE_LIMIT",
)
OPTIONAL_DAYS = ("PURGE_SPAM_AFTER", "PURGE_TRASH_AFTER", "ANONYMISE_IP_AFTER")
# Real booleans only: a string such as "false" is truthy and would, say, turn Gravatar on.
BOOL_SETTINGS = (
    "ORDER_NEWEST_FIRST",
    "ALLOW_PREVIEW",
    "GRAVATAR",
    "REQUIRE_LOGIN",
    "MODERATE_ALL",
    "NOTIFY_MODERATORS",
    "NOTIFY_AUTHOR",
    "HOLD_FIRST_TIME",
    "ALLOW_ANONYMOUS_FLAGS",
)


def register() -> None:
    checks.register(check_settings, "comments_plugin")
    checks.register(check_spam_filters, "comments_plugin")
    checks.register(check_dependencies, "comments_plugin")
    checks.register(check_import_resolver, "comments_plugin")


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    raw = getattr(settings, "COMMENTS_PLUGIN", None)
    if raw is None:
        return errors
    if not isinstance(raw, dict):
        return [checks.Error("COMMENTS_PLUGIN must be a dict.", id="comments_plugin.E001")]
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        errors.append(
            checks.Error(
                f"COMMENTS_PLUGIN has unknown keys: {', '.join(unknown)}.",
                hint="Check the spelling against the settings reference.",
                id="comments_plugin.E002",
            )
        )
    for name in INT_SETTINGS:
        value = raw.get(name, DEFAULTS[name])
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.append(
                checks.Error(
                    f"COMMENTS_PLUGIN['{name}'] must be a whole number ≥ 0.",
                    id="comments_plugin.E003",
                )
            )
    for name in OPTIONAL_DAYS:
        value = raw.get(name, DEFAULTS[name])
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            errors.append(
                checks.Error(
                    f"COMMENTS_PLUGIN['{name}'] must be None or a whole number of days ≥ 0.",
                    id="comments_plugin.E004",
                )
            )
    for name in BOOL_SETTINGS:
        if name in raw and not isinstance(raw[name], bool):
            errors.append(
                checks.Error(
                    f"COMMENTS_PLUGIN['{name}'] must be True or False.",
                    id="comments_plugin.E007",
                )
            )
    emails = raw.get("MODERATOR_EMAILS")
    # A bare string is iterable too, and would be mailed to letter by letter.
    if emails is not None and (
        not isinstance(emails, list | tuple) or not all(isinstance(e, str) for e in emails)
    ):
        errors.append(
            checks.Error(
                "COMMENTS_PLUGIN['MODERATOR_EMAILS'] must be None or a list of addresses.",
                hint='Write ["editors@example.com"], not "editors@example.com".',
                id="comments_plugin.E008",
            )
        )
    site_url = raw.get("SITE_URL", DEFAULTS["SITE_URL"])
    if site_url != "" and not (
        isinstance(site_url, str)
        and urlsplit(site_url).scheme in ("http", "https")
        and urlsplit(site_url).netloc
    ):
        errors.append(
            checks.Error(
                "COMMENTS_PLUGIN['SITE_URL'] must be empty or a scheme and host.",
                hint='For example "https://example.com".',
                id="comments_plugin.E009",
            )
        )
    try:
        hold, spam = (
            float(raw.get("HOLD_THRESHOLD", DEFAULTS["HOLD_THRESHOLD"])),
            float(raw.get("SPAM_THRESHOLD", DEFAULTS["SPAM_THRESHOLD"])),
        )
    except (TypeError, ValueError):
        errors.append(
            checks.Error(
                "HOLD_THRESHOLD and SPAM_THRESHOLD must be numbers.", id="comments_plugin.E005"
            )
        )
    else:
        if hold > spam:
            errors.append(
                checks.Error(
                    "COMMENTS_PLUGIN['HOLD_THRESHOLD'] is above SPAM_THRESHOLD.",
                    hint="Comments scoring between the two would never be held.",
                    id="comments_plugin.E006",
                )
            )
    return errors


def check_spam_filters(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from comments_plugin.spam.base import BaseFilter

    errors: list[checks.CheckMessage] = []
    try:
        config = conf.SPAM_FILTERS
    except TypeError:
        return [
            checks.Error(
                "COMMENTS_PLUGIN['SPAM_FILTERS'] must be a list.", id="comments_plugin.E010"
            )
        ]
    for index, entry in enumerate(config):
        if not isinstance(entry, dict) or "NAME" not in entry:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] must be a dict with a 'NAME' key.",
                    id="comments_plugin.E010",
                )
            )
            continue
        try:
            cls = import_string(entry["NAME"])
        except ImportError:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}]: cannot import {entry['NAME']!r}.",
                    id="comments_plugin.E012",
                )
            )
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseFilter)):
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}]: {entry['NAME']} is not a BaseFilter subclass.",
                    id="comments_plugin.E013",
                )
            )
            continue
        options = entry.get("OPTIONS") or {}
        if not isinstance(options, dict):
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}]['OPTIONS'] must be a dict.", id="comments_plugin.E010"
                )
            )
            continue
        errors.extend(cls.check_options(options, index))
    return errors


def check_dependencies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    if "django.contrib.contenttypes" not in settings.INSTALLED_APPS:
        errors.append(
            checks.Error(
                "comments_plugin needs 'django.contrib.contenttypes' in INSTALLED_APPS.",
                id="comments_plugin.E020",
            )
        )
    templates: list[dict[str, Any]] = settings.TEMPLATES
    processors = [p for t in templates for p in t.get("OPTIONS", {}).get("context_processors", [])]
    if "django.template.context_processors.request" not in processors:
        errors.append(
            checks.Warning(
                "The 'request' context processor is not enabled.",
                hint="Without it the comment form has no CSRF token, so every comment is refused; "
                "the list cannot show a visitor their held comment, and paging and replies lose "
                "their links.",
                id="comments_plugin.W021",
            )
        )
    return errors


def check_import_resolver(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    path = conf.IMPORT_RESOLVER
    if not path:
        return []
    try:
        resolver = import_string(path)
    except ImportError:
        resolver = None
    if not callable(resolver):
        return [
            checks.Error(
                f"COMMENTS_PLUGIN['IMPORT_RESOLVER'] {path!r} is not an importable function.",
                hint="Give the dotted path of a function(thread) -> object or None (docs/migrating.rst).",
                id="comments_plugin.E030",
            )
        ]
    return []
