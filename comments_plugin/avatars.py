"""Avatars that never reveal an e-mail address.

By default an avatar is an SVG identicon drawn by this app from a keyed HMAC of the
e-mail (the site's ``SECRET_KEY`` is the key), so nobody can recompute it from a guessed
address and no third party is asked. With ``GRAVATAR`` on, Gravatar's SHA-256 URL is used
instead: that publishes an unsalted hash of the address, which is why it is off by default.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode

from comments_plugin.conf import conf

if TYPE_CHECKING:
    from comments_plugin.models import Comment

KEY_LENGTH = 20


def avatar_key(identity: str) -> str:
    """A short keyed hash of ``identity``; the same person gets the same picture."""
    return salted_hmac(
        "comments_plugin.avatar", identity.strip().lower(), algorithm="sha256"
    ).hexdigest()[:KEY_LENGTH]


def comment_identity(comment: Comment) -> str:
    return comment.author_email or comment.author_name or str(comment.pk)


def avatar_url(comment: Comment, size: int | None = None) -> str:
    size = size or conf.AVATAR_SIZE
    if conf.GRAVATAR and comment.author_email:
        digest = hashlib.sha256(comment.author_email.strip().lower().encode()).hexdigest()
        query = urlencode({"s": str(size), "d": conf.GRAVATAR_DEFAULT})
        return f"https://gravatar.com/avatar/{digest}?{query}"
    return reverse("comments_plugin:avatar", args=[avatar_key(comment_identity(comment))])


def identicon_svg(key: str) -> str:
    """A 5x5 mirrored identicon for ``key`` (hex), as an SVG document."""
    digest = hashlib.sha256(key.encode()).digest()
    hue = digest[0] * 360 // 256
    colour = f"hsl({hue},55%,50%)"
    cells = []
    for row in range(5):
        for col in range(3):
            if digest[1 + row * 3 + col] & 1:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x + 1}" y="{row + 1}" width="1" height="1"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" shape-rendering="crispEdges">'
        '<rect width="7" height="7" fill="#f0f0f0"/>'
        f'<g fill="{colour}">{"".join(cells)}</g></svg>'
    )
