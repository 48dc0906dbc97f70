"""Quotes across a story: grouped by speaker, each quotation once with all its renderings.

Renderings of one quotation (the same words, or one contained in the other) are merged into one
item citing every source. Exact repeats join the item's citations; renderings worded
differently are kept as variants (a variant that changes the meaning is also reported as a
discrepancy by :mod:`newsweave.fuse.discrepancies`). When every variant lines up with the main
rendering except for minor wording (:mod:`newsweave.fuse.quote_align`: no negation, tense or
number changed), the item carries a note saying so: one quotation, worded slightly
differently by its sources, not a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsweave.errors import OptionError
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.quality import CLEAN
from newsweave.fuse.quote_align import align, meaning_change
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
    minor_wording: share (0..1) of the shorter rendering's content words aligned in order
        with the main rendering, no meaning changed, for a variant to be minor wording (the
        item gets a note).
    """

    min_words: int = 4
    same_words: float = 92.0
    variant: float = 62.0
    contained_chars: int = 30
    contained_ratio: float = 90.0
    minor_wording: float = 0.8

    def __post_init__(self) -> None:
        for name in ("same_words", "variant", "contained_ratio"):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise OptionError(f"fuse.quotes.{name} is a ratio in 0..100; got {value}")
        if not 0.0 <= self.minor_wording <= 1.0:
            raise OptionError(
                f"fuse.quotes.minor_wording is a share in 0..1; got {self.minor_wording}"
            )


def same_quotation(a: str, b: str, options: QuoteOptions | None = None) -> bool:
    opts = options or QuoteOptions()
    a, b = a.lower(), b.lower()
    return fuzz.ratio(a, b) >= opts.variant or (
        min(len(a), len(b)) >= opts.contained_chars
        and fuzz.partial_ratio(a, b) >= opts.contained_ratio
    )


def minor_wording_note(main: str, variants: Sequence[str], share: float = 0.8) -> str | None:
    """A note when every variant is ``main`` in slightly other words (at least ``share`` of the
    shorter one's content words aligned in order, no change of meaning), else None.

    Example:
        >>> minor_wording_note("We will not stop until every miner is out",
        ...                    ["We won't stop until every single miner is out"])
        'sources word this quotation slightly differently (2 renderings); no change of meaning'
    """
    if not variants:
        return None
    for text in variants:
        al = align(main, text)
        if al is None or al.share < share or meaning_change(al):
            return None
    return (
        f"sources word this quotation slightly differently ({len(variants) + 1} renderings); "
        "no change of meaning"
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
    of_speaker: dict[str, list[list[Quote]]] = defaultdict(list)  # groups by speaker, in order
    for item in items:
        for quote in item.quotes:
            if len(quote.text.split()) < opts.min_words:
                continue
            speaker = resolver.canonical(quote.speaker) if quote.speaker else "unattributed"
            for members in of_speaker[speaker]:
                if any(same_quotation(m.text, quote.text, opts) for m in members):
                    members.append(quote)
                    break
            else:
                groups.append((speaker, [quote]))
                of_speaker[speaker].append(groups[-1][1])
    out: list[tuple[str, QuoteItem]] = []
    for speaker, members in groups:
        # The main rendering: from the cleanest source, the fullest wording.
        main = max(
            members, key=lambda q: (quality.get(q.span.article_id, 1.0) >= CLEAN, len(q.text))
        )
        wording = main.text.lower()
        same = [q for q in members if fuzz.ratio(q.text.lower(), wording) >= opts.same_words]
        in_same = set(same)  # (a test of the list per member is quadratic in a large group)
        variants: dict[str, list[Quote]] = defaultdict(list)
        for q in members:
            if q not in in_same:
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
                    note=minor_wording_note(main.text, list(variants), opts.minor_wording),
                ),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for speaker, _ in out:
        counts[speaker] += 1
    first = {s: n for n, s in enumerate(dict.fromkeys(s for s, _ in out))}
    out.sort(key=lambda pair: (pair[0] == "unattributed", -counts[pair[0]], first[pair[0]]))
    return [item for _, item in out]
