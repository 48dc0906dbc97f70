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

# A year, not a zone offset ("+1900", " -2000"): a date with no year is no date.
_HAS_YEAR = re.compile(r"(?<!\+)(?<!\s-)\b(1[89]|2[01])\d\d\b")
# Publication dates outside these years are placeholders that feeds and CMSs really send
# (.NET's 0001-01-01, "Fri, 31 Dec 9999"), not dates; the same range _HAS_YEAR reads.
PLAUSIBLE_YEARS = range(1800, 2200)


def placeholder_reason(value: datetime) -> str | None:
    """Why ``value`` cannot be a real publication date, or None when it can.

    Example:
        >>> placeholder_reason(datetime(9999, 12, 31, tzinfo=UTC))[:40]
        'publication date 9999-12-31T00:00:00+00:'
        >>> placeholder_reason(datetime(2025, 10, 26, tzinfo=UTC)) is None
        True
    """
    if value.year in PLAUSIBLE_YEARS:
        return None
    return (
        f"publication date {value.isoformat()} is a placeholder, not a date (year "
        f"{value.year} is outside {PLAUSIBLE_YEARS.start}-{PLAUSIBLE_YEARS.stop - 1}); "
        "the article is kept with an unknown date"
    )


def unreadable_reason(stated: object) -> str | None:
    """Why a publication date the input stated is not used when it names no day that
    :func:`parse_date` reads (None when nothing was stated), so that no stated date is
    dropped without a word.

    Example:
        >>> unreadable_reason("Tue, 32 Foo 2025 99:00:00 GMT")[:52]
        'publication date "Tue, 32 Foo 2025 99:00:00 GMT" was'
        >>> unreadable_reason("") is None and unreadable_reason(None) is None
        True
    """
    if stated is None or (isinstance(stated, str) and not stated.strip()):
        return None
    shown = " ".join(str(stated).split())
    if len(shown) > 60:
        shown = shown[:59] + "…"
    return (
        f'publication date "{shown}" was not read: it names no day newsweave can read '
        '(such as 2025-10-26 or "Sun, 26 Oct 2025 14:00:00 GMT"); the article is kept with '
        "an unknown date"
    )


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
    if not text or len(text) > 80:
        return None
    # The strict forms first, whatever the year: a placeholder year (0001, 9999) comes back
    # as a date so that the reader can say why it is not used (placeholder_reason).
    try:
        return aware(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return _rfc2822(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    if not _HAS_YEAR.search(text):
        return None
    return _dateparser(text)


# The year of an RFC 2822 date as written ("01 Jan 0001"): email.utils reads any year under 100
# as two digits, so a feed's placeholder year 0001 (or 1) would become 2001. Only a year of
# two digits is read that way, as RFC 5322 says ("01 Jan 01" is 2001).
# A number followed by ":" is the hour, not the year: "1 Dec 23:59:59 +1900" writes no year,
# and email.utils then takes the zone offset for one (1900); such a text is left to dateparser.
_RFC_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+(\d{1,4})\b(?!:)")


def _rfc2822(text: str) -> datetime:
    value = aware(parsedate_to_datetime(text))
    written = _RFC_YEAR.search(text)
    if written is None:
        raise ValueError(f"no year written in {text!r}")
    if len(written.group(1)) == 2:
        return value
    if int(written.group(1)) != value.year:
        year = int(written.group(1))  # 0 raises ValueError: no such year, no date
        value = value.replace(year=year, day=min(value.day, 28 if value.month == 2 else 31))
    return value


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
