"""Plain-text articles (.txt, .md): optional header lines, a headline, the body.

Accepted shapes::

    title: Harbour council approves ferry route      <- header lines (any order, optional)
    date: 2031-04-12
    source: Coastline Courier
    url: https://example.org/ferry

    PORT ELLERY: The harbour council voted ...        <- body

or a first line ``date 2025-10-26 The body starts here ...`` (a date stamp before the body on
the same line), or no header at all. Without a title header, a first paragraph that is a
headline (short, no sentence-ending punctuation, followed by more text) becomes the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsweave.ingest.article import IngestOptions, finish, normalise_text
from newsweave.ingest.clean import remove_boilerplate
from newsweave.ingest.dates import parse_date
from newsweave.model import DateOrigin, IngestOutcome

HEADER_KEYS = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "published": "date",
    "source": "source",
    "url": "url",
    "link": "url",
}
# The value is stripped in Python: ".*?\s*$" backtracks quadratically on a line of spaces.
_HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-z]+)\s*:(?P<value>.*)$")
_INLINE_DATE = re.compile(
    r"^\s*date:?\s+(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)(?=\s|$)[ \t]*",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?:;,…][\"'”’)\]]*$")
MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_LINES = 3


@dataclass(frozen=True, slots=True)
class Header:
    """What the header lines said; ``date_text`` is kept to tell "absent" from "unreadable"."""

    title: str | None = None
    date_text: str | None = None
    source: str | None = None
    url: str | None = None

    @property
    def published(self) -> datetime | None:
        return parse_date(self.date_text) if self.date_text else None


def split_header(text: str) -> tuple[Header, str]:
    """The header fields at the top of ``text`` and the rest of the text.

    Header lines are ``key: value`` with a known key, one per line, before the first blank
    line or the first line that is not a header. A first line that starts with
    ``date 2025-10-26`` followed by body text on the same line is a date stamp.

    Example:
        >>> header, body = split_header("title: Ferry\\ndate: 2031-04-12\\n\\nThe council voted.")
        >>> header.title, header.date_text, body
        ('Ferry', '2031-04-12', 'The council voted.')
    """
    fields: dict[str, str] = {}
    inline = _INLINE_DATE.match(text)
    if inline:
        fields["date"] = inline.group("date")
        text = text[inline.end() :]
    lines = text.lstrip("\n").split("\n")
    consumed = 0
    for line in lines:
        match = _HEADER_LINE.match(line)
        key = HEADER_KEYS.get(match.group("key").lower()) if match else None
        if match is None or key is None or key in fields:
            break
        fields[key] = match.group("value").strip()
        consumed += 1
    body = "\n".join(lines[consumed:])
    if consumed:
        body = body.lstrip("\n")  # the blank line that ends the header
    header = Header(
        title=fields.get("title") or None,
        date_text=fields.get("date") or None,
        source=fields.get("source") or None,
        url=fields.get("url") or None,
    )
    return header, body


def is_headline(line: str) -> bool:
    """A short line without sentence-ending punctuation that is not a dateline or a label."""
    words = line.split()
    if not 2 <= len(words) < MAX_HEADLINE_WORDS or _TERMINAL.search(line.strip()):
        return False
    first = line.lstrip()[0]
    return (first.isupper() or first.isdigit() or first in "\"“'‘") and not line.isupper()


def split_headline(body: str) -> tuple[str | None, str]:
    """A headline paragraph at the top of ``body`` (as title) and the rest.

    The first paragraph (up to the first blank line) is a headline block when its first line
    is a headline and it has at most three lines (headline and standfirst), none ending a
    sentence, and text follows it. The whole block is removed from the body.
    """
    stripped = body.strip("\n")
    if "\n\n" not in stripped:
        return None, body
    first, rest = stripped.split("\n\n", 1)
    lines = [line for line in first.split("\n") if line.strip()]
    if (
        not lines
        or len(lines) > MAX_HEADLINE_LINES
        or not is_headline(lines[0])
        or any(_TERMINAL.search(line.strip()) for line in lines[1:])
        or not rest.strip()
    ):
        return None, body
    return lines[0].strip(), rest


def read_text(text: str, path: Path, where: str, options: IngestOptions) -> list[IngestOutcome]:
    """One article from the decoded contents of a text file."""
    header, body = split_header(normalise_text(text))
    body = remove_boilerplate(body)
    title = header.title
    if title is None:
        title, body = split_headline(normalise_text(body))
    published = header.published
    return [
        finish(
            where,
            body,
            options,
            empty_reason="no article text found (the file holds only header lines)",
            path=str(path),
            input_format="text",
            title=title,
            source=header.source,
            url=header.url,
            published=published,
            date_origin=DateOrigin.HEADER if published else DateOrigin.UNKNOWN,
            date_text=header.date_text,
        )
    ]
