"""The fuse stage: a story's articles -> StoryAnalysis (facts, entities, quotes, timeline)."""

from __future__ import annotations

from collections.abc import Sequence

from newsweave.fuse.align import AlignOptions, align_facts
from newsweave.fuse.dates import infer_dates
from newsweave.fuse.entities import normalise_entities, summarise_entities
from newsweave.fuse.quality import assess_story
from newsweave.fuse.quotes import merge_quotes
from newsweave.fuse.timeline import TimelineOptions, build_timeline
from newsweave.model import AnnotatedArticle, Story, StoryAnalysis

__all__ = ["AlignOptions", "TimelineOptions", "fuse"]


def fuse(story: Story, items: Sequence[AnnotatedArticle]) -> StoryAnalysis:
    """Analyse one story.

    Args:
        story: the story (its ``article_ids`` decide the order of ``items``).
        items: the story's annotated articles.

    Returns:
        The StoryAnalysis the brief is built from; ``items`` in it carry inferred
        publication dates and story-wide entity names.
    """
    by_id = {i.article_id: i for i in items}
    ordered = [by_id[a] for a in story.article_ids if a in by_id]
    dated = infer_dates(ordered)
    normalised, resolver = normalise_entities(dated)
    reports = assess_story(normalised)
    quality = {aid: r.score for aid, r in reports.items()}
    return StoryAnalysis(
        story=story,
        items=tuple(normalised),
        facts=tuple(align_facts(normalised, quality)),
        entities=tuple(summarise_entities(normalised, resolver)),
        quotes=tuple(merge_quotes(normalised, resolver)),
        timeline=tuple(build_timeline(normalised, quality)),
        quality=quality,
    )
