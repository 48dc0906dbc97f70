"""Publication dates from header lines and structured fields, always timezone-aware.

A date is read only when it names a day: "2025-10-26", "Oct 26, 2025", an RFC 2822 date.
Relative or partial values ("yesterday", "October 2025") give None rather than a guessed day,
because a wrong publication date would mis-resolve every relative date in the article.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_HAS_YEAR = re.compile(r"\b(1[89]|2[01])\d\d\b")


def aware(value: datetime) -> datetime:
    """The datetime with UTC assumed when it carries no zone."""
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime (UTC when no zone is given), or None if ``value`` names no day.

    Example:
        >>> parse_date("2025-10-26").isoformat()
        '2025-10-26T00:00:00+00:00'
        >>> parse_date("next Thursday") is None
        True
    """
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 80 or not _HAS_YEAR.search(text):
        return None
    try:
        return aware(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return aware(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    return _dateparser(text)


def _dateparser(text: str) -> datetime | None:
    """dateparser for the common written forms; English only (30x faster, no "we" = Wednesday)."""
    import dateparser

    settings = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DATES_FROM": "past",
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    return aware(parsed) if parsed is not None else None
