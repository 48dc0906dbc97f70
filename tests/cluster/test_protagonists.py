"""Protagonists: two similar events told apart by whom they are about, on real reports.

ECB+ topic 28 holds two deaths of Watergate figures years apart: W. Mark Felt ("Deep Throat",
the "ecb" documents) and Fred LaRue (the "ecbplus" ones). They share the scandal, Nixon,
Woodward, Bernstein and the Washington Post; without protagonists they form one story.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import shared_path

from newsweave.cluster import ClusterOptions, cluster_online, participants
from newsweave.cluster.evidence import PROTAGONIST, marked, protagonists_apart
from newsweave.model import Story
from newsweave.pipeline import PipelineOptions, annotate_articles, read_articles

TOPIC = 28


def _detokenized(sentences: list[str]) -> str:
    text = "\n".join(sentences).replace("``", '"').replace("''", '"')
    for mark in (" ,", " .", " ;", " :", " 's", " n't", " )", " ?", " !"):
        text = text.replace(mark, mark[1:])
    return text


@pytest.fixture(scope="module")
def topic(nlp, embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The topic's documents read as JSONL records (a first sentence that is a URL as the
    url) and annotated by the real cheap pass; with the event of each article id."""
    source = shared_path("data", "ecbplus", "documents.jsonl")
    records: list[dict[str, str]] = []
    events: list[str] = []
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["topic"] != TOPIC:
                continue
            sentences = [s["text"] for s in doc["sentences"]]
            record = {}
            if sentences and sentences[0].replace(" ", "").startswith("http"):
                record["url"] = sentences.pop(0).replace(" ", "")
            record["text"] = _detokenized(sentences)[:4000]
            records.append(record)
            events.append(doc["subtopic"])
    folder: Path = tmp_path_factory.mktemp("ecb28")
    path = folder / "topic.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    opts = PipelineOptions()
    articles, _ = read_articles([str(path)], opts)
    assert len(articles) == len(records)
    event_of = {a.article_id: e for a, e in zip(articles, events, strict=True)}
    return annotate_articles(articles, opts), event_of


def _events(stories: list[Story], event_of: dict[str, str]) -> list[Counter[str]]:
    return [Counter(event_of[a] for a in s.article_ids) for s in stories]


def test_whom_each_report_is_about(topic) -> None:  # type: ignore[no-untyped-def]
    items, event_of = topic
    about: dict[str, Counter[str]] = {"ecb": Counter(), "ecbplus": Counter()}
    for item in items:
        for key in participants(item):
            if key.startswith(PROTAGONIST):
                about[event_of[item.article_id]][key] += 1
    assert about["ecb"].most_common(1)[0][0] == "!felt"
    assert about["ecbplus"].most_common(1)[0][0] == "!larue"
    assert "!larue" not in about["ecb"] and "!felt" not in about["ecbplus"]


def test_the_two_deaths_are_two_stories(topic) -> None:  # type: ignore[no-untyped-def]
    items, event_of = topic
    stories = cluster_online(items)
    assert sorted(map(dict, _events(stories, event_of)), key=str) == [
        {"ecb": 13},
        {"ecbplus": 12},
    ]


def test_without_protagonists_they_merge(topic) -> None:  # type: ignore[no-untyped-def]
    """The evidence before protagonists: what the test above guards against."""
    items, event_of = topic
    stories = cluster_online(items, ClusterOptions(protagonist_mentions=0))
    assert any(len(events) == 2 for events in _events(stories, event_of))


def test_protagonists_apart_needs_both_sides_to_have_one() -> None:
    assert protagonists_apart({"!felt", "@nixon"}, {"!larue", "@nixon"})
    assert not protagonists_apart({"!felt"}, {"!larue", "!felt"})
    assert not protagonists_apart({"@nixon"}, {"!larue"})
    assert not protagonists_apart({"!felt"}, marked({"nixon": 1.0, "#2004": 0.6}))
