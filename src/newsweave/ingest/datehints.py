"""Publication dates an article shows without stating them in its metadata.

Many pages carry their day in their address (``/2013/may/03/``, ``/2013-09-18/``,
``...-20130504``) or print it in a line of its own at the top ("May 3, 2013 | 5:03pm",
"Published: July 28, 2004 at 1:24 PM", "WASHINGTON, DC, April 28, 2009"). When the input
states no publication date, such a day is a good estimate of it, not a fact: an address may
hold the day a page was first filed and a top line the day it was updated. So the day found
is returned with where it came from, and the article marks its date as an estimate
(``DateOrigin.ADDRESS`` or ``DateOrigin.TEXT``); briefs say "date inferred".

Only a whole day counts (year, month and day; a month alone is no publication date), in the
years :data:`~newsweave.ingest.dates.PLAUSIBLE_YEARS` allows, and a date that does not exist
(2013-02-30) is no date. All patterns are linear: they read an address of bounded length and
the first lines of the text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from newsweave.ingest.dates import PLAUSIBLE_YEARS
from newsweave.model import Article, DateOrigin
from newsweave.monthnames import MONTHS

_MONTHS = {name.lower(): number for name, number in MONTHS.items()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
MAX_URL_CHARS = 2_000
"""An address longer than this is not read for a date (no real article address is)."""
TOP_LINES = 4
"""How many of the first lines of the text are read for a printed date."""
TOP_CHARS = 600
"""How much of the text those lines may span."""
MAX_OTHER_WORDS = 8
"""A top line is a date line when, besides the date and a time of day, it has at most this
many words (a place, "Published:", a weekday, an outlet's name); a longer line is a sentence
whose date may be the event's, not the page's."""

# In an address path: 2013/05/03, 2013/may/03, 2013-05-03, 2013_05_03, 20130504.
_URL_DATES = (
    re.compile(rf"(?<![0-9])(?P<y>{_YEAR})[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?![0-9])"),
    re.compile(rf"(?<![0-9a-z])(?P<y>{_YEAR})/(?P<mon>{_MONTH})/(?P<d>[0-3]?\d)(?![0-9])", re.I),
    re.compile(rf"(?<![0-9])(?P<y>{_YEAR})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![0-9])"),
)
# Printed: "May 3, 2013", "MARCH 4, 2009", "December 15th, 2008", "05 January 2011",
# "Sep. 18, 2013", "2013-09-18".
_ORDINAL = r"(?:st|nd|rd|th)?"
_PRINTED = re.compile(
    rf"\b(?:(?P<mon>{_MONTH})\.? +(?P<d>[0-3]?\d){_ORDINAL} *,? +(?P<y>{_YEAR})"
    rf"|(?P<d2>[0-3]?\d){_ORDINAL} +(?P<mon2>{_MONTH})\.?,? +(?P<y2>{_YEAR})"
    rf"|(?P<y3>{_YEAR})-(?P<m3>[01]\d)-(?P<d3>[0-3]\d))(?![0-9])",
    re.I,
)
# A time of day and the small words around a printed date that do not make it a sentence.
_CLOCK = re.compile(r"\b\d{1,2} ?[:.] ?\d\d(?: ?[:.] ?\d\d)?(?: ?[ap]\.? ?m\b\.?)?", re.I)
_WORDS = re.compile(r"[^\W_]+")
_SENTENCE_END = frozenset(".!?:;")
_FILLER = frozenset(
    "at on posted published updated last first am pm et est edt gmt bst utc pt pst pdt ist "
    "cet cest by monday tuesday wednesday thursday friday saturday sunday mon tue tues wed "
    "thu thur thurs fri sat sun".split()
)


def _day(year: str, month: int, day: str) -> date | None:
    try:
        found = date(int(year), month, int(day))
    except ValueError:
        return None
    return found


def date_from_url(url: str | None) -> date | None:
    """The day written in the path of ``url`` (``/2013/05/03/``, ``/2013/may/03/``,
    ``/2013-09-18/``, ``-20130504``), or None when it holds no whole day. The host is not
    read (``www.2013-05-03.example`` is no date); when the path holds several days, the
    first one counts (sites put the filing date before the slug).

    Example:
        >>> date_from_url("https://www.example.org/world/2013/may/03/lohan-rehab")
        datetime.date(2013, 5, 3)
        >>> date_from_url("https://example.org/story/2013/05/") is None
        True
    """
    if not url or len(url) > MAX_URL_CHARS:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = parts.path if parts.netloc or parts.scheme else url
    if parts.query:
        path = f"{path}?{parts.query}"
    best: tuple[int, date] | None = None
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            groups = match.groupdict()
            month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
            found = _day(groups["y"], month, groups["d"])
            if found is not None and _plausible(found):
                if best is None or match.start() < best[0]:
                    best = (match.start(), found)
                break
    return best[1] if best is not None else None


def date_from_top(text: str) -> date | None:
    """The day printed on a date line among the first :data:`TOP_LINES` lines of ``text``:
    a line holding a whole date and, besides it and a time of day, at most
    :data:`MAX_OTHER_WORDS` words, not ended as a sentence is. A date inside a sentence is
    not read (it may be the event's, or a birthday, not the page's).

    Example:
        >>> date_from_top("Klitschko stops Thompson\\nJuly 08, 2012 | 5:03pm\\nThe champion ...")
        datetime.date(2012, 7, 8)
        >>> date_from_top("On May 3, 2013, the court ordered the actress into a clinic.") is None
        True
    """
    for line in text[:TOP_CHARS].split("\n")[:TOP_LINES]:
        match = _PRINTED.search(line)
        if match is None:
            continue
        after = _CLOCK.sub(" ", line[match.end() :]).strip()
        if after[-1:] in _SENTENCE_END:
            continue  # "Reid checked in on Tuesday, December 9, 2008.": a sentence
        rest = _CLOCK.sub(" ", line[: match.start()]) + " " + after
        words = [w for w in _WORDS.findall(rest) if w.lower() not in _FILLER]
        if len(words) > MAX_OTHER_WORDS:
            continue
        if match.group("y") is not None:
            month, day, year = _MONTHS[match.group("mon").lower()], match["d"], match["y"]
        elif match.group("y2") is not None:
            month, day, year = _MONTHS[match.group("mon2").lower()], match["d2"], match["y2"]
        else:
            month, day, year = int(match.group("m3")), match["d3"], match["y3"]
        found = _day(year, month, day)
        if found is not None and _plausible(found):
            return found
    return None


def _plausible(found: date) -> bool:
    return found.year in PLAUSIBLE_YEARS


def estimated_date(text: str, url: str | None) -> tuple[datetime, DateOrigin] | None:
    """An estimate of the publication day of an article that states none: the day on a date
    line at its top, else the day in its address (an address may be an archive's or a later
    re-filing's: the page's own line says more), at midnight UTC (the day is all either
    says), with the origin that marks it as an estimate; None when neither holds a day."""
    found = date_from_top(text)
    origin = DateOrigin.TEXT
    if found is None:
        found = date_from_url(url)
        origin = DateOrigin.ADDRESS
    if found is None:
        return None
    return datetime(found.year, found.month, found.day, tzinfo=UTC), origin


def with_estimated_date(article: Article) -> Article:
    """``article`` with an estimated publication date (:func:`estimated_date`) when it has
    none; an article with a date, stated or estimated, is returned as it is."""
    if article.published is not None:
        return article
    found = estimated_date(article.text, article.url)
    if found is None:
        return article
    return replace(article, published=found[0], date_origin=found[1])
