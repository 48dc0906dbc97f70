"""Mechanical check that a brief states nothing its citations do not show.

For every cited item of a brief: each figure (a number, a percentage), each quotation and each
date expression it states must appear in the text of one of its cited spans, and every span must
lie inside its article. Used by the tests on every brief, and available to users who post-process
briefs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsweave.model import Brief, Span

_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")
# No opening mark inside: "[^”]" let each of a run of openers scan to the end (quadratic).
_QUOTED = re.compile(r"[“\"]([^“”\"]{3,})[”\"]")
_MONTH_DAY = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
)


def _cited_text(brief: Brief, spans: Iterable[Span], problems: list[str], where: str) -> str:
    parts = []
    for span in spans:
        text = brief.texts.get(span.article_id)
        if text is None:
            problems.append(f"{where}: cites article {span.article_id} not in the brief")
            continue
        if not 0 <= span.start < span.end <= len(text):
            problems.append(
                f"{where}: span {span.start}-{span.end} outside article "
                f"{span.article_id} ({len(text)} chars)"
            )
            continue
        parts.append(text[span.start : span.end])
    return "\n".join(parts)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'"))


def _check(statement: str, cited: str, where: str, problems: list[str]) -> None:
    if not cited:
        problems.append(f"{where}: no citation")
        return
    cited_n = _norm(cited)
    figures_cited = {f.replace(",", "") for f in _FIGURE.findall(cited_n)}
    for figure in _FIGURE.findall(statement):
        if figure.replace(",", "") not in figures_cited:
            problems.append(f"{where}: figure {figure!r} not in its cited spans")
    for quoted in _QUOTED.findall(statement):
        if _norm(quoted) not in cited_n:
            problems.append(f"{where}: quotation {quoted[:40]!r} not in its cited spans")
    for day in _MONTH_DAY.findall(statement):
        if _norm(day) not in cited_n:
            problems.append(f"{where}: date {day!r} not in its cited spans")


def uncited_statements(brief: Brief) -> list[str]:
    """Problems found in ``brief``; an empty list means every statement is backed."""
    problems: list[str] = []
    for n, item in enumerate(brief.summary):
        where = f"{brief.story_id} summary {n + 1}"
        _check(item.text, _cited_text(brief, item.citations, problems, where), where, problems)
    for n, fact in enumerate(brief.facts):
        where = f"{brief.story_id} fact {n + 1}"
        _check(fact.text, _cited_text(brief, fact.citations, problems, where), where, problems)
    for n, quote in enumerate(brief.quotes):
        where = f"{brief.story_id} quote {n + 1}"
        cited = _cited_text(brief, quote.citations, problems, where)
        if _norm(quote.text) not in _norm(cited):
            problems.append(f"{where}: quotation not found verbatim in its cited spans")
        for m, variant in enumerate(quote.variants):
            vwhere = f"{where} variant {m + 1}"
            vcited = _cited_text(brief, variant.citations, problems, vwhere)
            if _norm(variant.text) not in _norm(vcited):
                problems.append(f"{vwhere}: quotation not found verbatim in its cited spans")
    for n, entry in enumerate(brief.timeline):
        where = f"{brief.story_id} timeline {n + 1} ({entry.date})"
        cited = _cited_text(brief, entry.citations, problems, where)
        if _norm(entry.when) not in _norm(cited):
            problems.append(f"{where}: time expression {entry.when!r} not in its cited spans")
        _check(entry.event, cited, where, problems)
    for n, disc in enumerate(brief.discrepancies):
        for m, claim in enumerate(disc.claims):
            where = f"{brief.story_id} discrepancy {n + 1} claim {m + 1}"
            cited = _cited_text(brief, claim.citations, problems, where)
            _check(claim.text, cited, where, problems)
    return problems
