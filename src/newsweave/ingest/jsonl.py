"""JSON lines (.jsonl, .ndjson): one article per line; also a .json array of such objects.

Keys: ``text`` (required), ``title``, ``url``, ``source``, ``published`` (ISO date or
datetime; ``date`` is accepted too). A bad line is rejected on its own (``path:line 7``) and
the other lines are still read. A ``text`` that is HTML is extracted as a page would be.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsweave.ingest.article import IngestOptions, finish, rejected
from newsweave.ingest.dates import parse_date
from newsweave.ingest.decode import looks_like_html
from newsweave.ingest.extract import extract_html
from newsweave.model import DateOrigin, IngestOutcome

_LINES = re.compile(r"\r\n|\r|\n")


def _field(record: dict[str, object], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def read_record(record: object, path: Path, where: str, options: IngestOptions) -> IngestOutcome:
    """The outcome of one decoded JSON value."""
    if not isinstance(record, dict):
        return rejected(where, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is None:
        return rejected(where, 'missing "text" (each line needs the article text under "text")')
    if not isinstance(text, str):
        return rejected(where, f'"text" must be a string, got {type(text).__name__}')
    title = _field(record, "title", "headline")
    url = _field(record, "url", "link")
    source = _field(record, "source", "sitename")
    stated = record.get("published", record.get("date"))
    published = parse_date(stated)
    date_origin = DateOrigin.HEADER if published else DateOrigin.UNKNOWN
    input_format = "jsonl"
    if looks_like_html(text):
        extracted = extract_html(text, options.min_chars, options.navigation_share)
        if isinstance(extracted, str):
            return rejected(where, f'no article text found in the HTML of "text" ({extracted})')
        text = extracted.text
        title = title or extracted.title
        if published is None and extracted.published is not None:
            published, date_origin = extracted.published, DateOrigin.METADATA
        input_format = "jsonl-html"
    return finish(
        where,
        text,
        options,
        empty_reason='"text" is empty',
        path=str(path),
        input_format=input_format,
        title=title,
        source=source,
        url=url,
        published=published,
        date_origin=date_origin,
        date_text=stated,
    )


def read_jsonl(text: str, path: Path, where: str, options: IngestOptions) -> list[IngestOutcome]:
    """One outcome per non-blank line of a JSON-lines file."""
    outcomes: list[IngestOutcome] = []
    # Split on CR/LF only: str.splitlines() also breaks at U+2028/U+2029 (and \x1c-\x1e,
    # \x85), which JSON allows unescaped inside strings.
    for number, line in enumerate(_LINES.split(text), start=1):
        if not line.strip():
            continue
        line_where = f"{where}:line {number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            outcomes.append(rejected(line_where, f"invalid JSON ({detail})"))
            continue
        except RecursionError:
            outcomes.append(rejected(line_where, "invalid JSON (nested too deeply)"))
            continue
        outcomes.append(read_record(record, path, line_where, options))
    if not outcomes:
        outcomes.append(rejected(where, "no JSON lines found (the file holds only blank lines)"))
    return outcomes


def read_json(text: str, path: Path, where: str, options: IngestOptions) -> list[IngestOutcome]:
    """A whole-file JSON document: one object (one article) or an array of objects."""
    try:
        document = json.loads(text)
    except RecursionError:
        return [rejected(where, "invalid JSON (nested too deeply)")]
    except ValueError as exc:
        if text.lstrip().startswith("{") and "\n" in text.strip():
            return read_jsonl(text, path, where, options)  # JSON lines under another name
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return [rejected(where, f"invalid JSON ({detail})")]
    if isinstance(document, list):
        if not document:
            return [rejected(where, "the JSON array is empty")]
        return [
            read_record(record, path, f"{where} item {number}", options)
            for number, record in enumerate(document, start=1)
        ]
    return [read_record(document, path, where, options)]
