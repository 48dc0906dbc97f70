"""Quotes across a story: grouped by speaker, each quotation once with all its renderings.

Renderings of one quotation (the same words, or one contained in the other) are merged into one
item citing every source. Exact repeats join the item's citations; renderings worded
differently are kept as variants (a variant that changes the meaning is also reported as a
discrepancy by :mod:`newsweave.fuse.discrepancies`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsweave.errors import OptionError
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.quality import CLEAN
from newsweave.model import AnnotatedArticle, CitedText, Quote, QuoteItem


@dataclass(frozen=True, slots=True)
class QuoteOptions:
    """Args:
    min_words: quotations shorter than this many words are left out (a scare-quoted term).
    same_words: ratio (0..100) at which two renderings have the same wording (one citation).
    variant: ratio at which two renderings are one quotation (kept as a variant).
    contained_chars: a rendering at least this long...
    contained_ratio: ...whose partial ratio (0..100) with another reaches this is one quotation
        with it (one source quotes more of it).
    """

    min_words: int = 4
    same_words: float = 92.0
    variant: float = 62.0
    contained_chars: int = 30
    contained_ratio: float = 90.0

    def __post_init__(self) -> None:
        for name in ("same_words", "variant", "contained_ratio"):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise OptionError(f"fuse.quotes.{name} is a ratio in 0..100; got {value}")


def same_quotation(a: str, b: str, options: QuoteOptions | None = None) -> bool:
    opts = options or QuoteOptions()
    a, b = a.lower(), b.lower()
    return fuzz.ratio(a, b) >= opts.variant or (
        min(len(a), len(b)) >= opts.contained_chars
        and fuzz.partial_ratio(a, b) >= opts.contained_ratio
    )


def merge_quotes(
    items: Sequence[AnnotatedArticle],
    resolver: NameResolver,
    quality: dict[str, float] | None = None,
    options: QuoteOptions | None = None,
) -> list[QuoteItem]:
    """Quotes by canonical speaker (most quoted first), each quotation once."""
    opts = options or QuoteOptions()
    quality = quality or {}
    groups: list[tuple[str, list[Quote]]] = []
    for item in items:
        for quote in item.quotes:
            if len(quote.text.split()) < opts.min_words:
                continue
            speaker = resolver.canonical(quote.speaker) if quote.speaker else "unattributed"
            for name, members in groups:
                if name == speaker and any(
                    same_quotation(m.text, quote.text, opts) for m in members
                ):
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
        wording = main.text.lower()
        same = [q for q in members if fuzz.ratio(q.text.lower(), wording) >= opts.same_words]
        variants: dict[str, list[Quote]] = defaultdict(list)
        for q in members:
            if q not in same:
                key = next(
                    (
                        k
                        for k in variants
                        if fuzz.ratio(k.lower(), q.text.lower()) >= opts.same_words
                    ),
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
