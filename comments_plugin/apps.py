from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsPluginConfig(AppConfig):
    name = "comments_plugin"
    verbose_name = _("Comments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Checks and receivers are wired here, never by import side effects.
        from comments_plugin import checks, receivers

        checks.register()
        receivers.connect()
