"""Turning cleaned text and its metadata into an :class:`Article`, and the stage's options.

Every reader ends here, so the invariants live in one place: the text is normalised the same
way for every format, the id is derived from the content hash (re-ingesting the same text is a
no-op downstream), and an article too short to analyse becomes a rejected outcome, not an
article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from newsweave.errors import InputError, OptionError
from newsweave.ingest.datehints import with_estimated_date
from newsweave.ingest.dates import placeholder_reason, unreadable_reason
from newsweave.ingest.detect import detect_dateline, detect_language
from newsweave.model import Article, DateOrigin, IngestOutcome, IngestStatus


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Limits for the ingest stage.

    Args:
        max_bytes: a file larger than this is rejected before it is read.
        min_chars: an article with less cleaned text than this is rejected (too little to
            analyse; usually a teaser, an error page or a failed extraction).
        max_chars: an article with more cleaned text than this is rejected: the parser
            refuses texts over 1,000,000 characters and needs about 1 GB per 100,000, and no
            news article is that long (the longest in Timeline17 has 180,000).
        max_record_bytes: an archive record that inflates past this is rejected as a
            decompression bomb or damage; it is skipped by inflating it piece by piece and
            dropping the pieces (never held whole), and the records after it are read.
        max_inflation, inflation_floor: an archive is inflated, in all, to at most
            ``max_inflation`` times its size on disk or ``inflation_floor`` bytes, whichever is
            larger (HTML compresses 5 to 10 times; a bomb up to 1,000). Past that budget the
            rest of the archive is not read, and one rejected outcome says where it stopped.
        navigation_share: a page whose extracted text is this share of link text or more is a
            menu or a list of links, not an article.
        min_feed_summary: a feed entry without full content is read from its summary only
            when the summary has this many characters (a teaser is shorter).
        estimate_dates: an article whose input states no publication date gets an estimated
            one from a day in its address or a date line at its top
            (:mod:`newsweave.ingest.datehints`), marked as inferred; false leaves it undated.
    """

    max_bytes: int = 20_000_000
    min_chars: int = 80
    max_chars: int = 500_000
    max_record_bytes: int = 200_000_000
    max_inflation: int = 100
    inflation_floor: int = 1_000_000_000
    navigation_share: float = 0.5
    min_feed_summary: int = 400
    estimate_dates: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.navigation_share <= 1.0:
            raise OptionError(
                f"ingest.navigation_share is a share in 0..1 (above 0); got {self.navigation_share}"
            )


# Lone surrogates (from a JSON "\ud800" escape) too: they cannot be encoded, hashed or stored.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b\u200e\u200f\u2060\ufeff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\u2028\u2029\x85]")
# (?<!...): a match starts where a run of spaces does, not at each space of it (quadratic).
_TRAILING_SPACE = re.compile(r"(?<![ \t\u00a0])[ \t\u00a0]+\n")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """The cleaned article text that every offset points into.

    NFC, one kind of line break, no control or zero-width characters, no trailing spaces on
    lines, at most one blank line in a row, no leading or trailing whitespace. Paragraph and
    line breaks are kept: later stages use them. Idempotent.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text with every run of whitespace replaced by one space.

    Two inputs that differ only in line wrapping or indentation hash the same, so the same
    article read from a text file and from a JSONL line is recognised as one.
    """
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def clean_title(title: object) -> str | None:
    """A title on one line, or None when there is nothing usable."""
    if not isinstance(title, str):
        return None
    cleaned = " ".join(_CONTROL.sub("", title).split())
    return cleaned or None


def make_article(
    text: str,
    *,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    path: str | None = None,
    published: datetime | None = None,
    date_origin: DateOrigin = DateOrigin.UNKNOWN,
    input_format: str = "text",
    language: str | None = None,
    dateline: str | None = None,
) -> Article:
    """Build an :class:`Article`: normalise the text, hash it, detect language and dateline.

    Args:
        text: the article text, boilerplate already removed.
        published: must be timezone-aware; ``date_origin`` says where it came from.
        language, dateline: detected from the text when not given.

    Raises:
        InputError: the text is empty after normalisation, or ``published`` is naive.
            A placeholder ``published`` (year 1, 9999; see
            :func:`~newsweave.ingest.dates.placeholder_reason`) is dropped: the date is unknown.

    Example:
        >>> a = make_article("KUALA LUMPUR: Talks resumed on Sunday.", title="Talks")
        >>> a.dateline, a.article_id == a.content_hash[:16]
        ('KUALA LUMPUR', True)
    """
    where = path or "<text>"
    cleaned = normalise_text(text)
    if not cleaned:
        raise InputError(where, "no article text", "the text is empty after cleaning")
    if published is not None and published.utcoffset() is None:
        raise InputError(where, f"publication date {published.isoformat()} has no time zone")
    if published is not None and placeholder_reason(published):
        published = None  # 0001-01-01 or 9999-12-31: a placeholder, read as no date
    digest = content_hash(cleaned)
    return Article(
        article_id=digest[:16],
        text=cleaned,
        content_hash=digest,
        title=clean_title(title),
        source=clean_title(source),
        url=clean_title(url),
        path=path,
        published=published,
        date_origin=date_origin if published is not None else DateOrigin.UNKNOWN,
        language=language if language is not None else detect_language(cleaned),
        dateline=dateline if dateline is not None else detect_dateline(cleaned),
        input_format=input_format,
    )


def rejected(where: str, reason: str) -> IngestOutcome:
    """A rejected outcome; ``reason`` says what is wrong and, where it helps, what to do."""
    return IngestOutcome(where=where, status=IngestStatus.REJECTED, reason=reason)


def finish(
    where: str,
    text: str,
    options: IngestOptions,
    *,
    path: str,
    input_format: str,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    date_origin: DateOrigin = DateOrigin.UNKNOWN,
    empty_reason: str = "no article text found",
    date_text: object = None,
) -> IngestOutcome:
    """The outcome of one input item: an ingested article, or a rejection for too little text.

    ``date_text`` is the publication date as the input stated it: when it gave no
    ``published`` the outcome says so (as it says when ``published`` is a placeholder).
    """
    cleaned = normalise_text(text)
    if not cleaned:
        return rejected(where, empty_reason)
    if len(cleaned) < options.min_chars:
        return rejected(
            where,
            f"only {len(cleaned)} characters of article text, fewer than the minimum "
            f"{options.min_chars} (IngestOptions.min_chars); is this a teaser or a fragment?",
        )
    if len(cleaned) > options.max_chars:
        return rejected(
            where,
            f"{len(cleaned):,} characters of article text, more than the maximum "
            f"{options.max_chars:,} (IngestOptions.max_chars); split it into articles",
        )
    if published is not None:
        note = placeholder_reason(published)
        if note:
            published = None
    else:
        note = unreadable_reason(date_text)
    article = make_article(
        cleaned,
        title=title,
        source=source,
        url=url,
        path=path,
        published=published,
        date_origin=date_origin,
        input_format=input_format,
    )
    if options.estimate_dates:
        article = with_estimated_date(article)
    return IngestOutcome(where=where, status=IngestStatus.INGESTED, article=article, reason=note)
