"""Signal receivers of the app itself, connected in ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.core.signals import setting_changed


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "COMMENTS_PLUGIN":
        from comments_plugin.spam.pipeline import reset_filters

        reset_filters()


def connect() -> None:
    setting_changed.connect(_settings_changed, dispatch_uid="comments_plugin.settings_changed")
