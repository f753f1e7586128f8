from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict

if TYPE_CHECKING:
    import akismet

    from comments_plugin.models import Comment

logger = logging.getLogger("comments_plugin.spam")


class AkismetFilter(BaseFilter):
    """Asks Akismet (https://akismet.com) about each comment; tells it when it was wrong.

    Needs the ``akismet`` package (``pip install django-comments-plugin[akismet]``) and a key:
    ``API_KEY`` and ``SITE_URL`` here, or the ``PYTHON_AKISMET_API_KEY`` and
    ``PYTHON_AKISMET_BLOG_URL`` environment variables. A spam answer scores ``SPAM_SCORE``;
    Akismet's "blatant spam" answer is discarded when ``DISCARD_BLATANT`` is set. When Akismet
    does not answer within ``TIMEOUT`` seconds the comment is held, never lost.

    When a moderator marks as spam a comment Akismet let through, or as not spam one it
    caught, a background task (``comments_plugin.spam.tasks.submit_to_akismet``) reports it.
    ``CLIENT_CLASS`` swaps the client, e.g. ``"akismet.TestSyncClient"`` in tests.
    """

    name = "akismet"
    default_options = {
        "API_KEY": None,
        "SITE_URL": None,
        "CLIENT_CLASS": "akismet.SyncClient",
        "TIMEOUT": 3.0,
        "SPAM_SCORE": 3.0,
        "DISCARD_BLATANT": False,
        "IS_TEST": False,
    }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._client: akismet.SyncClient | None = None

    @property
    def client(self) -> akismet.SyncClient:
        if self._client is None:
            import akismet
            import httpx

            config = None
            if self.options["API_KEY"]:
                config = akismet.Config(key=self.options["API_KEY"], url=self.options["SITE_URL"])
            # Our own HTTP client, so the network timeout is ours rather than the library's 1 s
            # default; the pipeline's TIMEOUT bounds the whole call as well.
            http_client = httpx.Client(
                headers={"User-Agent": akismet.USER_AGENT}, timeout=self.options["TIMEOUT"]
            )
            self._client = import_string(self.options["CLIENT_CLASS"])(
                config=config, http_client=http_client
            )
        return self._client

    def arguments(self, comment: Comment, submission: Submission | None = None) -> dict[str, Any]:
        args: dict[str, Any] = {
            "comment_type": "reply" if comment.parent_id else "comment",
            "comment_content": comment.body,
            "comment_author": comment.author_name,
            "comment_author_email": comment.author_email,
            "comment_author_url": comment.author_url,
            "comment_date_gmt": comment.submitted_at.isoformat() if comment.submitted_at else "",
            "blog_lang": settings.LANGUAGE_CODE,
            "blog_charset": "UTF-8",
            "user_agent": comment.user_agent,
        }
        request = submission.request if submission else None
        if request is not None:
            args["referrer"] = request.META.get("HTTP_REFERER", "")
        if self.options["IS_TEST"]:
            args["is_test"] = True
        return {key: value for key, value in args.items() if value not in ("", None)}

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        import akismet

        if not comment.ip_address:
            # Akismet requires the visitor's address; imports and offline checks have none.
            return None
        try:
            answer = self.client.comment_check(
                user_ip=comment.ip_address, **self.arguments(comment, submission)
            )
        except akismet.AkismetError as exc:
            logger.warning("Akismet failed (%s); holding the comment.", exc)
            return self.verdict(
                "akismet_unreachable",
                0,
                _("Akismet could not be asked (%(error)s); held for a person to check.")
                % {"error": exc.__class__.__name__},
                error=True,
            )
        if answer == akismet.CheckResponse.HAM:
            return self.verdict("akismet_ham", 0, _("Akismet says this is not spam."))
        blatant = answer == akismet.CheckResponse.DISCARD
        return self.verdict(
            "akismet_spam",
            self.options["SPAM_SCORE"],
            _("Akismet says this is blatant spam.") if blatant else _("Akismet says this is spam."),
            discard=blatant and bool(self.options["DISCARD_BLATANT"]),
        )

    def learn(self, comment: Comment, label: str) -> None:
        said_spam = any(
            r.get("filter") == self.name and r.get("code") == "akismet_spam"
            for r in comment.spam_reasons or []
        )
        asked = any(
            r.get("filter") == self.name and r.get("code") in ("akismet_spam", "akismet_ham")
            for r in comment.spam_reasons or []
        )
        # Akismet wants its mistakes only: missed spam and false positives.
        if not asked or said_spam == (label == "spam") or comment.pk is None:
            return
        from comments_plugin.spam.tasks import submit_to_akismet

        comment_id = comment.pk
        transaction.on_commit(lambda: submit_to_akismet.enqueue(comment_id, label))

    def submit(self, comment: Comment, label: str) -> bool:
        """Report ``comment`` to Akismet as ``"spam"`` or ``"ham"`` (run by the task)."""
        if not comment.ip_address:
            return False
        send = self.client.submit_spam if label == "spam" else self.client.submit_ham
        return bool(send(user_ip=comment.ip_address, **self.arguments(comment)))

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        try:
            import akismet  # noqa: F401
        except ImportError:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) needs the 'akismet' package.",
                    hint="pip install 'django-comments-plugin[akismet]'",
                    id="comments_plugin.E016",
                )
            )
            return errors
        if bool(options.get("API_KEY")) != bool(options.get("SITE_URL")):
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) needs both API_KEY and SITE_URL, "
                    "or neither (then the PYTHON_AKISMET_* environment variables are used).",
                    id="comments_plugin.E015",
                )
            )
        if not options.get("API_KEY") and not os.environ.get("PYTHON_AKISMET_API_KEY"):
            # Without a key every comment would be held as "Akismet unreachable".
            errors.append(
                checks.Warning(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) has no API key: neither the "
                    "API_KEY option nor the PYTHON_AKISMET_API_KEY environment variable is set, "
                    "so every comment would be held.",
                    id="comments_plugin.W015",
                )
            )
        try:
            import_string(options.get("CLIENT_CLASS", cls.default_options["CLIENT_CLASS"]))
        except ImportError:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) cannot import CLIENT_CLASS.",
                    id="comments_plugin.E015",
                )
            )
        return errors
