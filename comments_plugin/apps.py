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
        self.import_posting_modules()

    @staticmethod
    def import_posting_modules() -> None:
        """Import what posting a comment needs (the configured spam filters, the tasks) now.

        Otherwise each server process imports them (and compiles the patterns they define)
        while the first visitor who comments waits, tens of milliseconds. Nothing is created
        and no database or network is touched here; a filter that cannot be imported is left to
        the system checks (``comments_plugin.E012``) and to the pipeline, which holds
        comments while it is broken.
        """
        from django.utils.module_loading import import_string

        from comments_plugin import tasks  # noqa: F401
        from comments_plugin.conf import conf

        try:
            names = [entry["NAME"] for entry in conf.SPAM_FILTERS]
        except Exception:
            return  # a malformed setting: the system checks say what is wrong with it
        for name in names:
            try:
                import_string(name)
            except Exception:
                continue
