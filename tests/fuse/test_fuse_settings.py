"""The fuse stage's named thresholds (``fuse.copies``, ``fuse.entities``, ``fuse.quotes``,
``brief.max_quoted_share``, ``ingest.min_feed_summary``) reach the code that uses them: set
from the settings tree, each one changes what the stage makes of the example corpus, and a
value out of range is refused with its name.

The articles come from tests/golden/stored-v1.json (the example corpus as the store keeps it,
annotations included), so no model is loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES
from tests.support.golden import GOLDEN

from newsweave.brief.build import build_brief
from newsweave.codec import annotated_from_dict, embedding_from_b64
from newsweave.config import Settings, brief_settings_hash, load_settings, settings_to_toml
from newsweave.errors import OptionError
from newsweave.fuse import fuse
from newsweave.ingest.reader import read_path
from newsweave.model import AnnotatedArticle, IngestStatus, Story, StoryAnalysis


def _load() -> tuple[Story, list[AnnotatedArticle]]:
    fixture = json.loads((GOLDEN / "stored-v1.json").read_text(encoding="utf-8"))
    items = [
        annotated_from_dict(
            {"article": json.loads(r["article"]), **json.loads(r["annotations"])},
            embedding_from_b64(r["embedding"]),
        )
        for r in fixture["full"]
    ]
    briefs = [json.loads(b) for b in fixture["briefs"].values()]
    main = max(briefs, key=lambda b: len(b["articles"]))
    story = Story(main["story_id"], tuple(a["article_id"] for a in main["articles"]))
    return story, items


STORY, ITEMS = _load()


def _fuse(*overrides: str) -> StoryAnalysis:
    settings = load_settings(None, None, list(overrides), environ={})
    return fuse(STORY, ITEMS, settings.fuse)


@pytest.fixture(scope="module")
def default() -> StoryAnalysis:
    return fuse(STORY, ITEMS, Settings().fuse)


def test_quote_length_threshold(default: StoryAnalysis) -> None:
    words = sorted(len(q.text.split()) for q in default.quotes)
    cut = words[len(words) // 2] + 1  # more words than half of the quotes have
    longer = _fuse(f"fuse.quotes.min_words={cut}").quotes
    assert 0 < len(longer) < len(default.quotes)
    # Each kept rendering (and its variants) has at least that many words.
    assert all(len(q.text.split()) >= cut for q in longer)


def test_quote_wording_thresholds(default: StoryAnalysis) -> None:
    variants = sum(len(q.variants) for q in default.quotes)
    assert variants > 0, "the example corpus quotes one statement in several wordings"
    lenient = _fuse("fuse.quotes.same_words=60", "fuse.quotes.variant=60").quotes
    assert sum(len(q.variants) for q in lenient) < variants


def test_entity_list_limits(default: StoryAnalysis) -> None:
    assert len(default.entities) > 3
    few = _fuse("fuse.entities.max_entities=3", "fuse.entities.max_citations=1").entities
    assert len(few) == 3 and all(len(e.citations) == 1 for e in few)
    assert [e.name for e in few] == [e.name for e in default.entities[:3]]


def test_copy_thresholds(default: StoryAnalysis) -> None:
    copiers = {s.article_id for s in default.sources if s.copies}
    assert copiers, "the example corpus has reprinted wire copy"
    strict = _fuse(
        "fuse.copies.run=1000",
        "fuse.copies.run_share=1.0",
        "fuse.copies.min_run=1000",
        "fuse.copies.wire_wording=100",
        "fuse.copies.rewrite_share=1.0",
        "fuse.align.copy_ratio=100",
    )
    assert {s.article_id for s in strict.sources if s.copies} < copiers


def test_quoted_share_of_single_source_facts(default: StoryAnalysis) -> None:
    base = build_brief(default, Settings().brief)
    settings = load_settings(None, None, ["brief.max_quoted_share=0.0"], environ={})
    # No sentence has less than no quoted text: no single-source fact is left.
    none = build_brief(default, settings.brief)
    assert [f for f in base.facts if f.support.articles == 1]
    assert not [f for f in none.facts if f.support.articles == 1]


def test_feed_summary_length_threshold() -> None:
    feed = EXAMPLES / "feeds" / "harbour-news.xml"
    settings = Settings()
    default = read_path(feed, settings.ingest)
    assert [o.status for o in default].count(IngestStatus.REJECTED) == 1
    lenient = load_settings(
        None, None, ["ingest.min_feed_summary=50", "ingest.min_chars=50"], environ={}
    )
    assert all(o.status is IngestStatus.INGESTED for o in read_path(feed, lenient.ingest))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("fuse.quotes.variant=-1", "must be a finite number, 0 or more"),
        ("fuse.quotes.same_words=101", "fuse.quotes.same_words is a ratio in 0..100"),
        ("fuse.copies.run_share=1.5", "fuse.copies.run_share must be in 0..1"),
        ("fuse.copies.run=0", "fuse.copies.run must be 1 or more"),
        ("fuse.entities.spelling=120", "fuse.entities.spelling is a ratio in 0..100"),
        ("fuse.entities.max_citations=0", "fuse.entities.max_citations must be 1 or more"),
        ("brief.max_quoted_share=2", "brief.max_quoted_share is a share in 0..1"),
        ("ingest.navigation_share=0", "ingest.navigation_share is a share in 0..1"),
        ("fuse.quality.zero_at=0", "fuse.quality.zero_at must be above 0"),
        ("fuse.context.large_story_statements=41", "must be in 1..40"),
    ],
)
def test_out_of_range_values_are_refused_by_name(override: str, message: str) -> None:
    with pytest.raises(OptionError, match=message) as caught:
        load_settings(None, None, [override], environ={})
    assert "from --set" in str(caught.value)


def test_fixture_is_the_example_corpus() -> None:
    assert {i.article.path.split("/")[1] for i in ITEMS if i.article.path} <= {
        p.name for p in Path(EXAMPLES).iterdir()
    }


def test_new_sections_are_shown_and_key_the_brief_cache() -> None:
    shown = settings_to_toml(Settings())
    for section in ("[fuse.copies]", "[fuse.entities]", "[fuse.quotes]"):
        assert section in shown
    assert "max_quoted_share = 0.4" in shown and "min_feed_summary = 400" in shown
    base = brief_settings_hash(Settings())
    for override in ("fuse.quotes.min_words=5", "fuse.copies.run=12", "brief.max_summary_words=40"):
        changed = load_settings(None, None, [override], environ={})
        assert brief_settings_hash(changed) != base, override


def test_quality_scale(default: StoryAnalysis) -> None:
    flagged = {a: s for a, s in default.quality.items() if s < 1.0}
    assert flagged, "the example corpus has a garbled copy"
    # Twice the signals needed to reach 0: each flagged score moves halfway back towards 1.
    lenient = _fuse("fuse.quality.zero_at=4.0").quality
    for article_id, score in flagged.items():
        assert lenient[article_id] == pytest.approx(min(1.0, 1 - (1 - score) / 2), abs=1e-3)


def test_large_story_limits() -> None:
    # A story "large" from two articles on weighs only each article's first statement.
    few = _fuse("fuse.context.large_story=1", "fuse.context.large_story_statements=1")
    per_article: dict[str, int] = {}
    for group in few.facts:
        for member in group.members:
            per_article[member.span.article_id] = per_article.get(member.span.article_id, 0) + 1
    assert per_article and max(per_article.values()) == 1
