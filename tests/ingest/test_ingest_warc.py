"""WARC and ARC archives, plain and gzipped, written by warcio (ARC by hand) in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.warcgen import (
    Page,
    pages_from_folder,
    render_page,
    truncate,
    write_arc,
    write_warc,
)

from newsweave.ingest import IngestOptions, read_inputs
from newsweave.ingest.warc import ArchiveCounts, is_archive, read_archive
from newsweave.model import DateOrigin, IngestOutcome, IngestStatus

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CRAWLED = "2026-03-13T06:00:00Z"
CC_NEWS = "CC-NEWS-20260313060000-00000.warc.gz"


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return pages_from_folder(EXAMPLES, crawled=CRAWLED)


@pytest.fixture(scope="module")
def originals() -> dict[str, str]:
    """content hash -> article id of the examples read directly."""
    return {
        o.article.content_hash: o.article.article_id for o in read_inputs([EXAMPLES]) if o.article
    }


def _by_status(outcomes: list[IngestOutcome]) -> dict[IngestStatus, list[IngestOutcome]]:
    return {s: [o for o in outcomes if o.status is s] for s in IngestStatus}


@pytest.mark.parametrize("name", [CC_NEWS, "crawl.warc"])
def test_warc_gives_one_outcome_per_response(
    tmp_path: Path, pages: list[Page], originals: dict[str, str], name: str
) -> None:
    archive = write_warc(tmp_path / name, pages)
    counts = ArchiveCounts()
    outcomes = list(read_archive(archive, counts=counts))
    # 11 article pages + an image + a 404; the request, metadata, revisit and warcinfo
    # records are counted, not reported.
    assert len(outcomes) == counts["response"] == 13
    assert dict(counts) == {
        "warcinfo": 1,
        "request": 13,
        "response": 13,
        "metadata": 1,
        "revisit": 1,
    }
    groups = _by_status(outcomes)
    assert len(groups[IngestStatus.INGESTED]) == 11
    assert {o.article.content_hash for o in groups[IngestStatus.INGESTED] if o.article} == set(
        originals
    )
    reasons = {o.where.rsplit(" ", 1)[-1]: o.reason for o in groups[IngestStatus.REJECTED]}
    assert reasons == {
        "(https://news.example/logo.png)": "not HTML (content-type image/png)",
        "(https://news.example/gone)": "HTTP 404: the server sent no article page",
    }
    first = outcomes[0]
    assert first.where == f"{archive} record 3 ({pages[0].url})"
    assert first.article is not None
    assert first.article.url == pages[0].url
    assert first.article.input_format == "warc"


def test_page_without_a_date_takes_the_warc_date(tmp_path: Path) -> None:
    text = "The harbour council approved the new ferry route on a vote of seven to two. " * 3
    page = Page("https://news.example/ferry", render_page("Ferry route approved", text))
    archive = write_warc(tmp_path / "one.warc.gz", [page], extras=False)
    [outcome] = read_archive(archive)
    assert outcome.article is not None
    assert outcome.article.published is not None
    assert outcome.article.published.isoformat() == "2025-01-01T00:00:00+00:00"
    assert outcome.article.date_origin is DateOrigin.METADATA
    assert outcome.article.title == "Ferry route approved"


def test_the_page_date_wins_over_the_crawl_date(tmp_path: Path, pages: list[Page]) -> None:
    archive = write_warc(tmp_path / "a.warc", pages[:1], extras=False)
    [outcome] = read_archive(archive)
    direct = next(o.article for o in read_inputs([EXAMPLES]) if o.article)
    assert outcome.article is not None and direct.article_id == outcome.article.article_id
    assert direct.published is not None and outcome.article.published == direct.published
    assert outcome.article.published.date().isoformat() != CRAWLED[:10]


@pytest.mark.parametrize("name", ["crawl.arc", "crawl.arc.gz"])
def test_arc_files_are_read(
    tmp_path: Path, pages: list[Page], originals: dict[str, str], name: str
) -> None:
    archive = write_arc(tmp_path / name, pages)
    outcomes = list(read_inputs([archive]))
    assert [o.status for o in outcomes] == [IngestStatus.INGESTED] * 11
    assert {o.article.content_hash for o in outcomes if o.article} == set(originals)
    assert outcomes[0].where == f"{archive} record 2 ({pages[0].url})"


def test_a_page_crawled_twice_is_a_duplicate(tmp_path: Path, pages: list[Page]) -> None:
    archive = write_warc(tmp_path / "twice.warc.gz", [pages[0], pages[1], pages[0]], extras=False)
    statuses = [o.status for o in read_inputs([archive])]
    assert statuses == [IngestStatus.INGESTED, IngestStatus.INGESTED, IngestStatus.DUPLICATE]


@pytest.mark.parametrize(("name", "keep"), [(CC_NEWS, 0.3), ("crawl.warc", 0.3), ("c.arc.gz", 0.5)])
def test_a_truncated_archive_keeps_what_came_before(
    tmp_path: Path, pages: list[Page], name: str, keep: float
) -> None:
    writer = write_arc if ".arc" in name and ".warc" not in name else write_warc
    archive = truncate(writer(tmp_path / name, pages), keep)
    outcomes = list(read_inputs([archive]))
    *read, last = outcomes
    assert read and all(o.status is IngestStatus.INGESTED for o in read)
    assert last.status is IngestStatus.REJECTED
    assert last.reason is not None and "archive is damaged at byte" in last.reason
    assert "cut short" in last.reason and "Download the file again" in last.reason
    assert last.where.startswith(f"{archive} record ")


def test_corrupt_bytes_in_a_gzipped_warc(tmp_path: Path, pages: list[Page]) -> None:
    archive = write_warc(tmp_path / "bad.warc.gz", pages)
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(b ^ 0x55 for b in data[middle : middle + 200])
    archive.write_bytes(bytes(data))
    *read, last = read_inputs([archive])
    assert 0 < len(read) < 11
    # Records before the damage are read; one the flipped bytes garble on the way may come out
    # as a page without article text (where the bytes land varies with the compressed layout).
    assert sum(o.status is IngestStatus.INGESTED for o in read) >= len(read) - 1 >= 0
    assert all(o.status is IngestStatus.INGESTED or o.reason for o in read)
    assert last.status is IngestStatus.REJECTED and "damaged" in (last.reason or "")


def test_archives_are_found_in_folders_and_by_their_bytes(
    tmp_path: Path, pages: list[Page]
) -> None:
    crawl = tmp_path / "crawl-data" / "CC-NEWS" / "2026" / "03"
    crawl.mkdir(parents=True)
    write_warc(crawl / CC_NEWS, pages[:2], extras=False)
    unnamed = write_warc(tmp_path / "segment-00001", pages[2:3], gzipped=True, extras=False)
    assert is_archive(unnamed)
    assert not is_archive(EXAMPLES / "text" / "coastline-radio-offer.txt")
    outcomes = list(read_inputs([tmp_path]))
    assert [o.status for o in outcomes] == [IngestStatus.INGESTED] * 3
    assert CC_NEWS in outcomes[0].where


def test_size_limit_applies_per_page_not_per_archive(tmp_path: Path, pages: list[Page]) -> None:
    big = Page("https://news.example/huge", render_page("Huge", "A long page. " * 5000))
    archive = write_warc(tmp_path / "big.warc", [*pages[:3], big], extras=False)
    options = IngestOptions(max_bytes=30_000)
    assert archive.stat().st_size > options.max_bytes
    outcomes = list(read_archive(archive, options))
    assert [o.status for o in outcomes[:3]] == [IngestStatus.INGESTED] * 3
    assert outcomes[3].status is IngestStatus.REJECTED
    assert "over IngestOptions.max_bytes" in (outcomes[3].reason or "")


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (Page("https://n.example/j", b'{"a": 1}', content_type="application/json"), "not HTML"),
        (Page("https://n.example/e", b"", content_type="text/html"), "no body"),
        (Page("https://n.example/m", "<html><body><p>hi</p></body></html>", status=301), "301"),
        (
            Page("https://n.example/n", "<html><body><nav>Home</nav></body></html>"),
            "no article text",
        ),
    ],
)
def test_responses_that_are_not_articles(tmp_path: Path, page: Page, reason: str) -> None:
    archive = write_warc(tmp_path / "x.warc.gz", [page], extras=False)
    [outcome] = read_archive(archive)
    assert outcome.status is IngestStatus.REJECTED
    assert reason in (outcome.reason or "")


def test_empty_and_response_free_archives_are_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    [outcome] = read_inputs([empty])
    assert outcome.status is IngestStatus.REJECTED and "no records" in (outcome.reason or "")
    only_info = write_warc(tmp_path / "info.warc", [], extras=False)
    [outcome] = read_inputs([only_info])
    assert outcome.reason == "the archive holds no response records (1 warcinfo)"
    [outcome] = read_archive(tmp_path / "missing.warc")
    assert outcome.reason is not None and outcome.reason.startswith("cannot read the archive")


def test_a_warc_of_the_examples_gives_their_stories(
    tmp_path: Path, pages: list[Page], nlp: object, embedder: object
) -> None:
    from click.testing import CliRunner

    from newsweave.cli import main

    archive = write_warc(tmp_path / CC_NEWS, pages)
    db = tmp_path / "store.sqlite"
    result = CliRunner().invoke(main, ["ingest", str(archive), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "13 inputs: 11 ingested, 0 duplicate, 2 rejected; 2 stories"
    )
