"""Golden outputs of ``newsweave brief --format json|md|html`` for the two real corpora.

The example corpus (``examples/``, written for the project) is kept as the exact output. The
reference case (``../shared/seeds``, third-party reports) is kept as a digest that holds no
source text: every string except identifiers, dates and kinds becomes a short hash with its
length, numbers and booleans stay as they are, and the Markdown and HTML become one hash per
line, so a change still points at the field or line that moved.

Regenerate with ``python -m tests.support.make_golden`` (see :data:`REGENERATE`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.model import Brief

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
REGENERATE = ".venv/bin/python -m tests.support.make_golden"
FORMATS = ("json", "md", "html")

# Strings that are not source text: kept as they are in the reference case's digest.
KEPT_KEYS = frozenset(
    {
        "article_id",
        "story_id",
        "headline_article",
        "from_article_id",
        "kind",
        "type",
        "date",
        "precision",
        "date_origin",
        "published",
        "path",
        "offsets",
    }
)


@dataclass(frozen=True)
class Corpus:
    """A corpus briefed from ``parent`` as ``name``, so article paths in the brief are relative."""

    label: str
    parent: Path
    name: str
    redact: bool

    def golden(self, fmt: str) -> Path:
        """The golden file of this corpus in ``fmt``."""
        if self.redact:
            return GOLDEN / f"{self.label}.brief.{fmt}.digest.json"
        return GOLDEN / f"{self.label}.brief.{fmt}"


def examples() -> Corpus:
    return Corpus("examples", REPO, "examples", redact=False)


def seeds(shared: Path) -> Corpus:
    """The reference case; ``shared`` is the ``../shared`` folder (it holds ``seeds/``)."""
    return Corpus("seeds", shared, "seeds", redact=True)


@contextmanager
def _working_dir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def build(corpus: Corpus) -> list[Brief]:
    """The briefs ``newsweave brief <name>`` prints when run in ``corpus.parent``."""
    from newsweave.pipeline import analyze

    with _working_dir(corpus.parent):
        return analyze([corpus.name])


def render(briefs: Sequence[Brief], fmt: str) -> str:
    """Exactly what ``newsweave brief --format <fmt>`` writes."""
    from newsweave.cli import _render

    return _render(briefs, fmt)


def _digest(text: str) -> str:
    return f"sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}/{len(text)}"


def _redact(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _redact(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key) for v in value]
    if isinstance(value, str) and key not in KEPT_KEYS:
        return _digest(value)
    return value


def golden_text(corpus: Corpus, fmt: str, rendered: str) -> str:
    """What the golden file of ``corpus`` in ``fmt`` holds for the output ``rendered``."""
    if not corpus.redact:
        return rendered
    if fmt == "json":
        data = _redact(json.loads(rendered))
    else:
        data = {"lines": [_digest(line) for line in rendered.split("\n")]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def outputs(corpus: Corpus) -> dict[str, str]:
    """The golden texts of ``corpus`` as the current code produces them, by format."""
    briefs = build(corpus)
    return {fmt: golden_text(corpus, fmt, render(briefs, fmt)) for fmt in FORMATS}
