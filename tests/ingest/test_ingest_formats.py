"""HTML, JSON lines and RSS/Atom reading, and the batch entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsweave.ingest import IngestOptions, expand_paths, read_inputs, read_path
from newsweave.model import DateOrigin, IngestStatus

DATA = Path(__file__).parent / "data"
BODY = (
    "The harbour council voted on Tuesday to approve a ferry route to the northern islands, "
    "ending a dispute that had lasted three years."
)


def test_html_page_text_and_metadata() -> None:
    [outcome] = read_path(DATA / "ferry.html", IngestOptions())
    article = outcome.article
    assert outcome.status is IngestStatus.INGESTED and article is not None
    assert article.title == "Harbour council approves new ferry route"
    assert article.source == "Coastline Courier"
    assert article.published == datetime(2024, 4, 12, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert article.date_origin is DateOrigin.METADATA
    assert article.input_format == "html"
    assert article.dateline == "PORT ELLERY"
    assert article.text.startswith("PORT ELLERY: The harbour council voted")
    for gone in ("Advertisement", "Read more", "newsletter", "Home", "All rights reserved"):
        assert gone not in article.text


def test_html_navigation_page_is_rejected_with_measure() -> None:
    [outcome] = read_path(DATA / "navigation.html", IngestOptions())
    assert outcome.status is IngestStatus.REJECTED
    assert outcome.reason is not None
    assert outcome.reason.startswith("no article text found (page is mostly navigation: ")
    assert "% of its text is links" in outcome.reason


def test_html_date_falls_back_to_none_not_today(tmp_path: Path) -> None:
    path = tmp_path / "nodate.htm"
    path.write_text(f"<html><body><article><p>{BODY}</p></article></body></html>")
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert outcome.article.published is None
    assert outcome.article.date_origin is DateOrigin.UNKNOWN


def test_jsonl_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": BODY, "title": "Ferry", "url": "https://x.example/1",
                    "source": "Courier", "published": "2031-04-12T08:00:00Z"}),
        "",
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": f"<p>{BODY}</p><p>Advertisement</p><p>{BODY[:60]} again.</p>"}),
        json.dumps({"text": "too short"}),
    ]  # fmt: skip
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = read_path(path, IngestOptions())
    assert [o.where for o in outcomes] == [f"{path}:line {n}" for n in (1, 3, 4, 5, 6, 7)]
    assert [o.status for o in outcomes] == [
        IngestStatus.INGESTED,
        IngestStatus.REJECTED,
        IngestStatus.REJECTED,
        IngestStatus.REJECTED,
        IngestStatus.INGESTED,
        IngestStatus.REJECTED,
    ]
    first = outcomes[0].article
    assert first is not None
    assert (first.title, first.url, first.source) == ("Ferry", "https://x.example/1", "Courier")
    assert first.published == datetime(2031, 4, 12, 8, tzinfo=UTC)
    assert first.date_origin is DateOrigin.HEADER
    assert outcomes[1].reason is not None and outcomes[1].reason.startswith("invalid JSON (")
    assert outcomes[2].reason is not None and outcomes[2].reason.startswith('missing "text"')
    assert outcomes[3].reason == "expected a JSON object, got list"
    html_article = outcomes[4].article
    assert html_article is not None and html_article.input_format == "jsonl-html"
    assert "<p>" not in html_article.text and "Advertisement" not in html_article.text
    assert outcomes[5].reason is not None and "fewer than the minimum 80" in outcomes[5].reason


def test_rss_feed_entries() -> None:
    outcomes = read_path(DATA / "harbour.rss", IngestOptions())
    assert len(outcomes) == 3
    full, summary, link_only = outcomes
    assert full.article is not None and summary.article is not None
    assert full.article.title == "Harbour council approves new ferry route"
    assert full.article.source == "Coastline Courier"
    assert full.article.url == "https://courier.example/ferry"
    assert full.article.published == datetime(2024, 4, 12, 7, 30, tzinfo=UTC)
    assert full.article.date_origin is DateOrigin.METADATA
    assert "Advertisement" not in full.article.text and "<p>" not in full.article.text
    assert summary.article.text.startswith("Schools on the northern islands reopened")
    assert link_only.status is IngestStatus.REJECTED
    assert link_only.where == f'{DATA / "harbour.rss"} entry 3 ("Tide tables for May")'
    assert link_only.reason is not None
    assert link_only.reason.startswith("the entry has only a link")
    assert "fetch the page (newsweave watch) or save it as HTML" in link_only.reason


def test_atom_feed_is_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "updates"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Island Board</title>'
        "<entry><title>Roof repairs</title><link href='https://board.example/roofs'/>"
        "<updated>2024-04-11T10:00:00Z</updated>"
        f"<content type='html'>&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>",
        encoding="utf-8",
    )
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert outcome.article.input_format == "feed"
    assert outcome.article.source == "Island Board"
    assert outcome.article.text == BODY


def test_broken_feed_keeps_entries_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>C</title>"
        f"<item><title>One</title><description>{BODY * 4}</description></item>"
        "<item><title>Two</title><description>unclosed",
        encoding="utf-8",
    )
    outcomes = read_path(path, IngestOptions())
    assert outcomes[0].status is IngestStatus.INGESTED
    assert len(outcomes) >= 1


@pytest.mark.parametrize(
    ("name", "content", "input_format"),
    [
        ("page", f"<!DOCTYPE html><html><body><article><p>{BODY}</p></article></body></html>",
         "html"),
        ("lines.data", json.dumps({"text": BODY}) + "\n", "jsonl"),
        ("README", BODY, "text"),
        ("notes", f"[Updated] {BODY}", "text"),
        ("one.json", json.dumps({"text": BODY}, indent=2), "jsonl"),
    ],
)  # fmt: skip
def test_unknown_extension_is_sniffed(
    tmp_path: Path, name: str, content: str, input_format: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [outcome] = read_path(path, IngestOptions())
    assert outcome.article is not None
    assert outcome.article.input_format == input_format


def test_read_inputs_order_duplicates_and_accounting(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "same.txt").write_text(BODY)
    (tmp_path / "a.txt").write_text(BODY + "\n")  # same text: same hash
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "README.md").write_text(BODY)
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": BODY}) + "\n{bad\n")
    outcomes = list(read_inputs([tmp_path, tmp_path / "missing.txt"]))
    assert [(o.where, o.status) for o in outcomes] == [
        (str(tmp_path / "README.md"), IngestStatus.REJECTED),
        (str(tmp_path / "missing.txt"), IngestStatus.REJECTED),
        (str(tmp_path / "a.txt"), IngestStatus.INGESTED),
        (str(tmp_path / "b" / "same.txt"), IngestStatus.DUPLICATE),
        (f"{tmp_path / 'c.jsonl'}:line 1", IngestStatus.DUPLICATE),
        (f"{tmp_path / 'c.jsonl'}:line 2", IngestStatus.REJECTED),
    ]
    assert outcomes[0].reason == "a project document, not an article; name the file to read it"
    first = outcomes[2].article
    assert first is not None
    assert outcomes[3].duplicate_of == first.article_id
    assert outcomes[4].duplicate_of == first.article_id


def test_files_of_no_article_type_in_a_folder_are_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "Makefile").write_text("all:\n\techo built\n")
    (tmp_path / "build.sh").write_text("#!/bin/sh\necho built\n")
    outcomes = list(read_inputs([tmp_path]))
    by_where = {o.where: o for o in outcomes}
    assert by_where[str(tmp_path / "a.txt")].status is IngestStatus.INGESTED
    for name, shown in (("Makefile", "no extension"), ("build.sh", ".sh")):
        outcome = by_where[str(tmp_path / name)]
        assert outcome.status is IngestStatus.REJECTED
        assert f"not an article file type ({shown})" in (outcome.reason or "")
    # Named directly, a file is read whatever its name.
    named = list(read_inputs([tmp_path / "Makefile"]))
    assert "not an article file type" not in (named[0].reason or "")


def test_expand_paths_globs(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    for name in ("x/2.txt", "x/1.html", "x/skip.md"):
        (tmp_path / name).write_text(BODY)
    files, problems = expand_paths([str(tmp_path / "**" / "*.txt"), str(tmp_path / "x/*.html")])
    assert files == [tmp_path / "x" / "1.html", tmp_path / "x" / "2.txt"]
    assert problems == []
    files, problems = expand_paths([str(tmp_path / "*.pdf")])
    assert files == []
    assert [p.reason for p in problems] == ["the pattern matches no files"]


def test_json_array_gives_one_outcome_per_item(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"text": BODY}, {"title": "no text"}], indent=1))
    outcomes = read_path(path, IngestOptions())
    assert [(o.where, o.status) for o in outcomes] == [
        (f"{path} item 1", IngestStatus.INGESTED),
        (f"{path} item 2", IngestStatus.REJECTED),
    ]
