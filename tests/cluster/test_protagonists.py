"""Protagonists: two similar events told apart by whom they are about, on real reports.

ECB+ topic 28 holds two deaths of Watergate figures years apart: W. Mark Felt ("Deep Throat",
the "ecb" documents) and Fred LaRue (the "ecbplus" ones). They share the scandal, Nixon,
Woodward, Bernstein and the Washington Post; without protagonists they form one story.
"""

from __future__ import annotations

from collections import Counter

import pytest
from tests.cluster.ecbtopic import read_topic

from newsweave.cluster import ClusterOptions, cluster_online, participants
from newsweave.cluster.evidence import PROTAGONIST, marked, protagonists_apart
from newsweave.model import Story

TOPIC = 28


@pytest.fixture(scope="module")
def topic(nlp, embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The topic's documents annotated by the real cheap pass; the event of each id."""
    return read_topic(TOPIC, tmp_path_factory.mktemp("ecb28"))


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
