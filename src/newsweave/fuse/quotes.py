"""Quotes across a story: grouped by speaker, each quotation once with all its renderings.

Renderings of one quotation (the same words, or one contained in the other) are merged into one
item citing every source. Exact repeats join the item's citations; renderings worded
differently are kept as variants (a variant that changes the meaning is also reported as a
discrepancy by :mod:`newsweave.fuse.discrepancies`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz

from newsweave.fuse.entities import NameResolver
from newsweave.fuse.quality import CLEAN
from newsweave.model import AnnotatedArticle, CitedText, Quote, QuoteItem

MIN_WORDS = 4
SAME_WORDS = 92.0  # ratio (0..100) above which two renderings are the same wording
VARIANT = 62.0  # ratio above which two renderings are one quotation


def same_quotation(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return fuzz.ratio(a, b) >= VARIANT or (
        min(len(a), len(b)) >= 30 and fuzz.partial_ratio(a, b) >= 90
    )


def merge_quotes(
    items: Sequence[AnnotatedArticle],
    resolver: NameResolver,
    quality: dict[str, float] | None = None,
) -> list[QuoteItem]:
    """Quotes by canonical speaker (most quoted first), each quotation once."""
    quality = quality or {}
    groups: list[tuple[str, list[Quote]]] = []
    for item in items:
        for quote in item.quotes:
            if len(quote.text.split()) < MIN_WORDS:
                continue
            speaker = resolver.canonical(quote.speaker) if quote.speaker else "unattributed"
            for name, members in groups:
                if name == speaker and any(same_quotation(m.text, quote.text) for m in members):
                    members.append(quote)
                    break
            else:
                groups.append((speaker, [quote]))
    out: list[tuple[str, QuoteItem]] = []
    for speaker, members in groups:
        # The main rendering: from the cleanest source, the fullest wording.
        main = max(
            members, key=lambda q: (quality.get(q.span.article_id, 1.0) >= CLEAN, len(q.text))
        )
        same = [q for q in members if fuzz.ratio(q.text.lower(), main.text.lower()) >= SAME_WORDS]
        variants: dict[str, list[Quote]] = defaultdict(list)
        for q in members:
            if q not in same:
                key = next(
                    (k for k in variants if fuzz.ratio(k.lower(), q.text.lower()) >= SAME_WORDS),
                    q.text,
                )
                variants[key].append(q)
        out.append(
            (
                speaker,
                QuoteItem(
                    speaker=speaker,
                    text=main.text,
                    cue=main.cue,
                    citations=tuple(dict.fromkeys([main.span] + [q.span for q in same])),
                    variants=tuple(
                        CitedText(text, tuple(q.span for q in qs)) for text, qs in variants.items()
                    ),
                ),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for speaker, _ in out:
        counts[speaker] += 1
    first = {s: n for n, s in enumerate(dict.fromkeys(s for s, _ in out))}
    out.sort(key=lambda pair: (pair[0] == "unattributed", -counts[pair[0]], first[pair[0]]))
    return [item for _, item in out]
