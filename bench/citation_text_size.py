"""How much cited text costs in the brief's JSON, per citation or as one map per brief.

Usage: python bench/citation_text_size.py [PATH ...]   (default: ../shared/seeds/*.txt)

Prints, per story, the JSON size without cited text and what each way of carrying it adds:
``text`` on every citation (what the JSON does), a ``texts`` map of whole articles, and a map
of the distinct cited spans.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsweave.codec import brief_to_dict
from newsweave.pipeline import analyze_with_report


def _size(data: Any) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode())


def _citations(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if {"article_id", "start", "end"} <= set(node) else []
        return own + [c for v in node.values() for c in _citations(v)]
    if isinstance(node, list):
        return [c for v in node for c in _citations(v)]
    return []


def main(argv: list[str]) -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    paths = argv or sorted(str(p) for p in seeds.glob("*.txt"))
    briefs, _ = analyze_with_report(paths)
    for brief in briefs:
        bare = brief_to_dict(replace(brief, texts={}))
        with_text = brief_to_dict(brief)
        cites = _citations(with_text)
        spans = {(c["article_id"], c["start"], c["end"]): c["text"] for c in cites}
        whole = {a.article_id: brief.texts.get(a.article_id, "") for a in brief.articles}
        span_map = {f"{a}:{s}-{e}": t for (a, s, e), t in spans.items()}
        base = _size(bare)
        print(
            f"{brief.story_id}: {len(brief.articles)} articles, {len(cites)} citations "
            f"({len(spans)} distinct spans); JSON without cited text {base:,} B; "
            f"text per citation +{_size(with_text) - base:,} B; "
            f"texts map of whole articles +{_size({'texts': whole}):,} B; "
            f"map of cited spans +{_size({'texts': span_map}):,} B"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
