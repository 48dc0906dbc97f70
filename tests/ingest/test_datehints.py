"""Estimated publication dates: a day in the article's address or on a date line at its top,
marked as an estimate, on real reports (ECB+) and the readers' inputs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import shared_path

from newsweave.brief.view import describe_published
from newsweave.ingest import IngestOptions
from newsweave.ingest.datehints import date_from_top, date_from_url, estimated_date
from newsweave.model import DateOrigin, SourceRef
from newsweave.pipeline import PipelineOptions, read_articles

LATIMES = "http://articles.latimes.com/2013/may/03/local/la-me-0504-lohan-rehab-20130504"
TOI = "http://articles.timesofindia.indiatimes.com/2013-09-18/internet/42182019_1_microsoft"
KPOP = "http://www.kpopstarz.com/articles/30409/20130606/esther-williams-dies.htm"
MLB = "http://boston.redsox.mlb.com/news/article.jsp?ymd=20081216&content_id=3718580"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        (LATIMES, date(2013, 5, 3)),
        (TOI, date(2013, 9, 18)),
        (KPOP, date(2013, 6, 6)),
        (MLB, date(2008, 12, 16)),
        ("http://www.thehollywoodgossip.com/2013/05/lindsay-lohan-checks-into-rehab/", None),
        ("http://www.people.com/people/article/0,,20697025,00.html", None),
        ("http://www.2013-05-03.example/story", None),
        ("http://example.org/2013/02/30/no-such-day", None),
        ("http://example.org/9999/12/31/placeholder", None),
        (None, None),
    ],
)
def test_a_day_in_the_address(url: str | None, day: date | None) -> None:
    assert date_from_url(url) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("LaRue, Nixon aide, dies\nWednesday, July 28, 2004\nFred LaRue ...", date(2004, 7, 28)),
        ("Thomas placed on IR\nUpdated: January 6, 2011, 11: 34 AM ET\nThe ...", date(2011, 1, 6)),
        (
            "Klitschko wins\nPUBLISHED: 22: 07 GMT, 7 July 2012 | UPDATED: 22: 07 GMT",
            date(2012, 7, 7),
        ),
        ("WASHINGTON, DC, April 28, 2009\nScientific consultations restored.", date(2009, 4, 28)),
        ("Reid checked herself in on Tuesday, December 9, 2008.\nMore text.", None),
        ("Bettie Page died.\nPage was born on April 22, 1923, in Nashville, Tenn.", None),
        (
            "A headline\nThe council met at length on May 3, 2013 to vote on the ferry route plan",
            None,
        ),
        ("One\nTwo\nThree\nFour\nMay 3, 2013", None),
    ],
)
def test_a_date_line_at_the_top(text: str, day: date | None) -> None:
    assert date_from_top(text) == day


def test_the_top_line_wins_over_an_archive_address() -> None:
    found = estimated_date(
        "MONDAY, MAY 23, 2005\nFIRED IN PHILLY!!", "http://x.blogspot.nl/2005_05_01_archive.html"
    )
    assert found is not None
    assert found[0].date() == date(2005, 5, 23) and found[1] is DateOrigin.TEXT


def _ecbplus_records(tmp: Path) -> tuple[Path, list[str]]:
    """ECB+ documents as JSONL records: a first sentence that is a URL as the url."""
    lines, subtopics = [], []
    with open(shared_path("data", "ecbplus", "documents.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            sentences = [s["text"] for s in doc["sentences"]]
            record = {}
            if sentences and sentences[0].replace(" ", "").startswith("http"):
                record["url"] = sentences.pop(0).replace(" ", "")
            text = "\n".join(sentences).replace(" ,", ",").replace(" :", ":")
            record["text"] = text
            if len(text) < 80:
                continue
            lines.append(json.dumps(record))
            subtopics.append(doc["subtopic"])
    path = tmp / "ecbplus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, subtopics


def test_real_reports_get_estimated_dates_and_only_where_they_show_one(tmp_path: Path) -> None:
    path, subtopics = _ecbplus_records(tmp_path)
    articles, _ = read_articles([str(path)], PipelineOptions())
    assert len(articles) == len(subtopics)
    by_event: dict[str, list[DateOrigin]] = {"ecb": [], "ecbplus": []}
    for article, subtopic in zip(articles, subtopics, strict=True):
        by_event[subtopic].append(article.date_origin)
        if article.published is not None:
            assert article.date_origin.estimated
    # Most ecbplus reports show their day; the older ecb ones (no address, no date line) none.
    dated = [o for o in by_event["ecbplus"] if o is not DateOrigin.UNKNOWN]
    assert len(dated) > 0.75 * len(by_event["ecbplus"])
    assert {DateOrigin.TEXT, DateOrigin.ADDRESS} <= set(dated)
    assert set(by_event["ecb"]) == {DateOrigin.UNKNOWN}


def test_the_lohan_report_of_may_3_2013(tmp_path: Path) -> None:
    path, _ = _ecbplus_records(tmp_path)
    articles, _ = read_articles([str(path)], PipelineOptions())
    (article,) = [a for a in articles if a.url and "la-me-0504-lohan-rehab" in a.url]
    assert article.published is not None and article.published.date() == date(2013, 5, 3)
    ref = SourceRef(
        article.article_id, None, None, article.published, article.date_origin, None, None
    )
    assert describe_published(ref) == "2013-05-03 (date inferred)"


def test_a_stated_date_is_kept_and_estimates_can_be_turned_off(tmp_path: Path) -> None:
    body = (
        "Fred LaRue dies\nWednesday, July 28, 2004\n" + "Fred LaRue, a Watergate figure, died. " * 4
    )
    stated = tmp_path / "stated.txt"
    stated.write_text("date: 2004-07-29\n\n" + body + "He was 75.", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text(body, encoding="utf-8")
    articles, _ = read_articles([str(stated), str(plain)], PipelineOptions())
    by_path = {Path(a.path or "").name: a for a in articles}
    assert by_path["stated.txt"].date_origin is DateOrigin.HEADER
    assert by_path["stated.txt"].published is not None
    assert by_path["stated.txt"].published.date() == date(2004, 7, 29)
    assert by_path["plain.txt"].date_origin is DateOrigin.TEXT
    off = PipelineOptions(ingest=IngestOptions(estimate_dates=False))
    articles, _ = read_articles([str(plain)], off)
    assert articles[0].published is None and articles[0].date_origin is DateOrigin.UNKNOWN


def test_the_date_lines_and_the_time_resolver_know_the_same_months(nlp) -> None:  # type: ignore[no-untyped-def]
    # One month table for both readers: every month name or abbreviation the time resolver
    # reads in the text is read on a date line at the top too.
    from newsweave.annotate.times import resolve_times
    from newsweave.monthnames import MONTH_ABBREVIATIONS, MONTHS

    written = [*MONTHS.items(), *((f"{abbr}.", n) for abbr, n in MONTH_ABBREVIATIONS.items())]
    for name, number in written:
        day = date(2013, number, 3)
        assert date_from_top(f"Port talks\n{name} 3, 2013 | 5:03pm\nThe talks resumed.") == day
        doc = nlp(f"The strike started on {name} 3, 2013 in the port.")
        days = [(t.start, t.end) for t in resolve_times(doc, "a1", None)]
        assert (day, day) in days, (name, days)
