"""Reading files into outcomes: format dispatch, size and decoding checks, duplicates.

``read_inputs`` is the stage's entry point; it never raises for a bad input. Every file, JSONL
line and feed entry gives exactly one :class:`IngestOutcome`.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from newsweave.errors import InputError
from newsweave.ingest.article import IngestOptions, rejected
from newsweave.ingest.decode import binary_reason, decode, sniff_format
from newsweave.ingest.extract import read_html
from newsweave.ingest.feed import read_feed
from newsweave.ingest.jsonl import read_json, read_jsonl
from newsweave.ingest.paths import expand_paths
from newsweave.ingest.text import read_text
from newsweave.ingest.warc import is_archive, read_archive
from newsweave.model import IngestOutcome, IngestStatus

FORMATS_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
# Formats people try that newsweave does not read; rejected without looking inside.
UNSUPPORTED_SUFFIXES = frozenset(
    {
        ".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".xls", ".xlsx", ".ppt", ".pptx",
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp3", ".mp4", ".mov", ".wav",
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".tar", ".exe", ".db", ".sqlite",
    }
)  # fmt: skip
# and .md, .htm, .json, .arc(.gz)
SUPPORTED = "newsweave reads .txt, .html, .jsonl, .xml/.rss/.atom, .warc(.gz)"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _special_file(path: Path) -> str | None:
    """Why ``path`` is not a file to read (a FIFO blocks for ever, /dev/zero never ends), or None.

    Missing and unreadable paths give None: :func:`read_path` reports them in its own words.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
    )
    return f"is {kind}, not a regular file (reading it could block or never end); save it to a file"


def read_path(path: Path, options: IngestOptions) -> list[IngestOutcome]:
    """The outcomes of one file (several for JSONL and feeds); never raises for a bad file.

    Duplicates are not marked here (a single file has no batch); :func:`read_inputs` does.
    """
    where = str(path)
    suffix = path.suffix.lower()
    special = _special_file(path)
    if special:
        return [rejected(where, special)]
    if is_archive(path):  # streamed record by record; read_inputs does not make a list
        return list(read_archive(path, options))
    if suffix in UNSUPPORTED_SUFFIXES:
        return [rejected(where, f"unsupported file type {suffix}; {SUPPORTED}")]
    try:
        if path.is_dir():
            return [rejected(where, "is a folder, not a file; pass it to read_inputs")]
        size = path.stat().st_size
        if size > options.max_bytes:
            return [
                rejected(
                    where,
                    f"file is {_size(size)}, larger than the {_size(options.max_bytes)} limit "
                    "(IngestOptions.max_bytes); split it or raise the limit",
                )
            ]
        data = path.read_bytes()
    except FileNotFoundError:
        return [rejected(where, "no such file; check the path")]
    except PermissionError:
        return [rejected(where, "cannot read the file: permission denied")]
    except OSError as exc:
        return [rejected(where, f"cannot read the file: {exc.strerror or exc}")]
    if not data:
        return [rejected(where, "empty file (0 bytes)")]
    if len(data) > options.max_bytes:  # it grew between stat() and read
        return [rejected(where, f"file is larger than the {_size(options.max_bytes)} limit")]
    fmt = FORMATS_BY_SUFFIX.get(suffix)
    if fmt is None:
        reason = binary_reason(data)
        if reason:
            shown = suffix or "(no extension)"
            return [rejected(where, f"unsupported file type {shown}: {reason}; {SUPPORTED}")]
    try:
        text = decode(data, where)
    except InputError as exc:
        hint = f"; {exc.hint}" if exc.hint else ""
        return [rejected(where, exc.problem + hint)]
    if not text.strip():
        return [rejected(where, "the file holds only whitespace")]
    fmt = fmt or sniff_format(text)
    if fmt == "feed":
        return read_feed(data, path, where, options)
    if fmt == "html":
        return read_html(text, path, where, options)
    if fmt == "jsonl":
        return read_jsonl(text, path, where, options)
    if fmt == "json":
        return read_json(text, path, where, options)
    return read_text(text, path, where, options)


def read_inputs(
    paths: Iterable[str | Path], options: IngestOptions | None = None
) -> Iterator[IngestOutcome]:
    """One outcome per input item of ``paths`` (files, folders, globs), in sorted path order.

    Never raises for a bad input: a missing path, an unreadable file or a bad line is a
    rejected outcome whose ``reason`` says what to do. An article whose content hash was
    already yielded in this batch is a DUPLICATE with ``duplicate_of`` the earlier id.

    Example:
        >>> from newsweave.ingest import read_inputs
        >>> [o.status.value for o in read_inputs(["no/such/file.txt"])]
        ['rejected']
    """
    options = options or IngestOptions()
    files, problems = expand_paths(paths)
    yield from problems
    seen: dict[str, str] = {}
    for path in files:
        try:
            special = _special_file(path)  # before is_archive, which would open a FIFO
            outcomes: Iterable[IngestOutcome] = (
                [rejected(str(path), special)]
                if special
                else read_archive(path, options)
                if is_archive(path)
                else read_path(path, options)
            )
        except Exception as exc:  # a bug must not stop a batch; the reason asks for a report
            outcomes = [
                rejected(
                    str(path),
                    f"internal error while reading ({type(exc).__name__}: {exc}); "
                    "please report it with this file",
                )
            ]
        for outcome in outcomes:
            article = outcome.article
            if outcome.status is IngestStatus.INGESTED and article is not None:
                earlier = seen.get(article.content_hash)
                if earlier is not None:
                    outcome = replace(outcome, status=IngestStatus.DUPLICATE, duplicate_of=earlier)
                else:
                    seen[article.content_hash] = article.article_id
            yield outcome
