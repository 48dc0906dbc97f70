"""Fuse work grows near-linearly with a story: counted, not timed.

A story of N real articles (Timeline17, H1N1) and one of 2N: the Python function calls a
stage makes are counted (deterministic, unlike wall-clock time on a shared machine) and
their ratio must stay below what a pairwise scan of the mentions gave. Before names were looked up
by their first word and resolved once per written form, the name stage's calls grew about
x4 per doubling of the story (x5.8 from 10 to 20 articles).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.conftest import shared_path
from tests.support.calls import count_calls, count_lines

from newsweave.annotate.pipeline import annotate_doc
from newsweave.fuse.context import StoryContext, build_context
from newsweave.fuse.dates import infer_dates
from newsweave.fuse.entities import NameResolver, normalise_entities, summarise_entities
from newsweave.fuse.independence import CopyGraph, build_copy_graph
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, DateOrigin

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[2]
SMALL = 10  # articles; the larger story has twice as many
MAX_RATIO = 4.0  # per doubling; was 5.8 from 10 to 20 articles, now about 3.3


def _detokenize() -> Callable[[Sequence[str]], tuple[str, list[tuple[int, int]]]]:
    """bench/_common.detokenize: Timeline17's tokens joined as running text (its quotation
    marks as printed, so that the quotations are read)."""
    spec = importlib.util.spec_from_file_location("_bench_common", ROOT / "bench" / "_common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.detokenize  # type: ignore[no-any-return]


def _articles(nlp: Language, count: int, as_written: bool = False) -> list[AnnotatedArticle]:
    path = shared_path("data", "timeline17", "articles.jsonl")
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("topic") == "H1N1" and len(record.get("text", "").split()) >= 150:
                records.append(record)
            if len(records) == count:
                break
    out = []
    detokenize = _detokenize() if as_written else None
    for record in records:
        text = record["text"]
        if detokenize is not None:
            text = "\n".join(detokenize(line.split())[0] for line in text.split("\n") if line)
        article = make_article(
            text,
            source=record.get("source"),
            published=datetime.fromisoformat(record["date"]).replace(tzinfo=UTC),
            date_origin=DateOrigin.HEADER,
        )
        out.append(annotate_doc(nlp(article.text), article))
    return out


def _names(items: list[AnnotatedArticle]) -> None:
    normalised, resolver = normalise_entities(infer_dates(items))
    summarise_entities(normalised, resolver)


@pytest.fixture(scope="module")
def story(nlp: Language) -> list[AnnotatedArticle]:
    return _articles(nlp, 2 * SMALL)


def test_story_names_near_linear(story: list[AnnotatedArticle]) -> None:
    assert len(story) == 2 * SMALL, "Timeline17 H1N1 has fewer articles than expected"
    # The resolver still compares the story's distinct full names pairwise (few per story);
    # what is counted is the work per mention: finding, resolving and listing names.
    skip = NameResolver.__init__.__code__
    small = count_calls(lambda: _names(story[:SMALL]), skip)
    large = count_calls(lambda: _names(story), skip)
    print(f"name-stage calls: {small:,} for {SMALL} articles, {large:,} for {2 * SMALL}")
    assert large / small <= MAX_RATIO, (small, large)


_VARIANTS = [
    "Dick Durbin",
    "Richard Durbin",
    "Richard J. Durbin",
    "Muammar Gaddafi",
    "Moammar Gadhafi",
    "Joan Smith",
    "John Smith",
    "Lindsay Lohan Checks Into Rehab",
    "Lindsay Lohan",
    "Martin Luther King Jr",
    "Martin Luther King",
    "Bill Clinton",
    "William Clinton",
]


def test_the_first_same_person_is_found_among_candidates(story: list[AnnotatedArticle]) -> None:
    """The resolver's index finds, for each name, the person a scan of every earlier person
    in order finds (the rules of ``_same_person``), with a fraction of the comparisons."""
    from newsweave.fuse import entities

    names = NameResolver(story).full_names_ + _VARIANTS
    opts = entities.EntityOptions()
    calls = 0
    real = entities._same_person

    def counted(a: str, b: str, o: entities.EntityOptions) -> bool:
        nonlocal calls
        calls += 1
        return real(a, b, o)

    people = entities._People(opts)
    scan: list[str] = []
    found, expected, scanned = [], [], 0
    for name in names:
        entities._same_person = counted  # type: ignore[assignment]
        try:
            found.append(people.first_same(name))
        finally:
            entities._same_person = real
        first = None
        for r in scan:
            scanned += 1
            if real(r, name, opts):
                first = r
                break
        expected.append(first)
        if first is None:
            scan.append(name)
        if found[-1] is None:
            people.add(name)
    assert found == expected
    assert expected[names.index("Richard Durbin")] == "Dick Durbin"
    assert expected[names.index("Moammar Gadhafi")] == "Muammar Gaddafi"
    assert expected[names.index("John Smith")] is None  # "Joan" is not "John"
    print(f"{len(names)} names: {calls} comparisons, {scanned} by a scan")
    assert calls * 3 < scanned


@pytest.fixture(scope="module")
def quoted_story(nlp: Language) -> list[AnnotatedArticle]:
    return _articles(nlp, 2 * SMALL, as_written=True)


def _quote_inputs(
    items: list[AnnotatedArticle],
) -> tuple[StoryContext, CopyGraph, NameResolver]:
    normalised, resolver = normalise_entities(infer_dates(items))
    ctx = build_context(normalised, embed=False)
    return ctx, build_copy_graph(ctx), resolver


def test_quotations_are_compared_through_the_words_they_share(
    quoted_story: list[AnnotatedArticle],
) -> None:
    """The renderings compared are those an all-pairs scan lets through its vocabulary filter
    (two articles, a shared share of the smaller vocabulary), in its order; the step's own
    work per rendering stays flat as the story grows (a test of every pair: x2.85 per
    rendering from 24 to 80 renderings, now x0.96)."""
    from newsweave.fuse.discrepancies import quoted
    from newsweave.fuse.quote_align import vocabulary
    from newsweave.fuse.speakers import Voices

    story = quoted_story
    ctx, _, resolver = _quote_inputs(story)
    rs = quoted._renderings(ctx, Voices(ctx.items, resolver))
    bags = [vocabulary(r.quote.text) for r in rs]
    every = [
        (i, j)
        for i in range(len(rs))
        for j in range(i + 1, len(rs))
        if rs[i].quote.span.article_id != rs[j].quote.span.article_id
        and bags[i]
        and bags[j]  # (a rendering with no content word aligns with none)
        and len(bags[i] & bags[j]) >= quoted.VARIANT_SHARE * min(len(bags[i]), len(bags[j]))
    ]
    assert quoted._candidates(rs, bags) == every
    assert len(rs) > 40, len(rs)

    # Lines of the quotation step's own code (the pair loop and the candidates), per rendering.
    counted = []
    for items in (story[:SMALL], story):
        inputs = _quote_inputs(items)
        renderings = len(quoted._renderings(inputs[0], Voices(inputs[0].items, inputs[2])))
        lines = count_lines(partial(quoted.quote_discrepancies, *inputs), quoted.__file__)
        counted.append((renderings, lines))
    (r_small, small), (r_large, large) = counted
    print(f"quotation-step lines: {small:,} for {r_small} renderings, {large:,} for {r_large}")
    assert r_large > 2 * r_small
    assert (large / r_large) / (small / r_small) < 1.5, counted


def test_merging_quotations_looks_only_at_the_speakers_own_groups(
    quoted_story: list[AnnotatedArticle],
) -> None:
    """Each quotation is matched against the groups of its own speaker, not a scan of every
    group of the story, and a group's members are told from its main rendering's copies
    through a set: the merge step's own lines per quotation grew x2.01 from 24 to 80
    quotations (10 to 20 articles) with a scan of every group, now x1.26 (what is left: a
    much-quoted speaker's own groups, each compared by wording)."""
    from newsweave.fuse import quotes

    counted = []
    for items in (quoted_story[:SMALL], quoted_story):
        normalised, resolver = normalise_entities(infer_dates(items))
        shortest = quotes.QuoteOptions().min_words
        n = sum(len(q.text.split()) >= shortest for i in items for q in i.quotes)
        lines = count_lines(partial(quotes.merge_quotes, normalised, resolver), quotes.__file__)
        counted.append((n, lines))
    (q_small, small), (q_large, large) = counted
    print(f"merge lines: {small:,} for {q_small} quotations, {large:,} for {q_large}")
    assert q_large > 2 * q_small
    assert (large / q_large) / (small / q_small) < 1.5, counted
