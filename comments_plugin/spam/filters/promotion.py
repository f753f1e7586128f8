from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.analysis import fold
from comments_plugin.spam.base import (
    BaseFilter,
    Submission,
    Verdict,
    join_phrases,
    phrase_errors,
)

if TYPE_CHECKING:
    from comments_plugin.models import Comment

_SPACES_RE = re.compile(r"\s+")
_SUBSCRIBE = r"(?:subscribe|subcribe|suscribe|subscrib)"
# What an advertiser wants you to visit: an audience of its own, never the page commented on.
_CHANNEL = (
    r"(?:youtube |new |music |gaming )?(?:channel|vlogs?|vids?|playlist|mixtape|music|songs?|"
    r"covers?|tracks?|videos?|page|profile|blog|website|site|shop|store|instagram|tiktok|"
    r"twitch|soundcloud)"
)

# "this comment section", "my comment form": the page's comments, not one comment; "like this
# comment says": pointing at what a comment says, not asking for likes.
_NOT_BAIT = r"(?! (?:section|thread|box|form|field|policy|system|says|said|above|below))"

#: Phrases that advertise the writer on their own: they name the writer's channel or trade
#: audiences. Regular expressions, matched case-insensitively at word boundaries.
STRONG_PHRASES = (
    # "check out my channel", "visit our new playlist", "listen to my songs", "see my blog"
    rf"(?:check|checkout|visit|watch|listen to|see)(?: out)? (?:my|our) {_CHANNEL}",
    # "subscribe to my channel", "follow my page", "sub to me"
    rf"(?:{_SUBSCRIBE}|sub|follow) (?:to )?(?:my {_CHANNEL}|me)",
    # "sub4sub", "sub for sub", "follow 4 follow", "views for views": trading audiences.
    r"(?:sub|follow|view)s? ?(?:4|for) ?(?:sub|follow|view)s?",
    # Nothing but the request: "Subscribe!!!".
    rf"^\W*{_SUBSCRIBE}(?=\W*$)",
    # Engagement bait: asking for likes on the comment itself, as an order at the start of a
    # sentence or after "please" ("Like this comment if…", "😀 Like this comment", "Please
    # don't like my comment if…") or counting them ("see how many people like this comment").
    # Not "like this comment" after a subject or as a comparison: "I don't like this comment",
    # "why would anyone like this comment?", "just like this comment says".
    r"(?:(?:^|(?<=[.!?])|(?<=[.!?] )|(?<=[^\w\s,;:'\"] ))(?:(?:please|pls|plz) )?"
    r"|(?:please|pls|plz) |how many (?:people |of you )?)"
    rf"(?:(?:don't|dont|do not) )?like (?:this|my) comment{_NOT_BAIT}",
    # The text of a video site's share button pasted as the comment ("Check out this video
    # on YouTube:"), with or without the rest of it.
    r"(?:check out|take a look at|watch) this (?:video|playlist|channel|song) on you ?tu\w*",
)
#: Phrases common in self-promotion and rare, but possible, in ordinary comments: one alone
#: scores below the hold threshold, two together hold.
WEAK_PHRASES = (
    # Begging for subscribers: "please subscribe", "like and subscribe", "subscribe back".
    rf"(?:please|pls|plz|and) {_SUBSCRIBE}\b(?! (?:to|if|for|and) )"
    rf"|like and {_SUBSCRIBE}\b(?! to )",
    # "subscribe back", and "subscribers please" as the whole request (not "Subscribers
    # please note the paywall change").
    rf"{_SUBSCRIBE} back|{_SUBSCRIBE}(?:rs|s)? (?:please|pls|plz)(?=\W*$)",
    rf"{_SUBSCRIBE} for me",
    rf"(?:come|go) {_SUBSCRIBE}",
    # "Subscribe if you…" as an order at the start of a sentence, not "I will subscribe if…".
    rf"(?:^|(?<=[.!?] )){_SUBSCRIBE}(?! to (?:the|your|our|this) )",
    r"sub back",
    r"like (?:4|for) like(?!-)",
    rf"like (?:this|my) comment{_NOT_BAIT}",
    # Engagement bait: asking for likes on the comment itself rather than saying anything.
    r"thumbs? up (?:this|my) comment",
    r"give (?:it|this|me|this comment|my comment) a (?:like|thumbs? up)(?!-| button)",
    # Counting the audience wished for: "help me get 100 subscribers", "reach 1k subs".
    r"(?:get|reach|hit|gain) (?:me |us )?(?:to )?\d[\d,.]*k? (?:more )?(?:subscribers|subs|followers)",
    r"my (?:youtube |new )?(?:channel|vlog|playlist|mixtape)",
    # Earn-money pitches: "earn $500 a day", "make easy money from home".
    r"(?:earn|make|making) (?:\$ ?\d[\d,]*k?|\d[\d,]* dollars|(?:real |easy |quick |fast |extra )"
    r"(?:money|cash|\$))",
    r"(?:work|working|earn|earning) (?:money )?from home",
    r"(?:per|a|each) (?:day|week|hour) (?:from|working from) home",
    r"free (?:gift cards?|money|iphones?|followers|subscribers|views|likes)",
)


class SelfPromotionFilter(BaseFilter):
    """Scores comments that advertise their writer: "check out my channel", "sub4sub".

    A phrase of :data:`STRONG_PHRASES` (plus ``EXTRA_PHRASES``) scores ``SCORE``; a phrase of
    :data:`WEAK_PHRASES` alone scores ``WEAK_SCORE``, below the hold threshold, because
    "please subscribe" or "my channel" also occur in honest comments. Each further phrase adds
    ``EXTRA_SCORE``.
    """

    name = "self_promotion"
    default_options = {"SCORE": 1.0, "WEAK_SCORE": 0.5, "EXTRA_SCORE": 0.5, "EXTRA_PHRASES": ()}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # The built-in phrases are lower case and the text is folded, so no IGNORECASE
        # (four times slower); a site's own phrases may be written in any case.
        strong = [*STRONG_PHRASES, *(f"(?i:{p})" for p in self.options["EXTRA_PHRASES"])]
        self._phrases = [*strong, *WEAK_PHRASES]
        self._strong = len(strong)
        # One pass over the text rules out most comments before each phrase is looked for.
        self._any = re.compile(join_phrases(self._phrases))

    @cached_property
    def _patterns(self) -> list[re.Pattern[str]]:
        # Compiled when a comment first needs them: most never do, and compiling them all
        # would slow the first comment every new process receives.
        return [re.compile(join_phrases([p])) for p in self._phrases]

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        # One space between words, one kind of apostrophe: the phrases are written so.
        body = _SPACES_RE.sub(" ", fold(comment.body).replace("\u2019", "'"))
        if not self._any.search(body):
            return None
        found = []
        spans: list[tuple[int, int]] = []
        strong = False
        for i, pattern in enumerate(self._patterns):
            m = pattern.search(body)
            # A weak phrase inside words a stronger one already matched ("like this comment"
            # in "Like this comment if…") is the same sign, not a second one.
            if m is None or any(m.start() < end and start < m.end() for start, end in spans):
                continue
            found.append(m.group(0))
            spans.append(m.span())
            strong = strong or i < self._strong
        if not found:
            return None
        first = self.options["SCORE"] if strong else self.options["WEAK_SCORE"]
        score = first + (len(found) - 1) * self.options["EXTRA_SCORE"]
        return self.verdict(
            "self_promotion",
            score,
            _("Advertises its writer: %(phrases)s.")
            % {"phrases": ", ".join(f"“{f}”" for f in found)},
        )

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        return errors + phrase_errors(cls, options.get("EXTRA_PHRASES") or (), index)
