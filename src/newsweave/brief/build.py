"""StoryAnalysis -> Brief.

Every sentence the brief states is a sentence of a cited article, verbatim: the brief never
writes a figure, date or quote of its own. The summary takes the best-supported facts, one
sentence per fact, skipping a fact that repeats one already chosen, unless the fuse stage
chose the summary (:mod:`newsweave.fuse.summary`). The headline is
:func:`newsweave.brief.headline.choose_headline` of the story's articles.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsweave.annotate.sentences import quoted_share
from newsweave.brief.headline import choose_headline
from newsweave.errors import OptionError
from newsweave.fuse.align import self_contained, similarity
from newsweave.fuse.quality import CLEAN
from newsweave.model import (
    Brief,
    CitedText,
    Fact,
    FactGroup,
    Sentence,
    SourceRef,
    Span,
    StoryAnalysis,
)


@dataclass(frozen=True, slots=True)
class BriefOptions:
    """Args:
    min_summary / max_summary: number of summary sentences (3..8 when the story allows).
    max_facts: key facts supported by two or more articles.
    max_single_source: facts only one article reports, listed after them.
    redundancy: TF-IDF cosine above which a candidate repeats a chosen summary sentence.
    max_quoted_share: a sentence with this share of its characters in quotation marks or more
        is no key fact of one source, nor summary (quotations belong to the quotes section).
    max_summary_words: longer sentences are not summary sentences (when the fuse stage chose
        no summary).
    """

    min_summary: int = 3
    max_summary: int = 8
    max_facts: int = 12
    max_single_source: int = 6
    redundancy: float = 0.30
    max_quoted_share: float = 0.4
    max_summary_words: int = 60

    def __post_init__(self) -> None:
        if not 0.0 <= self.max_quoted_share <= 1.0:
            raise OptionError(
                f"brief.max_quoted_share is a share in 0..1; got {self.max_quoted_share}"
            )


def build_brief(analysis: StoryAnalysis, options: BriefOptions | None = None) -> Brief:
    opts = options or BriefOptions()
    items = analysis.items
    quality = analysis.quality
    # The fuse stage picks the summary where the sentence vectors are; an analysis made
    # without one (older callers) falls back to the ranked facts.
    summary = list(analysis.summary) or _summary(list(analysis.facts), quality, opts)
    shared = [g for g in analysis.facts if g.support.articles >= 2][: opts.max_facts]
    # What only one source reports matters too: the lead statements of single sources.
    single = [
        g
        for g in analysis.facts
        if g.support.articles == 1
        and analysis.quality.get(g.representative.span.article_id, 1.0) >= CLEAN
        and quoted_share(g.representative) < opts.max_quoted_share
        and self_contained(g.representative)
    ][: opts.max_single_source]
    facts = [
        Fact(text=g.representative.text, support=g.support, citations=_citations(g))
        for g in shared + single
    ]
    articles = tuple(
        SourceRef(
            article_id=i.article_id,
            source=i.article.source,
            title=i.article.title,
            published=i.article.published,
            date_origin=i.article.date_origin,
            url=i.article.url,
            path=i.article.path,
        )
        for i in items
    )
    headline = choose_headline(items)
    return Brief(
        story_id=analysis.story.story_id,
        headline=headline.text,
        headline_article=headline.article_id,
        headline_citations=(headline.span,) if headline.span else (),
        summary=tuple(summary),
        facts=tuple(facts),
        entities=analysis.entities,
        quotes=analysis.quotes,
        timeline=analysis.timeline,
        discrepancies=analysis.discrepancies,
        articles=articles,
        sources=analysis.sources,
        texts={i.article_id: i.article.text for i in items},
    )


def _citations(group: FactGroup) -> tuple[Span, ...]:
    rep = group.representative.span
    return (rep, *[m.span for m in group.members if m.span != rep])


def _summary(
    groups: list[FactGroup], quality: dict[str, float], opts: BriefOptions
) -> list[CitedText]:
    """Pick facts in score order, skipping repeats and low-quality singletons."""
    # Quotations belong to the quotes section; the summary states what happened.
    candidates = [
        g
        for g in groups
        if len(g.representative.text.split()) <= opts.max_summary_words
        and quoted_share(g.representative) < opts.max_quoted_share
        and self_contained(g.representative)
    ]
    reps: list[Sentence] = [g.representative for g in candidates]
    sim = similarity(reps) if reps else None
    chosen: list[int] = []
    for index, group in enumerate(candidates):
        if len(chosen) >= opts.max_summary:
            break
        if group.support.articles < 2 and len(chosen) >= opts.min_summary:
            continue
        if (
            quality.get(group.representative.span.article_id, 1.0) < CLEAN
            and group.support.articles < 2
        ):
            continue
        if sim is not None and any(sim[index, c] > opts.redundancy for c in chosen):
            continue
        chosen.append(index)
    # The sentence closest to what the whole story is about comes first.
    chosen.sort(key=lambda c: -candidates[c].centrality)
    return [
        CitedText(text=candidates[c].representative.text, citations=_citations(candidates[c]))
        for c in chosen
    ]
