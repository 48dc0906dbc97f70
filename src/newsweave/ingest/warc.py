"""Web archives (WARC and ARC, plain or gzipped; Common Crawl CC-NEWS): one outcome per response.

An archive is read record by record with warcio, never whole: CC-NEWS files are ~1 GB each.
Only ``response`` records can hold an article; ``warcinfo``, ``request``, ``metadata``,
``revisit`` and ``conversion`` records are counted in :class:`ArchiveCounts` and give no
outcome. Every response record gives exactly one outcome: an article (its page run through the
HTML extraction of :mod:`.extract`, its URL the record's ``WARC-Target-URI``, its date the
page's own or else the record's ``WARC-Date``), or a rejection saying why (HTTP status, not
HTML, no article text). A truncated or corrupt archive keeps what was read before the damage
and adds one rejected outcome saying where it broke.

Memory and work are bounded whatever the archive holds. A page is read at most
``IngestOptions.max_bytes`` (+1) far, after its transfer and content encodings; the rest of a
record is inflated a megabyte at a time and dropped. A record that inflates past
``max_record_bytes`` is rejected as a bomb and skipped that way, and the records after it are
read. The whole archive is inflated at most ``max_inflation`` times its size on disk (or
``inflation_floor`` bytes): past that, one rejected outcome names the record where reading
stopped.
"""

from __future__ import annotations

import gzip
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.ingest.article import IngestOptions, rejected
from newsweave.ingest.decode import decode, looks_like_html
from newsweave.ingest.extract import read_html
from newsweave.model import DateOrigin, IngestOutcome, IngestStatus

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MAGIC_WARC = b"WARC/"
_GZIP = b"\x1f\x8b"
_PIECE = 1 << 20  # bytes inflated and dropped at a time when a record is skipped


class ArchiveCounts(Counter[str]):
    """Records seen in one archive by WARC type (``response``, ``request``, ``revisit`` …)."""


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a WARC/ARC file: by its name, or for an unknown name, by its bytes."""
    name = path.name.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        return True
    if path.suffix.lower() not in {"", ".gz", ".dat", ".bin"}:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
        if head.startswith(_GZIP):
            with gzip.open(path, "rb") as unzipped:
                head = unzipped.read(64)
    except (OSError, EOFError):
        return False
    return head.startswith(_MAGIC_WARC) or head.startswith(b"filedesc://")


def _date(value: str | None) -> datetime | None:
    """A WARC-Date (ISO 8601, UTC) as an aware datetime, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _text(payload: bytes, content_type: str, where: str) -> str:
    """The page as text: the charset the server declared, else newsweave's decoding."""
    declared = _charset(content_type)
    if declared:
        try:
            return payload.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(payload, where)


def _response(
    record: Any, payload: bytes, archive: Path, where: str, options: IngestOptions
) -> IngestOutcome:
    """The outcome of one complete response record."""
    headers = record.http_headers
    status = headers.get_statuscode() if headers is not None else "200"
    if status != "200":
        target = headers.get_header("Location") if headers is not None else None
        moved = f" to {target}" if target else ""
        return rejected(where, f"HTTP {status}{moved}: the server sent no article page")
    content_type = (headers.get_header("Content-Type") if headers is not None else None) or ""
    kind = content_type.split(";")[0].strip().lower()
    if not payload:
        return rejected(where, "the response has no body")
    if kind and kind not in HTML_TYPES:
        return rejected(where, f"not HTML (content-type {kind})")
    try:
        markup = _text(payload, content_type, where)
    except InputError as exc:
        return rejected(where, f"not HTML (content-type {kind or 'missing'}): {exc.problem}")
    if not kind and not looks_like_html(markup):
        return rejected(where, "not HTML (content-type missing and the body is not markup)")
    [outcome] = read_html(markup, archive, where, options)
    article = outcome.article
    if outcome.status is not IngestStatus.INGESTED or article is None:
        return outcome
    url = record.rec_headers.get_header("WARC-Target-URI") or article.url
    changes: dict[str, Any] = {"url": url, "input_format": "warc"}
    crawled = _date(record.rec_headers.get_header("WARC-Date"))
    if article.published is None and crawled is not None:
        changes.update(published=crawled, date_origin=DateOrigin.METADATA)
    return replace(outcome, article=replace(article, **changes))


class _Budget:
    """The inflated bytes an archive may still cost (``IngestOptions.max_inflation``)."""

    def __init__(self, size_on_disk: int, options: IngestOptions) -> None:
        self.size_on_disk = size_on_disk
        self.total = max(options.max_inflation * size_on_disk, options.inflation_floor)
        self.left = self.total

    def drain(self, stream: Any) -> bool:
        """Inflate and drop the rest of ``stream`` a megabyte at a time, paying for it; False
        when the budget ran out before the stream did."""
        while self.left > 0:
            chunk = stream.read(min(_PIECE, self.left))
            if not chunk:
                return True
            self.left -= len(chunk)
        return not stream.read(1)

    def spent(
        self, archive: Path, number: int, uri: str | None, opts: IngestOptions
    ) -> IngestOutcome:
        shown = f" ({uri})" if uri else ""
        return rejected(
            f"{archive} record {number}{shown}",
            f"the archive inflates to more than {self.total:,} bytes in all (IngestOptions."
            f"max_inflation: {opts.max_inflation} times its {self.size_on_disk:,} bytes on disk, "
            f"or inflation_floor {opts.inflation_floor:,}): a decompression bomb or a damaged "
            f"archive; record {number} and the records after it were not read. If the archive "
            "is real, raise max_inflation",
        )


class _Capped:
    """At most ``cap`` bytes of ``stream``; ``full`` once they are all read. Chunked transfer
    decoding reads a whole chunk (up to 2 GB) at once: this bounds it."""

    def __init__(self, stream: Any, cap: int) -> None:
        self.stream = stream
        self.left = cap
        self.full = False

    def _took(self, data: bytes) -> bytes:
        self.left -= len(data)
        self.full = self.left <= 0
        return data

    def read(self, length: int | None = None) -> bytes:
        wanted = self.left if length is None or length < 0 else min(length, self.left)
        return self._took(self.stream.read(wanted)) if wanted > 0 else b""

    def readline(self, length: int | None = None) -> bytes:
        wanted = self.left if length is None or length < 0 else min(length, self.left)
        return self._took(self.stream.readline(wanted)) if wanted > 0 else b""


def _body(record: Any, cap: int) -> tuple[Any, _Capped | None]:
    """The record's HTTP body, de-chunked and decoded as warcio's ``content_stream`` reads it,
    with a chunked body's raw bytes capped at ``cap`` (the cap, when one is set, comes second)."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    headers = record.http_headers
    stream = record.raw_stream
    if headers is None:
        return stream, None
    encoding = (headers.get_header("content-encoding") or "").lower()
    capped = None
    if headers.get_header("transfer-encoding") == "chunked":
        capped = _Capped(stream, cap)
        stream = ChunkedDataReader(capped)
    if encoding in BufferedReader.get_supported_decompressors():
        stream = BufferedReader(stream, decomp_type=encoding)
    return stream, capped


def _damaged(
    archive: Path, number: int, uri: str | None, offset: int, problem: str
) -> IngestOutcome:
    read = number - 1
    shown = f" ({uri})" if uri else ""
    return rejected(
        f"{archive} record {number}{shown}",
        f"archive is damaged at byte {offset:,}: {problem}; the {read} records before it were "
        "read. Download the file again (a truncated or corrupt copy)",
    )


def read_archive(
    path: Path, options: IngestOptions | None = None, counts: ArchiveCounts | None = None
) -> Iterator[IngestOutcome]:
    """One outcome per response record of the WARC/ARC file ``path``, streamed.

    Args:
        path: a ``.warc``, ``.warc.gz``, ``.arc`` or ``.arc.gz`` file (CC-NEWS files included).
        options: the ingest limits; ``max_bytes`` applies to each page, not to the archive.
        counts: when given, filled with the number of records of each WARC type.

    Never raises for a bad archive: an unreadable file or damage gives a rejected outcome.
    Outcomes name the record: ``CC-NEWS-….warc.gz record 17 (https://…)``.

    Example:
        >>> [o.status.value for o in read_archive(Path("missing.warc.gz"))]
        ['rejected']
    """
    from warcio.archiveiterator import ArchiveIterator

    opts = options or IngestOptions()
    tally = counts if counts is not None else ArchiveCounts()
    number = 0
    uri: str | None = None
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield rejected(str(path), f"cannot read the archive: {exc.strerror or exc}")
        return
    with handle:
        budget = _Budget(os.fstat(handle.fileno()).st_size, opts)
        records = ArchiveIterator(handle, arc2warc=True)
        try:
            for record in records:
                number += 1
                uri = record.rec_headers.get_header("WARC-Target-URI")
                kind = record.rec_type
                if kind is None:
                    offset = records.get_record_offset()
                    yield _damaged(path, number, uri, offset, "a record header is unreadable")
                    return
                if budget.left <= 0:
                    yield budget.spent(path, number, uri, opts)
                    return
                tally[kind] += 1
                raw = record.raw_stream
                if kind != "response":
                    if not budget.drain(raw):
                        yield budget.spent(path, number, uri, opts)
                        return
                    continue
                where = f"{path} record {number}" + (f" ({uri})" if uri else "")
                start = getattr(raw, "limit", 0) or 0
                # At most max_bytes + 1 bytes of the page, after its transfer and content
                # encodings; a chunked body's raw bytes are capped a megabyte beyond that.
                body, capped = _body(record, opts.max_bytes + 1 + _PIECE)
                payload = body.read(opts.max_bytes + 1)
                too_big = len(payload) > opts.max_bytes or (capped is not None and capped.full)
                budget.left -= max(len(payload), start - (getattr(raw, "limit", 0) or 0))
                if not budget.drain(raw):
                    yield budget.spent(path, number, uri, opts)
                    return
                missing = getattr(raw, "limit", 0) or 0
                if missing > 0:
                    offset = records.get_record_offset()
                    problem = f"record {number} is cut short ({missing:,} bytes missing)"
                    yield _damaged(path, number, uri, offset, problem)
                    return
                size = start - missing
                if size > opts.max_record_bytes:
                    yield rejected(
                        where,
                        f"the record inflates to {size:,} bytes, more than the "
                        f"{opts.max_record_bytes:,} of IngestOptions.max_record_bytes: a "
                        "decompression bomb or a damaged record. It was skipped without being "
                        "held in memory, and the records after it are read; if the page is "
                        "real, raise max_record_bytes",
                    )
                    continue
                if too_big:
                    yield rejected(
                        where,
                        f"page is more than {opts.max_bytes:,} bytes, over IngestOptions."
                        "max_bytes: skipped, and the records after it are read; raise the "
                        "limit to read it",
                    )
                    continue
                try:
                    yield _response(record, payload, path, where, opts)
                except Exception as exc:  # a bug must not stop an archive
                    yield rejected(
                        where,
                        f"internal error while reading ({type(exc).__name__}: {exc}); "
                        "please report it with this archive",
                    )
        except Exception as exc:  # warcio, gzip and zlib errors on damaged bytes
            shown = "".join(c if c.isprintable() else "?" for c in str(exc)[:80])
            yield _damaged(path, number + 1, None, handle.tell(), f"{type(exc).__name__}: {shown}")
            return
    if number == 0:
        yield rejected(str(path), "the archive holds no records (an empty or unreadable file)")
    elif tally["response"] == 0:
        seen = ", ".join(f"{n} {kind}" for kind, n in sorted(tally.items()))
        yield rejected(str(path), f"the archive holds no response records ({seen})")
