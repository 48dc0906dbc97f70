"""What the CLI reports is what happened: the summary survives a cache error after commit,
and names from the input are printed escaped, never obeyed by the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main
from newsweave.pipeline import ingest
from newsweave.store import SQLiteStore
from newsweave.storyindex import index_path_for
from newsweave.terminal import printable

ARTICLE = (
    "The harbour council voted on Tuesday to open a second ferry route to the islands, after "
    "a year of delays over the cost of the new quay, its transport officer said."
)


def test_an_index_cache_error_after_commit_is_a_warning(
    tmp_path: Path, nlp: object, embedder: object, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "news.sqlite"
    index = index_path_for(str(db))
    assert index is not None
    # A folder where the index's temporary file goes: usearch cannot write it.
    index.with_name(index.name + ".partial").mkdir()
    with SQLiteStore(db) as store, caplog.at_level(logging.WARNING, "newsweave.pipeline"):
        report = ingest([tmp_path / "a.txt"], store)
        assert report.summary_line() == "1 inputs: 1 ingested, 0 duplicate, 0 rejected; 1 stories"
        assert store.article_count() == 1 and len(store.stories()) == 1
    assert "could not save the story index cache" in caplog.text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("bad\x1b[31m.txt", "bad\\x1b[31m.txt"),
        ("line\nbreak", "line\\x0abreak"),
        ("bell\x07 and \x9b csi", "bell\\x07 and \\x9b csi"),
        ("café tab\tkept", "café tab\tkept"),
    ],
)
def test_printable_escapes_control_characters(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_rejected_file_names_are_printed_escaped(tmp_path: Path) -> None:
    name = "evil\x1b]0;owned\x07.txt"
    (tmp_path / name).write_text("too short", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["ingest", "--db", str(tmp_path / "db.sqlite"), str(tmp_path)]
    )
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "evil\\x1b]0;owned\\x07.txt" in result.output
