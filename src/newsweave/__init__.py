"""newsweave: many news reports in, one cited account out.

Example:
    >>> import newsweave
    >>> briefs = newsweave.analyze(["examples/"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "analyze", "analyze_with_report", "ingest"]

if TYPE_CHECKING:
    from newsweave.pipeline import analyze, analyze_with_report, ingest


def __getattr__(name: str) -> object:
    # The pipeline pulls in the models' libraries; import it only when asked for.
    if name in ("analyze", "analyze_with_report", "ingest"):
        from newsweave import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'newsweave' has no attribute {name!r}")
