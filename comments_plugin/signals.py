"""Signals sent by comments_plugin. Only definitions live here; see docs/signals.rst.

Every signal is sent with ``sender=Comment``.
"""

from django.dispatch import Signal

#: Sent by :func:`comments_plugin.operations.post_comment` before the spam pipeline runs,
#: with ``comment`` (unsaved) and ``request`` (``None`` outside a request). A receiver vetoes
#: the comment by raising :class:`comments_plugin.exceptions.CommentRejected`; its message is
#: shown to the visitor.
comment_will_be_posted = Signal()

#: Sent after every spam filter has given its verdict and before they are combined, with
#: ``comment`` (unsaved), ``request`` and ``verdicts`` (a list of
#: :class:`comments_plugin.spam.Verdict`). A receiver may append verdicts of its own.
comment_spam_checked = Signal()

#: Sent after a new comment is stored, with ``comment``, ``request`` and ``decision``
#: (a :class:`comments_plugin.spam.Decision`). Not sent for discarded comments.
comment_was_posted = Signal()

#: Sent after a comment's status changed, by a moderator, a filter or a command, with
#: ``comment``, ``old_status``, ``new_status``, ``action`` (``"approve"``, ``"hold"``,
#: ``"spam"``, ``"ham"``, ``"trash"``, ``"restore"``, ``"flag"``), ``user`` (the moderator or
#: ``None``), ``source`` (who acted when no user did), ``reason`` and ``request`` (the
#: moderator's or reporting reader's ``HttpRequest``, or ``None``).
comment_status_changed = Signal()

#: Sent after a reader reported a comment, with ``comment``, ``flag`` and ``request``.
comment_was_flagged = Signal()
