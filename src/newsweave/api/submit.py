"""``POST /api/articles``: text, HTML or a URL in, one ingest outcome out.

The body goes through the same readers as files do (so an article posted as text and the same
article read from a file get the same id), then through :func:`newsweave.pipeline.ingest_outcomes`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from newsweave.fetch import PAGE_TYPES, FetchOptions, fetch
from newsweave.ingest import IngestOptions
from newsweave.ingest.datehints import with_estimated_date
from newsweave.ingest.dates import parse_date, placeholder_reason, unreadable_reason
from newsweave.ingest.decode import decode
from newsweave.ingest.extract import read_html
from newsweave.ingest.jsonl import read_record
from newsweave.ingest.text import read_text
from newsweave.model import DateOrigin, IngestOutcome

__all__ = ["ArticleIn", "read_submission"]

_WHERE = "POST /api/articles"


class ArticleIn(BaseModel):
    """An article to ingest: exactly one of ``text``, ``html`` or ``url``; the other fields
    fill in what the reader cannot find (for ``html`` and ``url``, what the page says wins)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="Plain article text.")
    html: str | None = Field(None, description="An HTML page; its main text is extracted.")
    url: str | None = Field(None, description="A public http(s) URL to fetch and extract.")
    title: str | None = None
    source: str | None = Field(None, description="The outlet, e.g. 'The Varnholm Courier'.")
    published: str | None = Field(None, description="ISO 8601 publication date or time.")


def _fill(
    outcome: IngestOutcome, body: ArticleIn, url: str | None, options: IngestOptions
) -> IngestOutcome:
    """Drop the placeholder path, and add what the body gives and the page did not."""
    article = outcome.article
    if article is None:
        return outcome
    article = replace(
        article,
        path=None,
        title=article.title or body.title,
        source=article.source or body.source,
        url=article.url or url,
    )
    reason = outcome.reason
    estimated = article.published is None or article.date_origin.estimated
    if estimated and body.published:
        published = parse_date(body.published)
        # A placeholder (0001-01-01, 9999-12-31) stays an unknown date, as in a file.
        note = placeholder_reason(published) if published is not None else None
        if note is not None:
            reason = reason or note
        elif published is not None:
            article = replace(article, published=published, date_origin=DateOrigin.HEADER)
        elif article.published is None:
            reason = reason or unreadable_reason(body.published)
    if options.estimate_dates:
        article = with_estimated_date(article)  # the address the body gave may hold the day
    return replace(outcome, article=article, reason=reason)


def read_submission(
    body: ArticleIn, options: IngestOptions, fetch_options: FetchOptions
) -> IngestOutcome:
    """The outcome of one submission (ingested, or rejected with a reason).

    Raises:
        ValueError: not exactly one of text, html, url was given.
        UnsafeURLError, FetchError: the URL was refused or could not be fetched.
    """
    given = [name for name in ("text", "html", "url") if getattr(body, name) is not None]
    if len(given) != 1:
        raise ValueError(
            "give exactly one of 'text', 'html' or 'url'"
            + (f" (got {', '.join(given)})" if given else "")
        )
    placeholder = Path(_WHERE)
    if body.text is not None:
        record = {
            "text": body.text,
            "title": body.title,
            "source": body.source,
            "published": body.published,
        }
        return _fill(read_record(record, placeholder, _WHERE, options), body, None, options)
    if body.html is not None:
        outcome = read_html(body.html, placeholder, _WHERE, options)[0]
        return _fill(outcome, body, None, options)
    assert body.url is not None
    page = fetch(body.url, replace(fetch_options, content_types=PAGE_TYPES))
    where = f"{_WHERE} {page.url}"
    markup = decode(page.content, where)
    if page.content_type == "text/plain":
        outcome = read_text(markup, placeholder, where, options)[0]
    else:
        outcome = read_html(markup, placeholder, where, options)[0]
    return _fill(outcome, body, page.url, options)
