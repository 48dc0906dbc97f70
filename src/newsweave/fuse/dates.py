"""Publication dates the story supplies to articles that carry none.

An undated report that says "said Sunday" or "held talks on Saturday" (past tense) was written
on or after that day; the dated reports of the same story fix which week that is. The inferred
date is marked as such and the article's time expressions are resolved again against it.
Without such evidence the date stays unknown: never "today".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from newsweave.annotate.models import load_nlp
from newsweave.annotate.times import infer_publication_date, resolve_times
from newsweave.model import AnnotatedArticle, DateOrigin


def infer_dates(items: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    """Return ``items`` with inferred publication dates where the story allows one."""
    dated = sorted(
        i.article.published
        for i in items
        if i.article.published and i.article.date_origin != DateOrigin.INFERRED
    )
    # An article dated by an earlier inference (as the store keeps it) is inferred again, so
    # its time expressions are resolved against that date here too.
    if not dated or all(
        i.article.published and i.article.date_origin != DateOrigin.INFERRED for i in items
    ):
        return list(items)
    anchor = dated[len(dated) // 2].date()  # the median dated report
    nlp = load_nlp()
    out: list[AnnotatedArticle] = []
    for item in items:
        if item.article.published is not None and item.article.date_origin != DateOrigin.INFERRED:
            out.append(item)
            continue
        doc = nlp(item.article.text)
        day = infer_publication_date(doc, anchor)
        if day is None:
            out.append(item)
            continue
        published = datetime.combine(day, time(0, 0), tzinfo=UTC)
        article = replace(item.article, published=published, date_origin=DateOrigin.INFERRED)
        times = tuple(resolve_times(doc, item.article_id, day))
        out.append(replace(item, article=article, times=times))
    return out
