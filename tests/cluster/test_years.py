"""Years: two similar events told apart by the year a report is of, on real reports.

ECB+ topic 7 holds two heavyweight title defences of Wladimir Klitschko: against Hasim
Rahman (the "ecb" documents) and against Tony Thompson years later (the "ecbplus" ones).
Klitschko is central to both, the sport, the belts and the venues' words are shared; what
differs is the year a report names when it names one only.
"""

from __future__ import annotations

from collections import Counter

import pytest
from tests.cluster.ecbtopic import read_topic

from newsweave.cluster import ClusterOptions, cluster_online, participants
from newsweave.cluster.evidence import YEAR, agreement, mark_shares, marked, years_apart
from newsweave.model import Story

TOPIC = 7


@pytest.fixture(scope="module")
def topic(nlp, embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return read_topic(TOPIC, tmp_path_factory.mktemp("ecb7"))


def _events(stories: list[Story], event_of: dict[str, str]) -> list[Counter[str]]:
    return [Counter(event_of[a] for a in s.article_ids) for s in stories]


def _single_years(items, event_of, event: str) -> Counter[str]:  # type: ignore[no-untyped-def]
    found: Counter[str] = Counter()
    for item in items:
        years = [k for k in participants(item) if k.startswith(YEAR)]
        if event_of[item.article_id] == event and len(years) == 1:
            found[years[0]] += 1
    return found


def test_a_report_naming_one_year_names_its_fights_year(topic) -> None:  # type: ignore[no-untyped-def]
    items, event_of = topic
    ecb, ecbplus = _single_years(items, event_of, "ecb"), _single_years(items, event_of, "ecbplus")
    assert ecb and ecbplus
    assert not set(ecb) & set(ecbplus)


def test_the_two_fights_are_two_stories(topic) -> None:  # type: ignore[no-untyped-def]
    items, event_of = topic
    stories = cluster_online(items)
    assert sorted(map(dict, _events(stories, event_of)), key=str) == [
        {"ecb": 10},
        {"ecbplus": 11},
    ]


def test_without_years_they_merge(topic) -> None:  # type: ignore[no-untyped-def]
    """The evidence before years told reports apart: what the test above guards against.
    One order alone (no consensus of several), where a single wrong join shows."""
    items, event_of = topic
    for options in (
        ClusterOptions(year_penalty=1.0, consensus_runs=0),
        ClusterOptions(year_focus=0, consensus_runs=0),
    ):
        stories = cluster_online(items, options)
        assert any(len(events) == 2 for events in _events(stories, event_of))


def test_years_apart_only_for_a_report_dated_by_few_years() -> None:
    story = {"#2005": 1.0, "@klitschko": 1.0}
    assert years_apart({"#2012", "@klitschko"}, story, 0.0, 1)
    assert not years_apart({"#2005", "@klitschko"}, story, 0.0, 1)
    # A look back over several years dates nothing.
    assert not years_apart({"#2012", "#2008"}, story, 0.0, 1)
    assert years_apart({"#2012", "#2008"}, story, 0.0, 2)
    # No year on one side: nothing to set against.
    assert not years_apart({"@klitschko"}, story, 0.0, 1)
    assert not years_apart({"#2012"}, {"@klitschko": 1.0}, 0.0, 1)


def test_agreement_weighs_marks_by_the_share_of_articles_holding_them() -> None:
    # A story of 4 articles: 3 name 2005, one (of another event) names 2012.
    keys = {"#2005": 3 * 0.6, "#2012": 0.6, "@klitschko": 4.0, "klitschko": 4.0}
    shares = mark_shares(marked(keys), keys, 4)
    assert shares == pytest.approx({"#2005": 0.75, "#2012": 0.25, "@klitschko": 1.0})
    assert agreement({"#2005"}, shares, YEAR) == pytest.approx(1.0)
    assert agreement({"#2012"}, shares, YEAR) == pytest.approx(1 / 3)
    assert agreement({"#2001"}, shares, YEAR) == 0.0
    assert agreement({"@klitschko"}, shares, YEAR) is None
    # Any share agrees at 0 (a union of the story's marks); less than 0.5 does not at 0.5.
    assert not years_apart({"#2012"}, shares, 0.0, 1)
    assert years_apart({"#2012"}, shares, 0.5, 1)
