"""The five seed reports: headers, headlines, datelines, promos, ids and duplicates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsweave.ingest import IngestOptions, read_inputs
from newsweave.model import Article, DateOrigin, IngestStatus


@pytest.fixture(scope="module")
def seeds(seed_paths: list[Path]) -> dict[str, Article]:
    outcomes = list(read_inputs(seed_paths, IngestOptions()))
    assert [o.status for o in outcomes] == [IngestStatus.INGESTED] * 5
    articles = {}
    for outcome in outcomes:
        assert outcome.article is not None
        articles[Path(outcome.where).name[:3]] = outcome.article
    return articles


def test_all_english_and_distinct(seeds: dict[str, Article]) -> None:
    assert {a.language for a in seeds.values()} == {"en"}
    assert len({a.article_id for a in seeds.values()}) == 5
    assert len({a.content_hash for a in seeds.values()}) == 5


def _lines(seed_paths: list[Path], name: str) -> list[str]:
    [path] = [p for p in seed_paths if p.name.startswith(name)]
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def test_001_date_header_read_and_removed(
    seeds: dict[str, Article], seed_paths: list[Path]
) -> None:
    article = seeds["001"]
    assert article.published == datetime(2025, 10, 26, tzinfo=UTC)
    assert article.date_origin is DateOrigin.HEADER
    first_line = _lines(seed_paths, "001")[0]
    assert first_line.startswith("date 2025-10-26 ")
    assert article.text.startswith(first_line.removeprefix("date 2025-10-26 "))
    assert "2025-10-26" not in article.text


def test_002_headline_and_dateline(seeds: dict[str, Article], seed_paths: list[Path]) -> None:
    article = seeds["002"]
    headline, standfirst = _lines(seed_paths, "002")[:2]
    assert article.title == headline
    assert article.dateline == "ISTANBUL"
    assert article.text.startswith("ISTANBUL\n")
    assert headline not in article.text
    assert standfirst not in article.text


def test_000_dateline(seeds: dict[str, Article]) -> None:
    assert seeds["000"].dateline == "KUALA LUMPUR"
    assert seeds["000"].text.startswith("KUALA LUMPUR: ")
    assert seeds["000"].title is None


def test_003_promo_removed_not_taken_as_title(
    seeds: dict[str, Article], seed_paths: list[Path]
) -> None:
    article = seeds["003"]
    promo, tagline, first_sentence_line = _lines(seed_paths, "003")[:3]
    assert "Newsletter" in promo and tagline.startswith("Your Guide to")
    assert article.title is None
    assert promo not in article.text and tagline not in article.text
    assert article.text.startswith(first_sentence_line)


@pytest.mark.parametrize("name", ["000", "002", "003", "004"])
def test_no_date_means_unknown(seeds: dict[str, Article], name: str) -> None:
    assert seeds[name].published is None
    assert seeds[name].date_origin is DateOrigin.UNKNOWN


def test_text_is_what_offsets_point_into(seeds: dict[str, Article], seed_paths: list[Path]) -> None:
    for path in seed_paths:
        article = seeds[path.name[:3]]
        assert article.text == article.text.strip()
        assert "\n\n\n" not in article.text
        # every kept line is a line of the file, unchanged
        source_lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
        for line in article.text.split("\n"):
            assert line == "" or line in source_lines or path.name.startswith("001")


def test_reading_twice_gives_duplicates(seed_paths: list[Path]) -> None:
    outcomes = list(read_inputs([*seed_paths, *seed_paths]))
    assert len(outcomes) == 10
    first, second = outcomes[0::2], outcomes[1::2]  # sorted: each file twice in a row
    assert {o.status for o in first} == {IngestStatus.INGESTED}
    assert {o.status for o in second} == {IngestStatus.DUPLICATE}
    for original, duplicate in zip(first, second, strict=True):
        assert original.article is not None
        assert duplicate.duplicate_of == original.article.article_id
