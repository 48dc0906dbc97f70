"""Small, real WARC and ARC files built from HTML pages, for tests and benchmarks.

The WARC files are written by warcio's ``WARCWriter`` (the library Common Crawl's own tools
use), so they are real archives: a ``warcinfo`` record, then for each page a ``request`` and a
``response`` record, plus, on request, the records a crawl also holds and that are not
articles (a non-HTML response, a 404, a ``revisit``, a ``metadata`` record). warcio does not
write ARC, the older Internet Archive format; :func:`write_arc` builds it by hand (a text
header line per record, then the HTTP response).

Example:
    >>> pages = [Page("https://news.example/a", render_page("Title", "Body text."))]
    >>> write_warc(tmp_path / "CC-NEWS-20250101000000-00000.warc.gz", pages)  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import html
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_DATE = "2025-01-01T00:00:00Z"
# A 1x1 transparent PNG: the payload of the non-HTML response record.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@dataclass(frozen=True, slots=True)
class Page:
    """One crawled page: what the server sent for ``url`` and when it was fetched."""

    url: str
    body: str | bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    date: str = DEFAULT_DATE  # WARC-Date, ISO 8601 UTC
    headers: tuple[tuple[str, str], ...] = ()  # more HTTP headers ("Content-Encoding", "gzip")

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def render_page(
    title: str,
    text: str,
    *,
    published: datetime | None = None,
    source: str | None = None,
) -> str:
    """A news page around ``text``: site navigation, a headline, paragraphs, a footer.

    ``published`` goes into ``article:published_time`` metadata; leave it out to get a page
    without a date (the reader then falls back to the record's WARC-Date).
    """
    meta = ""
    if published is not None:
        meta += f'<meta property="article:published_time" content="{published.isoformat()}">\n'
    if source:
        meta += f'<meta property="og:site_name" content="{html.escape(source)}">\n'
    paragraphs = "\n".join(
        f"<p>{html.escape(' '.join(p.split()))}</p>" for p in text.split("\n\n") if p.strip()
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n"
        f"<title>{html.escape(title)}</title>\n{meta}</head><body>\n"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/business'>Business</a>"
        "</nav>\n"
        f"<article><h1>{html.escape(title)}</h1>\n{paragraphs}\n</article>\n"
        "<footer><a href='/privacy'>Privacy</a> <a href='/contact'>Contact</a></footer>\n"
        "</body></html>\n"
    )


def pages_from_folder(
    folder: Path, *, base_url: str = "https://news.example/", crawled: str = DEFAULT_DATE
) -> list[Page]:
    """One page per article that newsweave reads from ``folder`` (any input format).

    Each page's URL is made from the article id; the page keeps the article's title, source
    and publication date, so reading the archive back gives the same article texts;
    ``crawled`` is every record's WARC-Date.
    """
    from newsweave.ingest import read_inputs
    from newsweave.model import IngestStatus

    pages: list[Page] = []
    for outcome in read_inputs([folder]):
        article = outcome.article
        if outcome.status is not IngestStatus.INGESTED or article is None:
            continue
        body = render_page(
            article.title or article.text.split("\n", 1)[0][:80],
            article.text,
            published=article.published,
            source=article.source,
        )
        pages.append(Page(f"{base_url}story/{article.article_id}", body, date=crawled))
    return pages


def _http_headers(page: Page) -> Any:
    from warcio.statusandheaders import StatusAndHeaders

    reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(page.status, "Status")
    headers = [
        ("Content-Type", page.content_type),
        ("Content-Length", str(len(page.payload()))),
        *page.headers,
    ]
    return StatusAndHeaders(f"{page.status} {reason}", headers, protocol="HTTP/1.1")


def extra_pages(base_url: str = "https://news.example/") -> list[Page]:
    """Responses a crawl holds that are not articles: an image and a 404 page."""
    return [
        Page(f"{base_url}logo.png", _PNG, content_type="image/png"),
        Page(
            f"{base_url}gone",
            "<html><body><h1>Not found</h1><p>This page does not exist.</p></body></html>",
            status=404,
        ),
    ]


def write_warc(
    path: Path,
    pages: Sequence[Page],
    *,
    gzipped: bool | None = None,
    extras: bool = True,
) -> Path:
    """Write ``pages`` as a WARC file at ``path`` (gzipped per record when it ends in ``.gz``).

    With ``extras``, the archive also holds a metadata record, a non-HTML response, a 404
    response and a revisit record of the first page, as crawls do.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    compress = path.name.endswith(".gz") if gzipped is None else gzipped
    all_pages = list(pages) + (extra_pages() if extras else [])
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "newsweave warcgen"})
        )
        for page in all_pages:
            request = StatusAndHeaders(
                f"GET {page.url} HTTP/1.1",
                [("Host", page.url.split("/")[2]), ("User-Agent", "newsweave-test")],
                is_http_request=True,
            )
            writer.write_record(
                writer.create_warc_record(
                    page.url,
                    "request",
                    http_headers=request,
                    warc_headers_dict={"WARC-Date": page.date},
                )
            )
            writer.write_record(
                writer.create_warc_record(
                    page.url,
                    "response",
                    payload=io.BytesIO(page.payload()),
                    length=len(page.payload()),  # a known length: no temporary file
                    http_headers=_http_headers(page),
                    warc_headers_dict={"WARC-Date": page.date},
                )
            )
        if extras and pages:
            first = pages[0]
            writer.write_record(
                writer.create_warc_record(
                    first.url,
                    "metadata",
                    payload=io.BytesIO(b'{"fetchTimeMs": 120}'),
                    length=20,
                    warc_content_type="application/json",
                    warc_headers_dict={"WARC-Date": first.date},
                )
            )
            writer.write_record(
                writer.create_revisit_record(
                    first.url,
                    digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    refers_to_uri=first.url,
                    refers_to_date=first.date,
                    warc_headers_dict={"WARC-Date": "2025-01-02T00:00:00Z"},
                )
            )
    return path


def _arc_date(iso: str) -> str:
    stamp = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)
    return stamp.strftime("%Y%m%d%H%M%S")


def write_arc(path: Path, pages: Iterable[Page], *, gzipped: bool | None = None) -> Path:
    """Write ``pages`` as an ARC (version 1) file: a ``filedesc://`` header, then one record each.

    Each record is a line ``URL IP DATE CONTENT-TYPE LENGTH`` followed by the HTTP response
    (status line, headers, body) of that many bytes and a newline. Gzipped ARC compresses each
    record as its own gzip member, like WARC.
    """
    compress = path.name.endswith(".gz") if gzipped is None else gzipped
    listed = list(pages)
    first_date = _arc_date(listed[0].date if listed else DEFAULT_DATE)
    version = b"1 0 newsweave\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [
        f"filedesc://{path.name} 0.0.0.0 {first_date} text/plain {len(version)}\n".encode()
        + version
        + b"\n"
    ]
    for page in listed:
        body = page.payload()
        reason = "OK" if page.status == 200 else "Not Found"
        http = (
            f"HTTP/1.1 {page.status} {reason}\r\nContent-Type: {page.content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        kind = page.content_type.split(";")[0]
        line = f"{page.url} 192.0.2.1 {_arc_date(page.date)} {kind} {len(http)}\n".encode()
        records.append(line + http + b"\n")
    with path.open("wb") as handle:
        for record in records:
            handle.write(gzip.compress(record) if compress else record)
    return path


def truncate(path: Path, keep: float) -> Path:
    """Cut ``path`` to its first ``keep`` share of bytes, as an interrupted download leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


@dataclass(frozen=True, slots=True)
class BigPage:
    """A response whose body is ``head``, then ``filler`` ``repeat`` times, then ``tail``: a page
    far larger than memory should hold, written without ever being whole (``write_streamed``).
    With ``chunked``, the body is sent as one HTTP chunk (``Transfer-Encoding: chunked``)."""

    url: str
    head: bytes
    filler: bytes
    repeat: int
    tail: bytes
    chunked: bool = False

    def size(self) -> int:
        return len(self.head) + len(self.filler) * self.repeat + len(self.tail)


def _response_head(url: str, date: str, http_length: int) -> bytes:
    return (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        f"WARC-Date: {date}\r\nWARC-Target-URI: {url}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {http_length}\r\n\r\n"
    ).encode()


def write_streamed(path: Path, pages: Sequence[Page | BigPage]) -> Path:
    """A ``.warc.gz`` (one gzip member per record, as CC-NEWS) of ``pages``, built by hand and
    compressed piece by piece, so that a :class:`BigPage` of gigabytes costs no memory here."""
    import itertools
    import zlib

    with path.open("wb") as handle:
        for page in pages:
            packer = zlib.compressobj(6, zlib.DEFLATED, 31)
            if isinstance(page, BigPage):
                size = page.size()
                framing = (
                    (f"{size:x}\r\n".encode(), b"\r\n0\r\n\r\n") if page.chunked else (b"", b"")
                )
                coding = "Transfer-Encoding: chunked" if page.chunked else f"Content-Length: {size}"
                http = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{coding}\r\n\r\n"
                ).encode()
                length = len(http) + len(framing[0]) + size + len(framing[1])
                parts: Iterable[bytes] = itertools.chain(
                    (http, framing[0], page.head),
                    itertools.repeat(page.filler, page.repeat),
                    (page.tail, framing[1]),
                )
            else:
                body = page.payload()
                http = (
                    f"HTTP/1.1 {page.status} OK\r\nContent-Type: {page.content_type}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                length = len(http) + len(body)
                parts = (http, body)
            date = DEFAULT_DATE if isinstance(page, BigPage) else page.date
            handle.write(packer.compress(_response_head(page.url, date, length)))
            for part in parts:
                handle.write(packer.compress(part))
            handle.write(packer.compress(b"\r\n\r\n") + packer.flush())
    return path
