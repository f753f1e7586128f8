from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Policies are registered here, like receivers, never by import side effects.
        from comments_plugin.moderation import moderator
        from news.models import Article, ArticlePolicy

        moderator.register(Article, ArticlePolicy)
