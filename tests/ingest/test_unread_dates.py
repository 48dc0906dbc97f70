"""A publication date the input states but newsweave cannot use is never dropped unsaid.

feedparser converts each entry date to UTC and gives None for one it cannot (year 9999 with a
-12:00 offset is past the end of the calendar in UTC; year 1 with +19:00 is before its start;
a misspelt month); a text header or a JSONL field can hold a date that names no day. Each such
article is kept with an unknown date and a note saying which date was not used and why, as a
placeholder date (0001-01-01, 9999-12-31) is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from newsweave.ingest import read_inputs
from newsweave.model import DateOrigin, IngestOutcome, IngestStatus

# Our own text; the feed is shaped as a CMS writes one (channel metadata, guid, dc:creator,
# categories, content:encoded with HTML paragraphs).
PARAGRAPHS = (
    "<p>The harbour authority of Kessel said on Tuesday that the new ferry terminal will open "
    "in December, a year later than planned, after a dispute over the quay wall.</p>"
    "<p>&#8220;We would rather open late than open twice,&#8221; the authority&#8217;s "
    "director, Marta Lind, told reporters at the harbour office.</p>"
    "<p>The port expects 40 percent more passengers next year.</p>"
)


def _item(n: int, pub: str) -> str:
    return (
        f"<item><title>Kessel terminal update {n}</title>"
        f"<link>https://kessel-harbour.example/news/terminal-{n}</link>"
        f'<guid isPermaLink="false">https://kessel-harbour.example/?p={1000 + n}</guid>'
        f"<dc:creator><![CDATA[Harbour desk]]></dc:creator><pubDate>{pub}</pubDate>"
        "<category><![CDATA[Ports]]></category>"
        "<description><![CDATA[The terminal opens late. [&#8230;]]]></description>"
        f"<content:encoded><![CDATA[<p>Update {n}.</p>{PARAGRAPHS}]]></content:encoded></item>"
    )


def _rss(dates: list[str]) -> str:
    items = "".join(_item(n, pub) for n, pub in enumerate(dates))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "<title>Kessel Harbour News</title><link>https://kessel-harbour.example</link>"
        '<atom:link href="https://kessel-harbour.example/feed/" rel="self" '
        'type="application/rss+xml" />'
        "<description>News from the port</description>"
        "<lastBuildDate>Tue, 14 Oct 2025 09:12:44 +0000</lastBuildDate>"
        "<language>en-GB</language><sy:updatePeriod "
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">hourly</sy:updatePeriod>\n'
        f"{items}\n</channel>\n</rss>\n"
    )


def _by_title(outcomes: Iterable[IngestOutcome]) -> dict[str, IngestOutcome]:
    out = {}
    for outcome in outcomes:
        assert outcome.status is IngestStatus.INGESTED and outcome.article is not None, outcome
        out[outcome.article.title or ""] = outcome
    return out


def test_feed_dates_that_feedparser_cannot_convert_are_reported(tmp_path: Path) -> None:
    dates = [
        "Tue, 14 Oct 2025 08:30:00 +0000",  # an ordinary date: used, no note
        "Fri, 31 Dec 9999 23:59:59 -1200",  # year 10000 in UTC: feedparser gives None
        "Mon, 01 Jan 0001 05:00:00 +1900",  # before year 1 in UTC; feedparser read 1900
        "Tue, 32 Foo 2025 25:61:00 GMT",  # no such day
    ]
    path = tmp_path / "kessel.rss"
    path.write_text(_rss(dates), encoding="utf-8")
    outcomes = _by_title(read_inputs([path]))
    assert len(outcomes) == 4

    dated = outcomes["Kessel terminal update 0"]
    assert dated.article is not None and dated.article.published is not None
    assert dated.article.published.isoformat() == "2025-10-14T08:30:00+00:00"
    assert dated.reason is None

    for n, why in ((1, "placeholder"), (2, "placeholder"), (3, "was not read")):
        outcome = outcomes[f"Kessel terminal update {n}"]
        assert outcome.article is not None
        assert outcome.article.published is None
        assert outcome.article.date_origin is DateOrigin.UNKNOWN
        assert outcome.reason is not None and why in outcome.reason, (n, outcome.reason)
    # The note names the date the feed stated, so that a person can find it in the feed.
    unread = outcomes["Kessel terminal update 3"].reason or ""
    assert '"Tue, 32 Foo 2025 25:61:00 GMT"' in unread
    assert "9999-12-31T23:59:59-12:00" in (outcomes["Kessel terminal update 1"].reason or "")


def test_an_atom_date_past_the_calendar_in_utc_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "port.atom"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Port news</title><id>urn:port</id><updated>2025-01-01T00:00:00Z</updated>"
        "<entry><title>Terminal delayed</title><id>urn:t1</id>"
        "<updated>0001-01-01T05:00:00+19:00</updated>"
        f'<content type="html"><![CDATA[{PARAGRAPHS}]]></content></entry></feed>',
        encoding="utf-8",
    )
    (outcome,) = read_inputs([path])
    assert outcome.article is not None and outcome.article.published is None
    assert outcome.reason is not None and "placeholder" in outcome.reason


def test_text_and_jsonl_dates_that_name_no_day_are_reported(tmp_path: Path) -> None:
    body = "\n\n".join(
        p.replace("<p>", "").replace("</p>", "") for p in PARAGRAPHS.split("</p>") if p
    )
    (tmp_path / "undated.txt").write_text(
        f"title: Terminal delayed\ndate: some time in the autumn\n\n{body}\n", encoding="utf-8"
    )
    rows = [
        {"text": body + " One.", "title": "row 1", "published": "2025-10-14"},
        {"text": body + " Two.", "title": "row 2", "published": "the 14th"},
        {"text": body + " Three.", "title": "row 3", "date": 20251014},
        {"text": body + " Four.", "title": "row 4"},  # no date stated: nothing to say
        # email.utils reads a year under 100 as two digits: this was stored as 2001-01-01.
        {"text": body + " Five.", "title": "row 5", "published": "Mon, 01 Jan 0001 00:00:00 GMT"},
    ]
    (tmp_path / "rows.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    outcomes = _by_title(read_inputs([tmp_path]))
    assert outcomes["Terminal delayed"].reason is not None
    assert '"some time in the autumn" was not read' in outcomes["Terminal delayed"].reason
    assert outcomes["row 1"].reason is None
    assert '"the 14th" was not read' in (outcomes["row 2"].reason or "")
    assert '"20251014" was not read' in (outcomes["row 3"].reason or "")
    assert outcomes["row 4"].reason is None
    assert "placeholder" in (outcomes["row 5"].reason or "")
    for title in ("Terminal delayed", "row 2", "row 3", "row 4", "row 5"):
        article = outcomes[title].article
        assert article is not None and article.published is None, title


def test_a_date_without_a_year_is_not_given_its_zone_offset_as_one(tmp_path: Path) -> None:
    # "+1900" was read as the year 1900 (email.utils and feedparser both take the offset of a
    # date that writes no year for one), and "-2000" as 2000: a plausible, wrong date.
    no_year = ["Fri, 1 Dec 23:59:59 +1900", "Friday, 1 Dec  23:59:59 -2000"]
    with_year = "Mon, 1 Dec 2025 23:59:59 +1900"  # the same offset beside a written year
    path = tmp_path / "kessel.rss"
    path.write_text(_rss([*no_year, with_year]), encoding="utf-8")
    body = PARAGRAPHS.replace("<p>", "").replace("</p>", "\n\n")
    rows = [
        {"text": f"{body} Row {n}.", "title": f"row {n}", "published": date}
        for n, date in enumerate([*no_year, with_year])
    ]
    (tmp_path / "rows.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    outcomes = _by_title(read_inputs([tmp_path]))
    for n, date in enumerate(no_year):
        for title in (f"Kessel terminal update {n}", f"row {n}"):
            outcome = outcomes[title]
            assert outcome.article is not None and outcome.article.published is None, title
            stated = " ".join(date.split())  # as the note quotes it, spaces collapsed
            assert f'"{stated}" was not read' in (outcome.reason or ""), (title, outcome.reason)
    for title in ("Kessel terminal update 2", "row 2"):
        article = outcomes[title].article
        assert article is not None and article.published is not None, title
        assert article.published == datetime(2025, 12, 1, 4, 59, 59, tzinfo=UTC), title
