"""Slots for figures: what a number measures, when, and in what mode.

Two figures can only contradict each other when they fill the same slot: the same kind of
thing (ships = vessels), the same unit, the same time (the nearest time expression in the
sentence, else the publication day) and the same mode. Modes keep apart values that are not
statements of fact about the present: a threatened rate ("threatened new 100% tariffs"),
a peak ("a peak of 52"), a previous value ("cut its claim from 12 percent"), a claim inside a
quotation ("We're at 157 percent", says one side) and a ceiling ("up to 20").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from newsweave.fuse.context import StoryContext
from newsweave.fuse.timeline import date_key
from newsweave.model import AnnotatedArticle, Quantity, Sentence, Span

# Nouns that name the same measured thing in news writing.
_SYNONYMS = {
    "vessel": "ship",
    "boat": "ship",
    "ship": "ship",
    "tour": "trip",
    "journey": "trip",
    "visit": "trip",
    "trip": "trip",
    "duty": "tariff",
    "levy": "tariff",
    "tariff": "tariff",
    "walkout": "strike",
    "stoppage": "strike",
    "strike": "strike",
    "dockworker": "worker",
    "docker": "worker",
    "employee": "worker",
    "worker": "worker",
    "death": "death",
    "fatality": "death",
    "dead": "death",
    "casualty": "casualty",
    "injury": "injury",
}
# Things whose duration grows while they last: compare only values stated on the same day.
GROWING = frozenset(
    {
        "strike",
        "war",
        "protest",
        "shutdown",
        "blockade",
        "siege",
        "lockout",
        "occupation",
        "standoff",
        "dispute",
        "crisis",
        "drought",
        "outage",
        "campaign",
        "detention",
    }
)
_DAYS_PER = {
    "hours": 1 / 24,
    "hour": 1 / 24,
    "days": 1.0,
    "day": 1.0,
    "weeks": 7.0,
    "week": 7.0,
    "months": 30.0,
    "month": 30.0,
    "years": 365.0,
    "year": 365.0,
}
_LONG = re.compile(r"\b(day|week|month|year)-long\s+((?:[A-Za-z]+\s+){0,2}?[a-z]+)\b")
# (?<!\s): a match starts where a run of spaces does, not at each space of it (quadratic).
_PREPOSITION = re.compile(r"(?<!\s)\s+(?:on|of|for|to|from|in|at|with|by|against)\s+.*$")
_THREAT = re.compile(
    r"\b(?:threat\w*|could|would|might|if|warn\w*|plan\w*|propos\w*|"
    r"consider\w*|seek\w*|vow\w*|promis\w*|expected to)\b"
)
_PEAK = re.compile(r"\b(?:peak\w*|high of|record|as (?:much|many|high) as|at most)\b")
_PREVIOUS = re.compile(
    r"\b(?:from|down from|up from|previously|earlier|before|compared with)"
    r"\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?$"
)


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure as stated by one article, with its slot."""

    article_id: str
    sentence: Sentence
    span: Span
    text: str
    value: float
    unit: str
    qualifier: str | None
    head: str  # the measured thing, normalised ("ship")
    measure: str  # the measured thing as written ("ships waiting")
    anchor: str  # ISO date key: of the nearest time expression, else the publication day
    mode: str  # actual | threat | peak | previous | claim | ceiling
    duration: bool


def head_of(measure: str | None) -> str:
    """ "tariffs on Chinese goods" -> "tariff"; "Asia tour" -> "trip"."""
    if not measure:
        return ""
    words = re.findall(r"[a-z]+", _PREPOSITION.sub("", measure.lower()))
    if not words:
        return ""
    word = words[-1]
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    return str(_SYNONYMS.get(word, word))


# "72 people have died", "killed 65 people": a count of people that is a death toll.
_DIED_AFTER = re.compile(
    r"^[^.;,]{0,40}?\b(?:died|dead|killed|perished|lost their lives)\b", re.IGNORECASE
)
_KILLED_BEFORE = re.compile(
    r"\b(?:killed|kills|killing|claimed the lives of|death toll (?:of|to|at))"
    r"(?:\s+(?:at least|more than|about|some|nearly|almost|around|over))?\s*$",
    re.IGNORECASE,
)


_INFECTED_AFTER = re.compile(
    r"^[^.;,]{0,30}?\b(?:infected|ill|sick|sickened|contracted)\b", re.IGNORECASE
)
_INFECTED_BEFORE = re.compile(
    r"\b(?:infected|infecting|sickened|made)"
    r"(?:\s+(?:at least|more than|about|some|nearly|almost|around|over))?\s*$",
    re.IGNORECASE,
)


def _toll(sentence: Sentence, span: Span, head: str) -> str:
    """ "people" counted as dead is the measured thing "death"; as infected, "infection"."""
    if head not in ("people", "person"):
        return head
    local_start = span.start - sentence.span.start
    local_end = span.end - sentence.span.start
    after = sentence.text[local_end : local_end + 60]
    before = sentence.text[max(0, local_start - 40) : local_start]
    if _KILLED_BEFORE.search(before):
        return "death"
    if _INFECTED_BEFORE.search(before):
        return "infection"
    died, ill = _DIED_AFTER.search(after), _INFECTED_AFTER.search(after)
    if died and (not ill or died.end() < ill.end()):
        return "death"
    if ill:
        return "infection"
    return head


def _inside_quote(sentence: Sentence, offset: int) -> bool:
    before = sentence.text[:offset]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _mode(sentence: Sentence, start: int, qualifier: str | None, head: str) -> str:
    local = start - sentence.span.start
    before = sentence.text[max(0, local - 45) : local].lower()
    if _inside_quote(sentence, local):
        return "claim"
    if qualifier and qualifier.lower() in ("up to", "as many as", "as much as", "at most"):
        return "ceiling"
    if _PREVIOUS.search(before):
        return "previous"
    if _PEAK.search(before[-30:]) or head == "peak":
        return "peak"
    if _THREAT.search(before):
        return "threat"
    return "actual"


_Dated = tuple[list[int], list[tuple[int, int, int, str]]]


def _dated(item: AnnotatedArticle) -> _Dated:
    """The article's time expressions that have a date key, as ``(start, position, end, key)``
    sorted by start, and their starts: the ones of one sentence are found by bisection."""
    dated = []
    for position, expr in enumerate(item.times):
        key = date_key(expr)
        if key is not None:
            dated.append((expr.span.start, position, expr.span.end, key))
    dated.sort()
    return [d[0] for d in dated], dated


def _anchor(
    item: AnnotatedArticle,
    sentence: Sentence,
    start: int,
    dated: _Dated,
) -> str:
    """The date key of the time expression of ``sentence`` nearest ``start`` (the first in
    the article's order at equal distance), else the publication day."""
    starts, rows = dated
    lo = bisect_left(starts, sentence.span.start)
    hi = bisect_left(starts, sentence.span.end)
    best: tuple[int, int, str] | None = None
    for expr_start, position, expr_end, key in rows[lo:hi]:
        distance = min(abs(expr_start - start), abs(expr_end - start))
        if best is None or (distance, position) < best[:2]:
            best = (distance, position, key)
    if best is not None:
        return best[2]
    published: date | None = item.article.published.date() if item.article.published else None
    return published.isoformat() if published else "?"


def observations(ctx: StoryContext) -> list[Observation]:
    """Every figure and duration of the story with its slot."""
    out: list[Observation] = []
    for item in ctx.items:
        dated = _dated(item)
        for q in item.quantities:
            obs = _from_quantity(ctx, item, q, dated)
            if obs is not None:
                out.append(obs)
        out.extend(_long_durations(ctx, item, dated))
    return out


def _from_quantity(
    ctx: StoryContext,
    item: AnnotatedArticle,
    q: Quantity,
    dated: _Dated,
) -> Observation | None:
    sentence = ctx.sentence_at(q.span)
    if sentence is None:
        return None
    duration = q.unit in _DAYS_PER
    value = q.value * _DAYS_PER[q.unit] if duration else q.value
    unit = "days" if duration else q.unit
    head = head_of(q.measure)
    if not head:
        return None
    head = _toll(sentence, q.span, head)
    return Observation(
        item.article_id,
        sentence,
        q.span,
        q.text,
        value,
        unit,
        q.qualifier,
        head,
        q.measure or head,
        _anchor(item, sentence, q.span.start, dated),
        _mode(sentence, q.span.start, q.qualifier, head),
        duration,
    )


def _long_durations(
    ctx: StoryContext,
    item: AnnotatedArticle,
    dated: _Dated,
) -> list[Observation]:
    """ "a week-long trip": one unit of time, which the quantity reader does not see."""
    out: list[Observation] = []
    for match in _LONG.finditer(item.article.text):
        span = Span(item.article_id, match.start(), match.start() + len(match.group(1)) + 5)
        sentence = ctx.sentence_at(span)
        if sentence is None:
            continue
        head = head_of(match.group(2))
        out.append(
            Observation(
                item.article_id,
                sentence,
                span,
                match.group(0)[: span.end - span.start],
                _DAYS_PER[match.group(1)],
                "days",
                None,
                head,
                match.group(2),
                _anchor(item, sentence, span.start, dated),
                _mode(sentence, span.start, None, head),
                True,
            )
        )
    return out
