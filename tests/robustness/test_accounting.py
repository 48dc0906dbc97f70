"""What the CLI reports is what happened: the summary survives a cache error after commit,
and names from the input are printed escaped, never obeyed by the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main
from newsweave.cluster.storyindex import index_path_for
from newsweave.pipeline import ingest
from newsweave.store import SQLiteStore
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


def test_warc_target_uris_are_printed_escaped(tmp_path: Path) -> None:
    from tests.support.warcgen import Page, write_warc

    uri = "https://news.example/\x1b]0;owned\x07\x1b[2Jpage"
    archive = write_warc(
        tmp_path / "crawl.warc.gz", [Page(uri, "<html><body></body></html>")], extras=False
    )
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "db.sqlite"), str(archive)])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "(https://news.example/\\x1b]0;owned\\x07\\x1b[2Jpage)" in result.output


def test_two_concurrent_ingests_report_what_the_store_did(tmp_path: Path) -> None:
    import os
    import re
    import sqlite3
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    towns = ["Arden", "Belmar", "Corran", "Dunmore", "Eskdale", "Fenwick", "Garth", "Holm"]
    for i, town in enumerate(towns):
        (folder / f"{i}.txt").write_text(
            f"The council of {town} voted on Tuesday to close the old bridge over the river "
            f"for {i + 2} months of repairs, its engineer said at the town hall.",
            encoding="utf-8",
        )
    db = tmp_path / "shared.sqlite"
    env = {**os.environ, "NEWSWEAVE_DB": str(db)}
    command = [sys.executable, "-m", "newsweave.cli", "ingest", str(folder)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    answers = [run.communicate(timeout=600) for run in runs]
    outputs = [out.decode() for out, _ in answers]
    assert all(run.returncode == 0 for run in runs), [(o, e.decode()[-2000:]) for o, e in answers]
    ingested = [int(re.search(r"(\d+) ingested", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    duplicate = [int(re.search(r"(\d+) duplicate", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    assert sum(ingested) == len(towns), outputs
    assert [i + d for i, d in zip(ingested, duplicate, strict=True)] == [len(towns)] * 2
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT status, count(*) FROM ingest_log GROUP BY status").fetchall()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles == len(towns)
    assert dict(rows) == {"ingested": len(towns), "duplicate": len(towns)}


def test_story_list_prints_file_names_and_titles_escaped(tmp_path: Path) -> None:
    # A source named after its file, and a title with a C1 control (CSI as one byte).
    name = "evil\x1b]0;owned\x07.txt"
    (tmp_path / name).write_text("title: Quay \x9b2J closed\n\n" + ARTICLE, encoding="utf-8")
    db = str(tmp_path / "db.sqlite")
    assert CliRunner().invoke(main, ["ingest", "--db", db, str(tmp_path / name)]).exit_code == 0
    listed = CliRunner().invoke(main, ["stories", "--db", db])
    assert listed.exit_code == 0, listed.output
    assert not any(c in listed.output for c in "\x1b\x07\x9b"), repr(listed.output)
    assert "evil\\x1b]0;owned\\x07.txt" in listed.output
