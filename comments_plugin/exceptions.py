from __future__ import annotations


class CommentRejected(Exception):
    """Refuses a comment with a message the visitor sees.

    Raised by a ``comment_will_be_posted`` receiver or a spam filter (duplicate comment,
    too many comments). ``status`` is the HTTP status of the response: 400 re-renders the
    form with the message, 429 asks the visitor to slow down, 403 refuses.
    """

    def __init__(self, message: str, *, code: str = "rejected", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
