"""Every kind of bad input is a rejected outcome with a reason a person can act on."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from newsweave.ingest import IngestOptions, read_inputs, read_path
from newsweave.model import IngestStatus

BODY = "The harbour council voted on Tuesday to approve a ferry route to the northern islands."


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "content", "reason_start"),
    [
        ("empty.txt", b"", "empty file (0 bytes)"),
        ("blank.txt", b"  \n\t\n \r\n", "the file holds only whitespace"),
        ("image.txt", _png(), "binary file (a PNG image), not text"),
        ("nul.txt", b"text\x00with\x00nuls" * 10, "binary file (it contains NUL bytes)"),
        ("noise.txt", bytes(range(1, 32)) * 20, "binary file (81% of its bytes are control"),
        ("odd.txt", b"\xfe\xff\xd8\x00", "cannot decode as text (tried utf-16"),
        ("report.pdf", b"%PDF-1.7\n", "unsupported file type .pdf; newsweave reads .txt, .html"),
        ("blob.bin", b"\x00\x01\x02" * 50, "unsupported file type .bin: binary file"),
        ("short.txt", b"Ferry approved.", "only 15 characters of article text, fewer than"),
        ("header-only.txt", b"title: Ferry\ndate: 2024-01-01\n",
         "no article text found (the file holds only header lines)"),
        ("empty.html", b"<html><body></body></html>",
         "no article text found (the page has no visible text)"),
        ("short.html", b"<html><body><p>Ferry approved.</p></body></html>",
         "no article text found (only 15 characters of main text"),
        ("nothing.jsonl", b"\n\n", "the file holds only whitespace"),
        ("empty-feed.rss", b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>",
         "no feed entries found (the feed has no entries)"),
        ("sitemap.xml", b"<?xml version='1.0'?><urlset><url><loc>/a</loc></url></urlset>",
         "no feed entries found (not an RSS or Atom feed)"),
        ("broken.xml", b"<?xml version='1.0'?><rss><channel><item", "no feed entries found (XML"),
    ],
)  # fmt: skip
def test_bad_file_is_rejected(tmp_path: Path, name: str, content: bytes, reason_start: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [outcome] = read_path(path, IngestOptions())
    assert outcome.status is IngestStatus.REJECTED
    assert outcome.where == str(path)
    assert outcome.reason is not None and outcome.reason.startswith(reason_start), outcome.reason


def test_missing_path(tmp_path: Path) -> None:
    [outcome] = read_inputs([tmp_path / "nope.txt"])
    assert outcome.status is IngestStatus.REJECTED
    assert outcome.reason == "no such file or folder; check the path"


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    [outcome] = read_inputs([tmp_path])
    assert outcome.reason == "the folder holds no files"


def test_file_too_large_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(BODY * 10)
    [outcome] = read_path(path, IngestOptions(max_bytes=100))
    assert outcome.status is IngestStatus.REJECTED
    assert outcome.reason is not None
    assert "larger than the 100 bytes limit (IngestOptions.max_bytes)" in outcome.reason


def test_undecodable_text_asks_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 40)  # UTF-16 BOM, then lone surrogates
    [outcome] = read_path(path, IngestOptions())
    assert outcome.reason is not None
    assert outcome.reason.startswith("cannot decode as text (tried utf-16")
    assert outcome.reason.endswith("save it as UTF-8")


def test_min_chars_option(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(BODY)
    assert read_path(path, IngestOptions(min_chars=10))[0].status is IngestStatus.INGESTED
    assert read_path(path, IngestOptions(min_chars=1000))[0].status is IngestStatus.REJECTED


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_bytes(_png())
    (tmp_path / "2.txt").write_text(BODY)
    (tmp_path / "3.pdf").write_bytes(b"%PDF-1.7")
    statuses = [o.status for o in read_inputs([tmp_path])]
    assert statuses == [IngestStatus.REJECTED, IngestStatus.INGESTED, IngestStatus.REJECTED]
