"""The brief's JSON shape as pydantic models: the schema of ``newsweave brief --format json``
(``newsweave schema`` prints it) and of the HTTP API's briefs (in its OpenAPI document).

The JSON itself is written by ``newsweave.codec``; the tests validate real briefs against these
models (``extra="forbid"``), so a field added to the codec and not here fails a test instead of
leaving the documentation behind.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BriefOut", "BriefsOut", "Citation", "CitedText", "brief_json_schema"]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(_Shape):
    """Characters ``[start, end)`` of an article's stored text, in Unicode code points."""

    article_id: str
    start: int = Field(description="Offset in Unicode code points into the article text.")
    end: int = Field(description="One past the last code point (exclusive).")
    text: str | None = Field(
        None, description="The cited words: article.text[start:end] (present in every brief)."
    )


class Support(_Shape):
    articles: int = Field(description="Articles that state it.")
    independent: int = Field(description="Of those, sources not copying another's wording.")


class CitedText(_Shape):
    text: str
    citations: list[Citation]
    support: Support | None = None


class FactOut(_Shape):
    text: str
    support: Support
    citations: list[Citation]


class EntityOut(_Shape):
    name: str
    type: str = Field(description="PERSON, ORG, GPE, NORP, LOC, FAC or EVENT.")
    kind: str = Field(description="The reader's word: person, organisation, place, group, event.")
    roles: list[str]
    mentions: int
    citations: list[Citation]


class QuoteOut(_Shape):
    speaker: str
    text: str
    cue: str | None
    citations: list[Citation]
    variants: list[CitedText] = Field(description="Other renderings of the same quotation.")
    note: str | None = Field(
        default=None,
        description="How the renderings differ when only in minor wording (no change of meaning).",
    )


class TimelineOut(_Shape):
    date: str = Field(description="ISO: 2025-10-30, 2025-05, 2025, 2025-W44 or a/b range.")
    precision: Literal["day", "week", "month", "year", "range"]
    event: str
    when: str = Field(description="The time expression as written in the cited text.")
    scheduled: bool
    support: Support
    citations: list[Citation]


class DiscrepancyOut(_Shape):
    topic: str
    kind: str = Field(description="figure, duration, date, quote wording, attribution, role, …")
    reason: str
    claims: list[CitedText] = Field(description="One entry per side, with its support.")
    confidence: float = Field(
        description="0..1: how sure the detector is that the sides really disagree; the brief "
        "shows only those above the threshold chosen for precision on labelled stories."
    )
    evidence: list[str] = Field(description="What the confidence rests on, in words.")


class ArticleRef(_Shape):
    article_id: str
    source: str | None
    title: str | None
    published: str | None = Field(description="ISO 8601 with offset, or null when unknown.")
    date_origin: Literal["header", "metadata", "text", "address", "inferred", "unknown"]
    url: str | None
    path: str | None = Field(description="Input file name; null for API submissions.")


class CopyOut(_Shape):
    from_article_id: str
    chars: int = Field(description="Characters of wording repeated from that article.")
    citations: list[Citation]


class QualityOut(_Shape):
    score: float = Field(description="0 (garbled) .. 1 (clean).")
    reasons: list[str]


class SourceOut(_Shape):
    article_id: str
    copies: list[CopyOut]
    first_reports: int = Field(description="Facts this article reported before any other.")
    quality: QualityOut


class CoverageRow(_Shape):
    fact: int = Field(description="Index into facts.")
    articles: list[bool] = Field(description="Per coverage.article_ids: does it report it.")
    copied_from: list[str | None] = Field(
        description="Per article: whose wording it repeats for this fact, null if its own."
    )


class CoverageOut(_Shape):
    article_ids: list[str]
    rows: list[CoverageRow]
    single_source: list[int] = Field(description="Facts only one article reports.")


class BriefOut(_Shape):
    """One story's brief: an element of ``briefs`` in ``newsweave brief --format json``."""

    story_id: str
    headline: str
    headline_article: str | None = Field(description="The article the headline comes from.")
    headline_citations: list[Citation] = Field(
        description="Where the headline is article text (empty when it is a title)."
    )
    summary: list[CitedText]
    facts: list[FactOut]
    entities: list[EntityOut]
    quotes: list[QuoteOut]
    timeline: list[TimelineOut]
    discrepancies: list[DiscrepancyOut]
    articles: list[ArticleRef]
    sources: list[SourceOut]
    coverage: CoverageOut
    offsets: str = Field(description="How citation offsets count (Unicode code points).")


class BriefsOut(_Shape):
    """What ``newsweave brief --format json`` prints: one brief per story."""

    briefs: list[BriefOut]


def brief_json_schema() -> dict[str, object]:
    """The JSON Schema of ``newsweave brief --format json`` (draft 2020-12, as pydantic writes)."""
    return BriefsOut.model_json_schema()
