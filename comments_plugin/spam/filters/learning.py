from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.translation import gettext_lazy as _

from comments_plugin.spam.base import BaseFilter, Submission, Verdict
from comments_plugin.spam.learning import (
    HAM,
    MEMORY_TOKENS,
    SPAM,
    Classifier,
    DatabaseStore,
    TokenStore,
    comment_features,
)

if TYPE_CHECKING:
    from comments_plugin.models import Comment


class LearningFilter(BaseFilter):
    """A naive Bayes classifier trained by the site's moderators.

    Every "spam" and "not spam" decision (see :func:`~comments_plugin.spam.pipeline.
    label_for_change`) teaches it; ``manage.py comments_spam_train`` teaches it from labelled
    files. Counts live in :class:`~comments_plugin.models.LearnedToken`, shared by every
    process; each process holds a copy of up to ``MEMORY_TOKENS`` of them (reloaded after a
    lesson), so classifying a comment costs no query (one query with a larger table). Until it has learnt ``MIN_MESSAGES`` spam
    and ``MIN_MESSAGES`` ham comments it gives no opinion. A spam probability of at least
    ``LEAN_PROBABILITY`` scores ``LEAN_SCORE`` (a little, to tip a comment other filters
    doubt), of at least ``HOLD_PROBABILITY`` ``HOLD_SCORE``, of at least ``SPAM_PROBABILITY``
    ``SPAM_SCORE``; at most ``HAM_PROBABILITY`` scores ``HAM_SCORE`` (0 by default: the
    classifier may accuse, vouching is left to the trusted-commenter filter).
    """

    name = "learning"
    default_options = {
        "MIN_MESSAGES": 20,
        "LEAN_PROBABILITY": 0.7,
        "HOLD_PROBABILITY": 0.99,
        "SPAM_PROBABILITY": 0.999,
        "HAM_PROBABILITY": 0.01,
        "LEAN_SCORE": 0.5,
        "HOLD_SCORE": 1.0,
        "SPAM_SCORE": 3.0,
        "HAM_SCORE": 0.0,
        "MEMORY_TOKENS": MEMORY_TOKENS,
    }

    def __init__(self, *, store: TokenStore | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.store: TokenStore = store or DatabaseStore(memory_tokens=self.options["MEMORY_TOKENS"])
        self.classifier = Classifier(self.store, min_messages=self.options["MIN_MESSAGES"])

    def check(self, comment: Comment, submission: Submission) -> Verdict | None:
        result = self.classifier.classify(comment_features(comment))
        if not result.trained:
            return None
        probability = result.probability
        clues = ", ".join(
            f"“{feat}”" for feat, prob in result.clues[:5] if (prob > 0.5) == (probability > 0.5)
        )
        values = {"probability": probability * 100, "clues": clues}
        if probability >= self.options["SPAM_PROBABILITY"]:
            score, code = self.options["SPAM_SCORE"], "learned_spam"
        elif probability >= self.options["HOLD_PROBABILITY"]:
            score, code = self.options["HOLD_SCORE"], "learned_unsure"
        elif probability >= self.options["LEAN_PROBABILITY"]:
            score, code = self.options["LEAN_SCORE"], "learned_leaning"
        elif probability <= self.options["HAM_PROBABILITY"]:
            score, code = self.options["HAM_SCORE"], "learned_ham"
        else:
            return None
        message = _("Spam probability %(probability).1f%% (clues: %(clues)s).") % values
        return self.verdict(code, score, message)

    def learn(self, comment: Comment, label: str) -> None:
        """Teach ``label``, untraining what this comment taught before (``learned_as``)."""
        from comments_plugin.models import Comment

        if label not in (SPAM, HAM) or comment.learned_as == label:
            return
        feats = comment_features(comment)
        classifier = self.classifier
        if comment.learned_as in (SPAM, HAM):
            classifier.learn(feats, comment.learned_as, unlearn=True)
        classifier.learn(feats, label)
        comment.learned_as = label
        if comment.pk is not None:
            Comment.objects.filter(pk=comment.pk).update(learned_as=label)

    @classmethod
    def check_options(cls, options: dict[str, Any], index: int) -> list[checks.CheckMessage]:
        errors = super().check_options(options, index)
        merged = {**cls.default_options, **options}
        try:
            ordered = (
                0
                <= merged["HAM_PROBABILITY"]
                < merged["LEAN_PROBABILITY"]
                <= merged["HOLD_PROBABILITY"]
                <= merged["SPAM_PROBABILITY"]
                <= 1
            )
        except TypeError:
            return errors
        if not ordered:
            errors.append(
                checks.Error(
                    f"SPAM_FILTERS[{index}] ({cls.__name__}) needs 0 ≤ HAM_PROBABILITY < "
                    "LEAN_PROBABILITY ≤ HOLD_PROBABILITY ≤ SPAM_PROBABILITY ≤ 1.",
                    id="comments_plugin.E019",
                )
            )
        return errors
