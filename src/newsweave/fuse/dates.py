"""Publication dates the story supplies to articles that carry none.

An undated report that says "said Sunday" or "held talks on Saturday" (past tense) was written
on or after that day; the dated reports of the same story fix which week that is. The inferred
date is marked as such and the article's time expressions are resolved again against it, from
what annotate stored (no parse, no model). Without such evidence the date stays unknown:
never "today".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from newsweave.annotate.times import publication_date_from, resolve_again
from newsweave.model import AnnotatedArticle, DateOrigin


def infer_dates(items: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    """Return ``items`` with inferred publication dates where the story allows one."""
    dated = sorted(
        i.article.published
        for i in items
        if i.article.published and i.article.date_origin != DateOrigin.INFERRED
    )
    # A date inferred earlier (the store keeps it) is inferred again from the story as it is
    # now, so a stored story and the same articles read afresh get the same dates and times.
    if not dated or all(
        i.article.published is not None and i.article.date_origin != DateOrigin.INFERRED
        for i in items
    ):
        return list(items)
    anchor = dated[len(dated) // 2].date()  # the median dated report
    out: list[AnnotatedArticle] = []
    for item in items:
        if item.article.published is not None and item.article.date_origin != DateOrigin.INFERRED:
            out.append(item)
            continue
        text = item.article.text
        day = publication_date_from(text, item.times, anchor)
        if day is None:
            if item.article.date_origin == DateOrigin.INFERRED:  # the story no longer says
                undated = replace(item.article, published=None, date_origin=DateOrigin.UNKNOWN)
                item = replace(
                    item, article=undated, times=tuple(resolve_again(text, item.times, None))
                )
            out.append(item)
            continue
        published = datetime.combine(day, time(0, 0), tzinfo=UTC)
        article = replace(item.article, published=published, date_origin=DateOrigin.INFERRED)
        times = tuple(resolve_again(text, item.times, day))
        out.append(replace(item, article=article, times=times))
    return out
