"""Plain-text reading: header lines, headlines, boilerplate, normalisation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsweave.ingest import IngestOptions, normalise_text, read_path
from newsweave.ingest.clean import is_boilerplate
from newsweave.ingest.text import split_header, split_headline
from newsweave.model import DateOrigin, IngestStatus

BODY = (
    "The harbour council voted on Tuesday to approve a ferry route to the northern islands, "
    "ending a dispute that had lasted three years."
)


@pytest.mark.parametrize(
    ("text", "title", "date_text", "source", "url", "body_start"),
    [
        ("title: Ferry approved\ndate: 2031-04-12\n\nThe council", "Ferry approved",
         "2031-04-12", None, None, "The council"),
        ("Title: A\nSource: Coastline Courier\nURL: https://x.example/a\n\nBody", "A", None,
         "Coastline Courier", "https://x.example/a", "Body"),
        ("date: 2031-04-12T09:30:00+02:00\nThe council", None, "2031-04-12T09:30:00+02:00",
         None, None, "The council"),
        (" date 2025-10-26 Top officials met on Sunday.", None, "2025-10-26", None, None,
         "Top officials"),
        ("date 2025-10-26 10:15 Officials met.", None, "2025-10-26 10:15", None, None,
         "Officials met."),
        ("Washington: officials met.", None, None, None, None, "Washington: officials"),
        ("The council voted.\ntitle: not a header", None, None, None, None, "The council"),
        ("published: Oct 26, 2025\nheadline: H\n\nB", "H", "Oct 26, 2025", None, None, "B"),
    ],
)  # fmt: skip
def test_split_header(
    text: str,
    title: str | None,
    date_text: str | None,
    source: str | None,
    url: str | None,
    body_start: str,
) -> None:
    header, body = split_header(text)
    assert (header.title, header.date_text, header.source, header.url) == (
        title,
        date_text,
        source,
        url,
    )
    assert body.lstrip().startswith(body_start)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-26", datetime(2025, 10, 26, tzinfo=UTC)),
        ("2025-10-26T09:30:00+02:00",
         datetime(2025, 10, 26, 9, 30, tzinfo=timezone(timedelta(hours=2)))),
        ("26 October 2025", datetime(2025, 10, 26, tzinfo=UTC)),
        ("Sun, 26 Oct 2025 10:00:00 GMT", datetime(2025, 10, 26, 10, tzinfo=UTC)),
        ("October 2025", None),  # names no day: no invented day
        ("yesterday", None),  # relative: never "today"
        ("soon", None),
    ],
)  # fmt: skip
def test_header_dates_are_aware_or_none(value: str, expected: datetime | None) -> None:
    header, _ = split_header(f"date: {value}\n\nBody")
    assert header.published == expected
    if header.published is not None:
        assert header.published.utcoffset() is not None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ferry route approved after three-year dispute\n\nThe council voted.",
         "Ferry route approved after three-year dispute"),
        ("Ferry route approved\nCouncil votes 7 to 2, says chair\n\nPORT ELLERY\nThe council.",
         "Ferry route approved"),
        ("The council voted on Tuesday.\n\nMore text.", None),  # a sentence, not a headline
        ("Ferry route approved\nThe council voted on Tuesday.\nMore.", None),  # no blank line
        ("Ferry route approved\n\n", None),  # nothing follows
        ("ISTANBUL\n\nThe council voted.", None),  # a dateline, not a headline
        (" ".join(["word"] * 25) + "\n\nBody.", None),  # too long for a headline
    ],
)  # fmt: skip
def test_split_headline(text: str, title: str | None) -> None:
    found, body = split_headline(text)
    assert found == title
    if title is not None:
        assert title not in body


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("Unlock the Harbour Watch Newsletter for free", True),
        ("Your Guide to what the new council means for the islands", True),
        ("Sign up for our morning briefing", True),
        ("Advertisement", True),
        ("Read more: Island schools reopen after storm", True),
        ("We use cookies to improve your experience.", True),
        ("© 2024 Coastline Courier. All rights reserved.", True),
        ("Subscribe now", True),
        ("The council said its newsletter had reached 4,000 homes by May.", False),
        ("Subscribers to the ferry pass rose by a third.", False),
        ("Talking points", False),
        ("Copyright holders sued the council on Monday.", False),
    ],
)
def test_boilerplate_lines(line: str, boilerplate: bool) -> None:
    assert is_boilerplate(line) is boilerplate


def test_normalise_keeps_line_breaks_and_collapses_blank_runs() -> None:
    raw = "\ufeff  First line.  \r\nSecond line.\r\n\r\n\r\n\r\n\tThird\u200b para.\n\n\n"
    assert normalise_text(raw) == "First line.\nSecond line.\n\n\tThird para."
    assert normalise_text(normalise_text(raw)) == normalise_text(raw)


def test_text_file_with_header(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(
        "title: Ferry approved\ndate: 2031-04-12\nsource: Coastline Courier\n"
        "url: https://courier.example/ferry\n\n"
        f"Subscribe now\nPORT ELLERY: {BODY}\n",
        encoding="utf-8",
    )
    [outcome] = read_path(path, IngestOptions())
    article = outcome.article
    assert outcome.status is IngestStatus.INGESTED and article is not None
    assert article.title == "Ferry approved"
    assert article.source == "Coastline Courier"
    assert article.url == "https://courier.example/ferry"
    assert article.published == datetime(2031, 4, 12, tzinfo=UTC)
    assert article.date_origin is DateOrigin.HEADER
    assert article.text == f"PORT ELLERY: {BODY}"
    assert article.dateline == "PORT ELLERY"
    assert article.language == "en"
    assert article.input_format == "text"
    assert article.article_id == article.content_hash[:16]


def test_text_without_date_has_unknown_date(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text(BODY, encoding="utf-8")
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert outcome.article.published is None
    assert outcome.article.date_origin is DateOrigin.UNKNOWN


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(("Le café de la gare a rouvert lundi. " * 4).encode("cp1252"))
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert "café" in outcome.article.text


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(BODY.encode("utf-16"))
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert outcome.article.text == BODY


def test_a_header_line_padded_with_spaces_reads_at_once(tmp_path: Path) -> None:
    # "title: x" + 200,000 spaces once took 193 s (the header pattern backtracked).
    import time

    from newsweave.ingest import read_inputs
    from newsweave.model import IngestStatus

    path = tmp_path / "padded.txt"
    body = "The harbour council voted on Tuesday to open a second ferry route to the islands."
    path.write_text("title: x" + " " * 200_000 + "y\ndate: 2031-04-12\n\n" + body)
    started = time.monotonic()
    (outcome,) = read_inputs([path])
    assert time.monotonic() - started < 20
    assert outcome.status is IngestStatus.INGESTED and outcome.article is not None
    assert outcome.article.title is not None and outcome.article.title.startswith("x")
    assert outcome.article.published is not None
