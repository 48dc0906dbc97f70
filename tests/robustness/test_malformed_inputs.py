"""Malformed inputs: every item ends ingested, duplicate or rejected with a reason; none escapes.

The corpus of :mod:`tests.support.malformed` without its megabyte cases, read with
``read_inputs`` (the reader stage) case by case; a handful of cases go the whole way
(read, annotate, cluster, store) with ``pipeline.ingest``. bench/malformed_corpus.py runs
the whole corpus, megabyte cases included, through the whole path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.malformed import Case, build_corpus, problems, unlock

from newsweave.ingest import IngestOptions, read_inputs
from newsweave.model import IngestStatus
from newsweave.pipeline import ingest
from newsweave.store import SQLiteStore


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Case]]:
    root = tmp_path_factory.mktemp("malformed")
    cases = build_corpus(root, big=False)
    yield {case.name: case for case in cases}
    unlock(root)


def test_the_corpus_is_large_and_covers_every_reader(corpus: dict[str, Case]) -> None:
    readers = {case.reader for case in corpus.values()}
    assert readers == {"text", "html", "jsonl", "feed", "warc", "path"}
    assert len(corpus) >= 200


def test_every_item_is_accounted_for(corpus: dict[str, Case]) -> None:
    found: list[str] = []
    totals = {status: 0 for status in IngestStatus}
    expected = got = 0
    for case in corpus.values():
        outcomes = list(read_inputs(list(case.paths)))  # an exception here fails the test
        found.extend(problems(case, outcomes))
        for outcome in outcomes:
            totals[outcome.status] += 1
        if case.items is not None:
            expected += case.items
            got += len(outcomes)
    assert not found, "\n".join(found)
    assert got == expected
    assert sum(totals.values()) >= len(corpus)
    assert totals[IngestStatus.INGESTED] > 100 and totals[IngestStatus.REJECTED] > 100


def _outcomes(corpus: dict[str, Case], name: str) -> list[Any]:
    return list(read_inputs(list(corpus[name].paths)))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("fifo", "named pipe (FIFO), not a regular file"),
        ("device", "is a device, not a regular file"),
        ("symlink-loop", "Too many levels of symbolic links"),
        ("symlink-dir-loop", "a link back to a folder above it (a loop)"),
        ("nul-every-other", "binary file (it contains NUL bytes)"),
        ("binary-png.txt", "binary file (a PNG image)"),
        ("html-no-text", "no article text found"),
        ("feed-not-xml", "no feed entries found"),
        ("warc-truncated-50.warc.gz", "archive is damaged at byte"),
        ("warc-gzip-corrupt-0", "archive is damaged at byte"),
        ("json-deep", "nested too deeply"),
    ],
)
def test_rejections_say_why(corpus: dict[str, Case], name: str, reason: str) -> None:
    reasons = [o.reason for o in _outcomes(corpus, name) if o.status is IngestStatus.REJECTED]
    assert any(reason in (r or "") for r in reasons), reasons


def test_json_lines_keep_unicode_line_separators_and_drop_lone_surrogates(
    corpus: dict[str, Case],
) -> None:
    for name in ("jsonl-u2028-in-string", "jsonl-lone-surrogate"):
        outcomes = _outcomes(corpus, name)
        assert [o.status for o in outcomes] == [IngestStatus.INGESTED] * 2, outcomes
        for outcome in outcomes:
            outcome.article.text.encode("utf-8")  # storable


def test_entities_are_not_expanded_from_outside(corpus: dict[str, Case]) -> None:
    for name in ("feed-xxe", "feed-billion-laughs", "html-xhtml-doctype-bomb"):
        for outcome in _outcomes(corpus, name):
            text = outcome.article.text if outcome.article else outcome.reason or ""
            assert "root:" not in text
            assert "lollollol" not in text


def test_other_languages_are_ingested_with_their_language_code(corpus: dict[str, Case]) -> None:
    for name in ("lang-de", "lang-ru", "lang-zh", "lang-ar", "lang-hi"):
        [outcome] = _outcomes(corpus, name)
        assert outcome.status is IngestStatus.INGESTED
        assert outcome.article.language == name.removeprefix("lang-")


def test_an_article_too_long_to_parse_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("The council met again. " * 30)
    [outcome] = read_inputs([path], IngestOptions(max_chars=500))
    assert outcome.status is IngestStatus.REJECTED
    assert "more than the maximum 500 (IngestOptions.max_chars)" in (outcome.reason or "")


FULL_PATH = (
    "jsonl-lone-surrogate",
    "undecodable-name",
    "jsonl-u2028-in-string",
    "lang-de",
    "feed-mixed",
    "warc-truncated-65.warc.gz",
    "symlink-dir-loop",
    "far-date",
)


def test_the_whole_path_on_a_sample(corpus: dict[str, Case], tmp_path: Path) -> None:
    """Read, annotate, cluster and store: nothing escapes and the store holds what was read."""
    db = tmp_path / "store.sqlite"
    ingested = 0
    with SQLiteStore(db) as store:
        for name in FULL_PATH:
            case = corpus[name]
            report = ingest(list(case.paths), store)
            assert not problems(case, list(report.outcomes))
            ingested += report.counts["ingested"]
        assert store.article_count() == ingested > 0
        logged = store.outcomes(limit=1000)
        assert any("\\x" in row["where"] for row in logged)  # the non-UTF-8 file name, kept
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
