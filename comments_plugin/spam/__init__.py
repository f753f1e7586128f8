"""The spam pipeline: pluggable filters combined into one decision.

Public API: :class:`BaseFilter`, :class:`Verdict`, :class:`Submission`, :class:`Decision`,
:func:`run_pipeline` and :func:`get_filters`.
"""

from comments_plugin.spam.base import BaseFilter, Decision, Submission, Verdict
from comments_plugin.spam.pipeline import PipelineResult, get_filters, run_pipeline

__all__ = [
    "BaseFilter",
    "Decision",
    "PipelineResult",
    "Submission",
    "Verdict",
    "get_filters",
    "run_pipeline",
]
