"""The stories of a set of articles do not hang on the order or grouping they arrive in.

The examples (a fictional port strike, dated March 2026, one report undated) and the reference
case (five reports of October 2025, four undated) together: read once, annotated once, then
clustered in memory in shuffled orders and ingested into stores in one run, in two runs either
way round, and article by article.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, shared_path

from newsweave.cluster import arrival_order, cluster_online
from newsweave.model import AnnotatedArticle, Story
from newsweave.pipeline import PipelineOptions, annotate_articles, assign_stories, read_articles
from newsweave.store import SQLiteStore


def groups(stories: Sequence[Story]) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in stories}


@pytest.fixture(scope="module")
def corpus(nlp, embedder) -> tuple[list[AnnotatedArticle], list[AnnotatedArticle]]:  # type: ignore[no-untyped-def]
    opts = PipelineOptions()
    examples, _ = read_articles([str(EXAMPLES)], opts)
    seeds, _ = read_articles([str(shared_path("seeds"))], opts)
    return annotate_articles(examples, opts), annotate_articles(seeds, opts)


def stored_groups(tmp: Path, runs: Sequence[Sequence[AnnotatedArticle]]) -> set[frozenset[str]]:
    with SQLiteStore(tmp / "s.db") as store:
        for run in runs:
            for item in run:
                store.add(item)
            assign_stories(store, run)
        return groups(store.stories())


def test_the_reference_case_stays_one_story_beside_the_examples(
    corpus: tuple[list[AnnotatedArticle], list[AnnotatedArticle]],
) -> None:
    examples, seeds = corpus
    found = groups(cluster_online([*examples, *seeds]))
    assert frozenset(i.article_id for i in seeds) in found
    assert groups(cluster_online(seeds)) == {frozenset(i.article_id for i in seeds)}
    # The examples form the stories they form alone.
    assert found - {frozenset(i.article_id for i in seeds)} == groups(cluster_online(examples))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_input_order_gives_the_same_stories(
    corpus: tuple[list[AnnotatedArticle], list[AnnotatedArticle]], seed: int
) -> None:
    examples, seeds = corpus
    items = [*examples, *seeds]
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    assert arrival_order(shuffled) == arrival_order(items)
    assert groups(cluster_online(shuffled)) == groups(cluster_online(items))


@pytest.mark.parametrize("grouping", ["one run", "examples first", "seeds first", "one by one"])
def test_any_grouping_into_runs_gives_the_same_stories(
    corpus: tuple[list[AnnotatedArticle], list[AnnotatedArticle]],
    grouping: str,
    tmp_path: Path,
) -> None:
    examples, seeds = corpus
    items = [*examples, *seeds]
    runs = {
        "one run": [items],
        "examples first": [examples, seeds],
        "seeds first": [seeds, examples],
        "one by one": [[i] for i in arrival_order(items)],
    }[grouping]
    assert stored_groups(tmp_path, runs) == groups(cluster_online(items))
