"""RSS and Atom feeds (.xml, .rss, .atom): one outcome per entry.

An entry becomes an article only when the feed carries its text (``content`` or a long
summary). Most feeds carry a link and a teaser; such an entry is rejected with what to do
instead, never silently skipped. Broken XML is read as far as feedparser gets.
"""

from __future__ import annotations

import calendar
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsweave.ingest.article import IngestOptions, finish, normalise_text, rejected
from newsweave.ingest.dates import parse_date
from newsweave.ingest.decode import looks_like_html
from newsweave.ingest.extract import extract_html
from newsweave.model import DateOrigin, IngestOutcome

# A summary at least this long is taken as the article text; shorter ones are teasers.
_TITLE_CHARS = 60


_DATE_KEYS = ("published", "updated", "created")


def entry_date(entry: Any) -> tuple[datetime | None, str | None]:
    """The entry's publication date, and the first date it stated as text.

    feedparser converts each date to UTC and gives None for what it cannot (an offset that
    takes year 9999 past the end of the calendar, a misspelt month), or a year the text does
    not state ("0001 05:00:00 +1900" read as 1900, "1 Dec 1" as 2001): such a date is read as
    it was written, so that a placeholder or an unreadable date is reported with the article (see
    :func:`~newsweave.ingest.article.finish`) rather than dropped unsaid or misread.
    """
    stated: str | None = None
    for key in _DATE_KEYS:
        with warnings.catch_warnings():  # feedparser warns when it maps updated -> published
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = entry.get(f"{key}_parsed")
            raw = entry.get(key)
        text = raw if isinstance(raw, str) and raw.strip() else None
        ours = parse_date(text) if text is not None else None
        # feedparser's year is trusted where newsweave reads the same (or the next or last,
        # after the conversion to UTC), or reads none and the text states that year
        if parsed and (
            abs(ours.year - parsed.tm_year) <= 1
            if ours is not None
            else text is None or _states_year(text, parsed.tm_year)
        ):
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC), None
            except (OverflowError, ValueError, OSError, TypeError):
                pass
        if ours is not None:
            return _in_utc(ours), None
        if text is not None:
            stated = stated or text
    return None, stated


_DIGITS = frozenset("0123456789")


def _states_year(text: str, year: int) -> bool:
    """Whether ``text`` writes ``year`` (or the next or last one, which a conversion to UTC
    can give) as a number of its own: not a zone offset ("+1900") and not part of a time
    ("23:59"); two digits stand for 19xx or 20xx as RFC 822 allows. feedparser takes the
    offset of a date with no year ("Fri, 1 Dec 23:59:59 +1900") for its year."""
    near = {year - 1, year, year + 1}
    start, size = 0, min(len(text), 200)  # a date; the rest of an over-long field is no date
    while start < size:
        if text[start] not in _DIGITS:
            start += 1
            continue
        end = start
        while end < size and text[end] in _DIGITS:
            end += 1
        before = text[start - 1] if start else " "
        after = text[end] if end < size else " "
        if before not in "+-:" and after != ":":
            value = int(text[start:end])
            if value in near or (end - start == 2 and value in {y % 100 for y in near}):
                return True
        start = end
    return False


def _in_utc(value: datetime) -> datetime:
    """``value`` in UTC, as feedparser gives its dates, unless that leaves the calendar
    (year 9999 at -12:00: a placeholder, kept as written so that the reader reports it)."""
    try:
        return value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        return value


def _as_text(value: str, options: IngestOptions) -> str:
    if not looks_like_html(value):
        return normalise_text(value)
    extracted = extract_html(value, options.min_chars, options.navigation_share)
    return "" if isinstance(extracted, str) else extracted.text


def _entry_text(entry: Any, options: IngestOptions) -> tuple[str, int]:
    """The entry's article text ("" when it has none) and the length of its summary."""
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, dict) else None
        if isinstance(value, str) and value.strip():
            text = _as_text(value, options)
            if text:
                return text, 0
    summary = entry.get("summary")
    if not isinstance(summary, str):
        return "", 0
    text = _as_text(summary, options)
    enough = max(options.min_feed_summary, options.min_chars)
    return (text, len(text)) if len(text) >= enough else ("", len(text))


def read_feed(data: bytes, path: Path, where: str, options: IngestOptions) -> list[IngestOutcome]:
    """One outcome per entry of the feed in ``data`` (bytes: feedparser never fetches them)."""
    import feedparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
        except Exception as exc:  # feedparser wraps many parsers; any failure is a bad file
            return [rejected(where, f"not a readable RSS or Atom feed ({type(exc).__name__})")]
    entries = list(parsed.get("entries") or [])
    if not entries:
        problem = parsed.get("bozo_exception")
        if problem:
            detail = f"XML error: {problem}"
        elif not parsed.get("version"):
            detail = "not an RSS or Atom feed"
        else:
            detail = "the feed has no entries"
        return [rejected(where, f"no feed entries found ({detail})")]
    source = (parsed.get("feed") or {}).get("title") or None
    outcomes: list[IngestOutcome] = []
    for number, entry in enumerate(entries, start=1):
        title = entry.get("title") if isinstance(entry.get("title"), str) else None
        label = " ".join((title or "").split())
        if len(label) > _TITLE_CHARS:
            label = label[: _TITLE_CHARS - 1] + "…"
        entry_where = f"{where} entry {number}" + (f' ("{label}")' if label else "")
        text, summary_chars = _entry_text(entry, options)
        if not text:
            teaser = f" and a {summary_chars}-character summary" if summary_chars else ""
            outcomes.append(
                rejected(
                    entry_where,
                    f"the entry has only a link{teaser} and no article text; fetch the page "
                    "(newsweave watch) or save it as HTML",
                )
            )
            continue
        published, stated = entry_date(entry)
        link = entry.get("link")
        outcomes.append(
            finish(
                entry_where,
                text,
                options,
                path=str(path),
                input_format="feed",
                title=title,
                source=source if isinstance(source, str) else None,
                url=link if isinstance(link, str) else None,
                published=published,
                date_origin=DateOrigin.METADATA if published else DateOrigin.UNKNOWN,
                date_text=stated,
            )
        )
    return outcomes
