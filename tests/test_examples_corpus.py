"""The bundled example corpus (examples/README.md holds its ground truth)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.brief.verify import uncited_statements
from newsweave.model import Brief, DateOrigin, QuoteItem, Span
from newsweave.pipeline import IngestReport, analyze_with_report

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def run(nlp: object, embedder: object) -> tuple[list[Brief], IngestReport]:
    return analyze_with_report([str(EXAMPLES)])


@pytest.fixture(scope="module")
def strike(run: tuple[list[Brief], IngestReport]) -> Brief:
    return max(run[0], key=lambda b: len(b.articles))


def _file(brief: Brief, name: str) -> str:
    return next(a.article_id for a in brief.articles if (a.path or "").endswith(name))


def test_every_input_is_accounted_for(run: tuple[list[Brief], IngestReport]) -> None:
    counts = run[1].counts
    assert counts == {"ingested": 11, "duplicate": 0, "rejected": 2}
    reasons = {o.where.rsplit("/", 1)[-1]: o.reason for o in run[1].outcomes if o.reason}
    assert any("only a link" in (r or "") for r in reasons.values())


def test_the_decoy_is_its_own_story(run: tuple[list[Brief], IngestReport]) -> None:
    briefs = run[0]
    assert sorted(len(b.articles) for b in briefs) == [1, 10]
    decoy = min(briefs, key=lambda b: len(b.articles))
    assert (decoy.articles[0].path or "").endswith("courier-crane-inquiry.txt")


def test_every_brief_states_only_what_it_cites(run: tuple[list[Brief], IngestReport]) -> None:
    for brief in run[0]:
        assert uncited_statements(brief) == []


def test_undated_report_dated_from_the_story(strike: Brief) -> None:
    radio = next(a for a in strike.articles if (a.path or "").endswith("coastline-radio-offer.txt"))
    assert radio.date_origin == DateOrigin.INFERRED
    assert radio.published is not None and radio.published.date().isoformat() == "2026-03-10"


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Mara Lindqvist", "chair of the Varnholm Dockworkers"),
        ("Tomas Arden", "chief executive of the Varnholm Port Authority"),
        ("Ilse Brandt", "Labour Minister"),
    ],
)
def test_people_with_roles(strike: Brief, name: str, role: str) -> None:
    person = next(e for e in strike.entities if e.name == name)
    assert person.type == "PERSON"
    assert any(role in r for r in person.roles), person.roles


def test_places_are_not_people(strike: Brief) -> None:
    people = {e.name for e in strike.entities if e.type == "PERSON"}
    assert not people & {"Varnholm", "Kessel", "Mara LINDQVIST", "Lindqvist"}


@pytest.mark.parametrize(
    ("day", "scheduled"),
    [("2026-03-02", False), ("2026-03-13", None), ("2026-03-20", True)],
)
def test_timeline_dates(strike: Brief, day: str, scheduled: bool | None) -> None:
    entries = [t for t in strike.timeline if t.date == day]
    assert entries, [t.date for t in strike.timeline]
    if scheduled is not None:
        assert any(t.scheduled == scheduled for t in entries)


def test_wire_copies_count_once(strike: Brief) -> None:
    copied = [f for f in strike.facts if f.support.articles >= 3 and f.support.independent == 1]
    assert copied, [(f.text[:40], f.support) for f in strike.facts]


def test_quotes_have_speakers(strike: Brief) -> None:
    def renderings(q: QuoteItem) -> list[tuple[str, tuple[Span, ...]]]:
        return [(q.text, q.citations)] + [(v.text, v.citations) for v in q.variants]

    floor = [
        q
        for q in strike.quotes
        if any("not accept less than 9 percent" in t for t, _ in renderings(q))
    ]
    assert len(floor) == 1 and floor[0].speaker == "Mara Lindqvist"
    wire = [c for t, c in renderings(floor[0]) if "not accept less than 9 percent" in t]
    assert len(wire[0]) >= 3  # the wire quote and its two reprints
    # The other wordings of the same quotation are kept as variants of one item.
    texts = " | ".join(t for t, _ in renderings(floor[0]))
    assert "nothing less than 9 percent" in texts


def test_examples_cover_every_input_format() -> None:
    suffixes = {p.suffix for p in Path(EXAMPLES).rglob("*") if p.is_file()}
    assert {".txt", ".html", ".jsonl", ".xml"} <= suffixes


# --- fusion (examples/README.md: copy relations and discrepancies D1-D4) --------------------


def _ids(strike: Brief) -> dict[str, str]:
    names = {
        "wire.jsonl": None,
        "estoria-today-wire.html": "ET",
        "western-post-wire-reprint.txt": "WP",
        "varnholm-courier-offer.html": "VC",
        "business-daily-exporters.txt": "BD",
    }
    out: dict[str, str] = {}
    for a in strike.articles:
        base = (a.path or "").rsplit("/", 1)[-1]
        if base == "wire.jsonl":
            out[
                {"Estoria Press Agency": "EPA", "NewsPulse Digest": "NP"}[a.source or ""]
                + ("2" if "deal" in (a.title or "").lower() else "")
            ] = a.article_id
        elif names.get(base):
            out[str(names[base])] = a.article_id
    return out


def test_reprints_and_rewrites_are_detected(strike: Brief) -> None:
    ids = _ids(strike)
    signals = {s.article_id: s for s in strike.sources}
    for reprint in ("ET", "WP"):
        origins = {c.from_article_id for c in signals[ids[reprint]].copies}
        assert origins & {ids["EPA"], ids["ET"]}, reprint
        assert max(c.chars for c in signals[ids[reprint]].copies) > 1000
    assert ids["VC"] in {c.from_article_id for c in signals[ids["NP"]].copies}
    assert signals[ids["NP"]].quality.score < 0.7


@pytest.mark.parametrize(
    ("kind", "marks"),
    [
        ("figure", ("41", "38")),
        ("duration", ("eleven-day", "two-week")),
        ("quote wording", ("will not accept", "would not have accepted")),
        ("attribution", ("Tomas Arden", "Ilse Brandt")),
    ],
)
def test_the_four_discrepancies(strike: Brief, kind: str, marks: tuple[str, str]) -> None:
    found = [d for d in strike.discrepancies if d.kind == kind]
    assert len(found) == 1, [(d.kind, d.topic) for d in strike.discrepancies]
    sides = [c.text for c in found[0].claims]
    for mark in marks:
        assert any(mark in side for side in sides), (mark, sides)
    assert all(c.support is not None and c.support.independent >= 1 for c in found[0].claims)


def test_no_false_alarms_in_the_example_story(strike: Brief) -> None:
    assert len(strike.discrepancies) == 4


def _decoy(run: tuple[list[Brief], IngestReport]) -> Brief:
    return min(run[0], key=lambda b: len(b.articles))


def test_headline_tells_how_the_story_ended(strike: Brief) -> None:
    # the latest reports (the deal on 14 March), not the earlier ones about offers
    assert "deal" in strike.headline.lower()
    assert not strike.headline.rstrip().endswith(":")


def test_summary_puts_the_deal_before_the_offers_it_superseded(strike: Brief) -> None:
    texts = [s.text for s in strike.summary]
    deal = next(i for i, t in enumerate(texts) if "8 percent" in t or "8 per cent" in t)
    offers = [i for i, t in enumerate(texts) if "5.5" in t or "6.5" in t]
    assert all(deal < i for i in offers), texts
    assert len(texts) == len(set(texts)) and len(texts) <= 8


def test_deadline_on_friday_is_that_weeks_friday(strike: Brief) -> None:
    deadlines = [e for e in strike.timeline if "midnight" in e.event and "Friday" in e.when]
    assert deadlines and all(e.date == "2026-03-13" for e in deadlines)
    assert not any(e.date == "2026-03-06" and "midnight" in e.event for e in strike.timeline)


def test_timeline_lists_each_sentence_once(strike: Brief) -> None:
    cited = [(c.article_id, c.start) for e in strike.timeline for c in e.citations]
    assert len(cited) == len(set(cited))


@pytest.mark.parametrize(
    ("words", "day"),
    [("hearings continue on Monday", "2026-02-09"), ("on 27 January", "2026-01-27")],
)
def test_decoy_timeline_days(run: tuple[list[Brief], IngestReport], words: str, day: str) -> None:
    entries = [e for e in _decoy(run).timeline if words in e.event]
    assert entries and all(e.date == day for e in entries), _decoy(run).timeline


def test_checks_due_in_may_are_last_years(run: tuple[list[Brief], IngestReport]) -> None:
    for entry in _decoy(run).timeline:
        if "due in May" in entry.event:
            assert entry.date == "2025-05"


def test_the_brief_object_serialises_and_renders_itself(strike: Brief) -> None:
    import json

    data = strike.to_dict()
    assert json.loads(strike.to_json()) == data  # datetimes are ISO strings, not objects
    assert Brief.from_dict(data) == strike
    assert data["summary"][0]["citations"][0]["text"]
    for item in data["summary"] + data["facts"]:
        for c in item["citations"]:
            assert strike.texts[c["article_id"]][c["start"] : c["end"]] == c["text"]
    assert strike.headline in strike.to_markdown() and "<!doctype html>" in strike.to_html().lower()
    shown = repr(strike)
    assert len(shown) < 300 and strike.story_id in shown and "10 articles from 8 outlets" in shown
    # The coverage matrix is on the object, with the copies the JSON reports.
    table = strike.coverage
    assert len(table.rows) == len(strike.facts) == len(data["coverage"]["rows"])
    ids = data["coverage"]["article_ids"]
    for row, cells in zip(data["coverage"]["rows"], table.rows, strict=True):
        by_id = {aid: cell for (_, aid), cell in zip(table.columns, cells, strict=True)}
        assert row["copied_from"] == [by_id[a].copied_from for a in ids]
    # Ground truth (examples/README.md): Estoria Today reprints the wire original EPA1.
    first_line = (EXAMPLES / "jsonl" / "wire.jsonl").read_text().splitlines()[0]
    wire = next(a.article_id for a in strike.articles if a.title == json.loads(first_line)["title"])
    today = next(a.article_id for a in strike.articles if a.source == "Estoria Today")
    copied = [by[ids.index(today)] for by in (r["copied_from"] for r in data["coverage"]["rows"])]
    assert wire in copied
