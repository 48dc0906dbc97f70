"""The reference case: five real reports of one event, read from ../shared/seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsweave.brief.verify import uncited_statements
from newsweave.model import Brief
from newsweave.pipeline import analyze_with_report


@pytest.fixture(scope="module")
def seed_briefs(seed_paths: list[Path], nlp: object, embedder: object) -> list[Brief]:
    briefs, report = analyze_with_report([str(p) for p in seed_paths])
    assert report.counts["ingested"] == 5, report.outcomes
    return briefs


@pytest.fixture(scope="module")
def brief(seed_briefs: list[Brief]) -> Brief:
    return seed_briefs[0]


def test_one_story_with_all_five_reports(seed_briefs: list[Brief]) -> None:
    assert len(seed_briefs) == 1
    assert len(seed_briefs[0].articles) == 5


@pytest.mark.parametrize(
    ("name", "role_words"),
    [
        ("Scott Bessent", "treasury secretary"),
        ("Jamieson Greer", "trade representative"),
        ("He Lifeng", "vice premier"),
        ("Li Chenggang", "trade negotiator"),
        ("Donald Trump", "president"),
    ],
)
def test_people_named_with_roles(brief: Brief, name: str, role_words: str) -> None:
    people = {e.name: e for e in brief.entities if e.type == "PERSON"}
    assert name in people, sorted(people)
    roles = " | ".join(people[name].roles).lower()
    assert role_words in roles, people[name].roles


def test_surname_he_is_a_person_not_a_pronoun(brief: Brief) -> None:
    he = next(e for e in brief.entities if e.name == "He Lifeng")
    texts = [brief.texts[c.article_id][c.start : c.end] for c in he.citations]
    assert "He Lifeng" in texts
    # The bare surname ("alongside He", "Greer and He") counts as a mention of him.
    reuters = next(a for a in brief.articles if "004_" in (a.path or ""))
    text = brief.texts[reuters.article_id]
    assert len(re.findall(r"\bHe\b(?! Lifeng)", text)) >= 3
    assert "He" in texts  # a bare surname cited as his mention
    assert he.mentions >= 7


def test_no_short_forms_left_as_separate_people(brief: Brief) -> None:
    names = {e.name for e in brief.entities if e.type == "PERSON"}
    for short in ("Trump", "Xi", "XI", "Greer", "Bessent", "He", "Li"):
        assert short not in names


@pytest.mark.parametrize(
    ("day", "words"),
    [("2025-10-30", ("Xi", "meet")), ("2025-11-10", ("truce", "expire"))],
)
def test_timeline_has_the_key_dates(brief: Brief, day: str, words: tuple[str, ...]) -> None:
    entries = [t for t in brief.timeline if t.date == day]
    assert entries, [(t.date, t.event[:40]) for t in brief.timeline]
    assert any(any(w in t.event for w in words) for t in entries)
    assert all(t.precision == "day" for t in entries)


def test_timeline_months_are_not_given_invented_days(brief: Brief) -> None:
    may = [t for t in brief.timeline if t.when.endswith("May")]
    assert all(t.date == "2025-05" and t.precision == "month" for t in may)


@pytest.mark.parametrize(
    ("opening", "speaker"),
    [
        ("getting to a spot where the leaders", "Jamieson Greer"),
        ("They have to make concessions", "Donald Trump"),
        ("All options are on the table", "Scott Bessent"),
        ("I'm not sure the Chinese can agree", "Josh Lipsky"),
    ],
)
def test_quotes_attributed_to_their_speakers(brief: Brief, opening: str, speaker: str) -> None:
    found = [q for q in brief.quotes if opening in q.text.replace("’", "'")]
    assert found, [q.text[:40] for q in brief.quotes]
    assert {q.speaker for q in found} == {speaker}


def test_summary_does_not_repeat_the_shared_wire_sentence(brief: Brief) -> None:
    assert 3 <= len(brief.summary) <= 8
    wire = [s for s in brief.summary if "avert an escalation" in s.text]
    assert len(wire) <= 1
    texts = [s.text for s in brief.summary]
    assert len(texts) == len(set(texts))


def test_summary_avoids_the_garbled_report(brief: Brief) -> None:
    garbled = next(a for a in brief.articles if "003_" in (a.path or ""))
    chosen = {s.citations[0].article_id for s in brief.summary}
    assert garbled.article_id not in chosen


def test_every_statement_is_in_its_citations(brief: Brief) -> None:
    assert uncited_statements(brief) == []


def test_undated_reports_get_inferred_dates(brief: Brief) -> None:
    by_file = {(a.path or "").rsplit("/", 1)[-1][:3]: a for a in brief.articles}
    assert by_file["001"].published is not None
    assert by_file["001"].published.date().isoformat() == "2025-10-26"
    assert by_file["002"].date_origin == "inferred"
    assert by_file["002"].published is not None
    assert by_file["002"].published.date().isoformat() == "2025-10-22"


# --- fusion: independence, quality, discrepancies -------------------------------------------


def _by_file(brief: Brief) -> dict[str, str]:
    return {(a.path or "").rsplit("/", 1)[-1][:3]: a.article_id for a in brief.articles}


def test_shared_wire_copy_is_one_source(brief: Brief) -> None:
    ids = _by_file(brief)
    signals = {s.article_id: s for s in brief.sources}
    linked = {(ids["000"], c.from_article_id) for c in signals[ids["000"]].copies} | {
        (ids["004"], c.from_article_id) for c in signals[ids["004"]].copies
    }
    assert (ids["000"], ids["004"]) in linked or (ids["004"], ids["000"]) in linked
    wire = [f for f in brief.facts if "avert an escalation" in f.text]
    assert wire and wire[0].support.articles == 2 and wire[0].support.independent == 1


def test_garbled_report_scores_low_with_reasons(brief: Brief) -> None:
    ids = _by_file(brief)
    signals = {s.article_id: s for s in brief.sources}
    garbled = signals[ids["003"]].quality
    assert garbled.score < 0.6 and len(garbled.reasons) >= 2
    assert any("negotiating negotiations" in r for r in garbled.reasons)
    clean = [signals[ids[k]].quality.score for k in ("000", "001", "002", "004")]
    assert min(clean) > garbled.score + 0.3


def test_trip_length_is_a_discrepancy(brief: Brief) -> None:
    trips = [d for d in brief.discrepancies if d.kind == "duration" and "trip" in d.topic]
    assert len(trips) == 1, [(d.kind, d.topic) for d in brief.discrepancies]
    sides = [c.text for c in trips[0].claims]
    assert any("week-long" in s for s in sides) and any("five-day" in s for s in sides)
    ids = _by_file(brief)
    cited = {c.article_id for claim in trips[0].claims for c in claim.citations}
    assert {ids["003"], ids["004"]} <= cited


def test_good_meeting_quote_renderings_disagree(brief: Brief) -> None:
    quotes = [d for d in brief.discrepancies if d.kind == "quote wording"]
    assert len(quotes) == 1
    sides = " || ".join(c.text for c in quotes[0].claims)
    assert "had a good meeting" in sides and "have a good meeting" in sides
    assert "tense" in quotes[0].reason


def test_tariff_figures_for_different_times_are_not_contradictions(brief: Brief) -> None:
    assert not [d for d in brief.discrepancies if "tariff" in d.topic], [
        (d.topic, d.reason) for d in brief.discrepancies
    ]
    assert len(brief.discrepancies) == 2


def test_headline_is_a_current_report_not_a_dateline_or_preview(brief: Brief) -> None:
    assert not brief.headline.rstrip().endswith(":")
    assert "KUALA LUMPUR" not in brief.headline
    assert "to hold talks" not in brief.headline  # the preview of talks that have happened
    assert brief.headline_article in brief.texts
    if brief.headline_citations:
        (span,) = brief.headline_citations
        assert brief.texts[span.article_id][span.start : span.end] == brief.headline
    else:
        titles = {a.article_id: a.title for a in brief.articles}
        assert titles[brief.headline_article] == brief.headline


@pytest.mark.parametrize(
    ("fact", "pattern"),
    [
        ("where the talks are", r"Kuala Lumpur|Malaysia"),
        ("when the leaders meet", r"Thursday|October 30"),
        ("a signal of progress", r"productive|constructive"),
        ("what is at stake", r"100% tariffs|100 percent"),
    ],
)
def test_summary_states_the_central_facts(brief: Brief, fact: str, pattern: str) -> None:
    assert any(re.search(pattern, s.text) for s in brief.summary), fact


def test_summary_has_no_sentence_twice(brief: Brief) -> None:
    assert len(brief.summary) <= 8
    texts = [s.text for s in brief.summary]
    assert len(texts) == len(set(texts))
    for s in brief.summary:
        (first, *_) = s.citations
        assert brief.texts[first.article_id][first.start : first.end] == s.text


def test_timeline_lists_each_sentence_once(brief: Brief) -> None:
    cited = [(c.article_id, c.start) for e in brief.timeline for c in e.citations]
    assert len(cited) == len(set(cited))
    assert not any(re.match(r"[A-Z]{3,} [A-Z]{3,} ", e.event) for e in brief.timeline)


@pytest.mark.parametrize(
    ("words", "day"),
    [("left Washington on Friday night", "2025-10-24"), ("on October 30", "2025-10-30")],
)
def test_timeline_entries_on_their_days(brief: Brief, words: str, day: str) -> None:
    hits = [e for e in brief.timeline if words in e.event]
    assert hits and all(e.date == day for e in hits), [(e.date, e.event) for e in hits]


def test_stored_headline_is_the_same_before_and_after_the_brief(
    seed_paths: list[Path], tmp_path: Path, brief: Brief
) -> None:
    from newsweave.pipeline import ingest, stored_brief
    from newsweave.store import open_store
    from newsweave.storylist import StoryIndex

    with open_store(tmp_path / "s.sqlite") as store:
        ingest([str(p) for p in seed_paths], store)
        (before,) = StoryIndex(store).entries()
        built = stored_brief(store, before.story_id)
        (after,) = StoryIndex(store).entries()
    assert before.headline == built.headline == after.headline == brief.headline
    assert not before.headline.rstrip().endswith(":")
