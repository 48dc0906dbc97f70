"""The English month names and abbreviations every date reader of newsweave shares.

The time resolver (:mod:`newsweave.annotate.times`) matches them as written ("Sept.",
"September"); the publication-date hints (:mod:`newsweave.ingest.datehints`) match them in
any case. One table, so that a month one reader knows the other knows too.
"""

from __future__ import annotations

MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)
"""The full names, January first."""

MONTH_ABBREVIATIONS: dict[str, int] = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
"""The abbreviations news text uses, without their full stop (May has none)."""

MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **MONTH_ABBREVIATIONS,
}
"""Every full name and abbreviation, capitalised, with its month number (1-12)."""
