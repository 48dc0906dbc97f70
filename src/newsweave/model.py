"""The typed core model: what flows between the pipeline stages.

Every annotation carries a :class:`Span` (``article_id, start, end`` character offsets into
``Article.text``); a citation is such a span. All dataclasses are frozen and slotted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsweave.brief.view import Coverage


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``[start, end)`` of one article's text; the unit of citation."""

    article_id: str
    start: int
    end: int

    def text(self, article_text: str) -> str:
        return article_text[self.start : self.end]


class DateOrigin(StrEnum):
    """Where an article's publication date came from."""

    HEADER = "header"  # a header line or a structured field of the input
    METADATA = "metadata"  # HTML/feed metadata
    TEXT = "text"  # estimated: a date line at the top of the text
    ADDRESS = "address"  # estimated: a day in the article's address (URL path)
    INFERRED = "inferred"  # from the story's other articles and the text's weekdays
    UNKNOWN = "unknown"

    @property
    def estimated(self) -> bool:
        """Whether a date of this origin is an estimate, not a statement of the input: the
        article shows it (address, top line) or its story implies it; a brief never states
        it as the publication date."""
        return self in (DateOrigin.TEXT, DateOrigin.ADDRESS, DateOrigin.INFERRED)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from its input, text cleaned of boilerplate.

    ``article_id`` is derived from ``content_hash`` so re-ingesting the same text is a no-op.
    ``published`` is timezone-aware or ``None`` (never silently "today").
    """

    article_id: str
    text: str
    content_hash: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    published: datetime | None = None
    date_origin: DateOrigin = DateOrigin.UNKNOWN
    language: str | None = None
    dateline: str | None = None
    input_format: str = "text"


class IngestStatus(StrEnum):
    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What became of one input item (a file, a JSONL line, a feed entry).

    ``where`` names the item a person can find again: ``path``, ``path:line 3``,
    ``feed.xml entry 2``.
    """

    where: str
    status: IngestStatus
    article: Article | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    annotation_errors: tuple[str, ...] = ()  # an ingested article stored with these failures


class Precision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"


class Tense(StrEnum):
    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression resolved against the publication date.

    ``start``/``end`` are inclusive calendar days: a day has ``start == end``; "in May" has
    month precision and covers the whole month (no invented day).
    """

    span: Span
    text: str
    start: date | None
    end: date | None
    precision: Precision
    tense: Tense
    # What resolving it against another date needs, without the parse
    # (:func:`newsweave.annotate.times.resolve_again`): the pattern that found it, the
    # characters of the match before ``span`` (a preposition "from Sunday's" drops), and
    # whether its clause is a present progressive ("is hosting ... from Sunday") and whether
    # it hangs from a simple-present verb ("The hearings continue on Monday": a schedule).
    rule: str = ""
    lead: int = 0
    progressive: bool = False
    scheduled: bool = False


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit and the phrase it measures ("100%" of "tariffs on Chinese goods")."""

    span: Span
    text: str
    value: float
    unit: str  # "percent", "USD", "count", "hours", ...
    qualifier: str | None  # "up to", "more than", "about", ...
    measure: str | None


@dataclass(frozen=True, slots=True)
class EntityMention:
    span: Span
    text: str
    label: str  # PERSON, ORG, GPE, NORP, LOC, EVENT, FAC
    canonical: str  # name after story-level normalisation ("XI" -> "Xi Jinping")
    role: str | None = None  # "US Treasury Secretary"


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: ``span`` covers the quoted words without the quote marks."""

    span: Span
    text: str
    speaker: str | None
    speaker_span: Span | None
    cue: str | None  # "said", "told reporters", "according to"
    cue_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    span: Span
    text: str


class Depth(StrEnum):
    """How far an article has been annotated.

    ``lead``: the cheap pass every article gets on the way in (named entities of the lead and
    the title + lead vector: what story assignment needs). ``full``: the deep pass, for
    articles of stories that are briefed (whole-text parse, sentences, quotes, quantities,
    time expressions, sentence vectors).
    """

    LEAD = "lead"
    FULL = "full"


def _no_sentence_vectors() -> np.ndarray:
    return np.zeros((0, 384), dtype=np.float16)


@dataclass(frozen=True, slots=True)
class AnnotatedArticle:
    """An article with its annotations.

    Attributes:
        embedding: unit vector of title and lead (float32), for story assignment.
        depth: which pass produced the annotations (see :class:`Depth`).
        sentence_vectors: unit vectors (float16) of the first ``len(sentence_vectors)``
            sentences, computed by the deep pass; fuse reads them and never embeds.
        lead_entities: after the deep pass of an article that had the cheap one, the entities
            the cheap pass found in the lead, so that forming stories again uses the same
            evidence as the first time (``None`` otherwise).
    """

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[EntityMention, ...]
    quotes: tuple[Quote, ...]
    quantities: tuple[Quantity, ...]
    times: tuple[TimeExpr, ...]
    embedding: np.ndarray = field(compare=False, repr=False)
    # One line per annotator that failed on this article ("quotes: KeyError: 'x'"); the
    # other annotations are kept. Empty when every annotator succeeded.
    errors: tuple[str, ...] = ()
    depth: Depth = Depth.FULL
    sentence_vectors: np.ndarray = field(
        default_factory=_no_sentence_vectors, compare=False, repr=False
    )
    lead_entities: tuple[EntityMention, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def article_id(self) -> str:
        return self.article.article_id


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that report one real-world event. ``story_id`` is stable across runs."""

    story_id: str
    article_ids: tuple[str, ...]


# --- the brief -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Support:
    articles: int
    independent: int


@dataclass(frozen=True, slots=True)
class CitedText:
    text: str
    citations: tuple[Span, ...]
    support: Support | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    support: Support
    citations: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class EntitySummary:
    name: str
    type: str
    roles: tuple[str, ...]
    mentions: int
    citations: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """One quotation as the story's sources render it: the clearest rendering in ``text``, the
    others in ``variants`` (each with its own citations). ``note`` says how the renderings
    differ when they differ only in minor wording (one quotation, not a discrepancy)."""

    speaker: str
    text: str
    cue: str | None
    citations: tuple[Span, ...]
    variants: tuple[CitedText, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str  # ISO: "2025-10-30", "2025-05", "2025", "2025-10-25/2025-10-26"
    precision: Precision
    event: str
    when: str  # the time expression as written in the cited text
    scheduled: bool  # lies after the publication date of the articles that state it
    support: Support
    citations: tuple[Span, ...]


class DiscrepancyKind(StrEnum):
    FIGURE = "figure"
    DATE = "date"
    DURATION = "duration"
    QUOTE = "quote wording"
    ATTRIBUTION = "attribution"
    ROLE = "role"
    STATUS = "status"
    LEADER = "leader"
    RECORD = "claim vs record"
    SHORTENED = "shortened quote"


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Independent sources disagree on one thing; each claim is one side, with its support.

    ``confidence`` (0..1) is how sure the detector is that this is a real disagreement about
    one thing, and ``evidence`` the observations it rests on (same speaker, aligned words…).
    """

    topic: str
    kind: str
    reason: str
    claims: tuple[CitedText, ...]
    confidence: float = 1.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quality:
    """Text quality of an article, 0 (garbled) .. 1 (clean), with the signals that lowered it."""

    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyRef:
    """This article repeats ``chars`` characters of wording first published by another."""

    from_article_id: str
    chars: int
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSignal:
    """Per-article signals: what it copied, how many facts it reported first, its quality."""

    article_id: str
    copies: tuple[CopyRef, ...]
    first_reports: int
    quality: Quality


@dataclass(frozen=True, slots=True)
class SourceRef:
    article_id: str
    source: str | None
    title: str | None
    published: datetime | None
    date_origin: DateOrigin
    url: str | None
    path: str | None


@dataclass(frozen=True, slots=True, repr=False)
class Brief:
    """One story's cited account; ``to_dict``/``to_json`` give the stable JSON schema of
    ``newsweave brief --format json``, ``to_markdown``/``to_html`` its renderings."""

    story_id: str
    headline: str
    summary: tuple[CitedText, ...]
    facts: tuple[Fact, ...]
    entities: tuple[EntitySummary, ...]
    quotes: tuple[QuoteItem, ...]
    timeline: tuple[TimelineEntry, ...]
    discrepancies: tuple[Discrepancy, ...]
    articles: tuple[SourceRef, ...]
    sources: tuple[SourceSignal, ...] = ()
    headline_article: str | None = None
    """The article whose title (or, with ``headline_citations``, whose text) the headline is."""
    headline_citations: tuple[Span, ...] = ()
    texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Article texts by id, so renderers can show the cited sentences."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (strings, numbers, lists, dicts; dates as ISO 8601 strings)."""
        from newsweave.codec import brief_to_dict

        return brief_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The brief as JSON text, non-ASCII characters kept as they are."""
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_markdown(self, *, width: int | None = 80) -> str:
        """Markdown for a terminal or a file (``newsweave brief --format md``)."""
        from newsweave.brief.render_md import render_markdown

        return render_markdown([self], width=width)

    def to_html(self) -> str:
        """A self-contained HTML page (``newsweave brief --format html``)."""
        from newsweave.brief.render_html import render_html

        return render_html([self], title=self.headline or "newsweave brief")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Brief:
        """The inverse of :meth:`to_dict` (without ``texts``); raises InputError if malformed."""
        from newsweave.codec import brief_from_dict

        return brief_from_dict(data)

    @property
    def coverage(self) -> Coverage:
        """Which source reports which key fact, copies marked (the JSON ``coverage``)."""
        from newsweave.brief.view import coverage

        return coverage(self)

    def __repr__(self) -> str:
        headline = self.headline if len(self.headline) <= 60 else self.headline[:59] + "…"
        outlets = len({a.source or a.article_id for a in self.articles})
        return (
            f"<Brief {self.story_id} {headline!r}: {len(self.articles)} articles from "
            f"{outlets} outlets, {len(self.facts)} facts, {len(self.quotes)} quotes, "
            f"{len(self.timeline)} timeline entries, {len(self.discrepancies)} discrepancies>"
        )


# --- the fuse stage's result -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactGroup:
    """One statement as told by several articles: the member sentences and who supports it."""

    members: tuple[Sentence, ...]
    representative: Sentence
    support: Support
    score: float
    centrality: float = 0.0  # closeness to what the whole story is about, 0..1


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Everything the brief is built from, for one story."""

    story: Story
    items: tuple[AnnotatedArticle, ...]
    facts: tuple[FactGroup, ...]
    entities: tuple[EntitySummary, ...]
    quotes: tuple[QuoteItem, ...]
    timeline: tuple[TimelineEntry, ...]
    discrepancies: tuple[Discrepancy, ...] = ()
    sources: tuple[SourceSignal, ...] = ()
    quality: dict[str, float] = field(default_factory=dict, compare=False)
    """Text-quality score per article id, 0 (garbled) .. 1 (clean)."""
    summary: tuple[CitedText, ...] = ()
    """Summary sentences that together cover the story's central facts, newest first."""
