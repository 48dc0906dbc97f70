"""Quotes across a story: grouped by speaker, the same quotation from several outlets merged."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from newsweave.fuse.entities import NameResolver
from newsweave.model import AnnotatedArticle, QuoteItem, Span

MERGE_RATIO = 85.0
MIN_WORDS = 4


def merge_quotes(items: Sequence[AnnotatedArticle], resolver: NameResolver) -> list[QuoteItem]:
    """Quotes by canonical speaker (most quoted first), each quotation once with every citation.

    A quotation found in several articles (ratio of their wording >= 85) is one item citing
    all of them; the cleanest article's rendering is shown.
    """
    merged: list[tuple[str, str, str | None, list[Span]]] = []
    for item in items:
        for quote in item.quotes:
            if len(quote.text.split()) < MIN_WORDS:
                continue
            speaker = resolver.canonical(quote.speaker) if quote.speaker else "unattributed"
            for entry in merged:
                if (
                    entry[0] == speaker
                    and fuzz.ratio(entry[1].lower(), quote.text.lower()) >= MERGE_RATIO
                ):
                    entry[3].append(quote.span)
                    break
            else:
                merged.append((speaker, quote.text, quote.cue, [quote.span]))
    counts: dict[str, int] = {}
    for speaker, *_ in merged:
        counts[speaker] = counts.get(speaker, 0) + 1
    order = {s: n for n, s in enumerate(dict.fromkeys(m[0] for m in merged))}
    merged.sort(key=lambda m: (m[0] == "unattributed", -counts[m[0]], order[m[0]]))
    return [
        QuoteItem(speaker=s, text=t, cue=c, citations=tuple(spans)) for s, t, c, spans in merged
    ]
