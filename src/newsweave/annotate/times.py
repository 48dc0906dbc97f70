"""Time expressions, resolved against the publication date and the tense of their clause.

Relative dates in news copy ("said Sunday", "next Thursday", "this weekend") mean nothing
without the day the article was written, and the same words point back or forward depending
on the verb. This module finds them with regular expressions over the article text, reads
the clause tense from spaCy's parse (:mod:`newsweave.annotate.tense`), and resolves them to
inclusive calendar-day intervals. Spans include a leading preposition ("since May",
"until November 10") because it changes what the date means.

Resolution rules (``ref`` = the reference date, weeks run Monday to Sunday):

- explicit dates ("October 30", "Oct. 30", "30 October", "Oct 30th", "2025-10-26"):
  the day; without a year, the year among ref-1, ref, ref+1 that puts the date nearest
  ``ref``, where a date on the wrong side of the clause's tense (later than ``ref`` in a
  past-tense clause, earlier in a future one) counts as six times as far, and twice as far
  after "until/by/through/before" (a past clause can name a future deadline: "agreed to a
  truce until November 10"). "since" always reads back. "due"/"scheduled" modifying a noun
  takes the tense of the noun's clause ("checks, due in May, had been postponed": past).
  No ``ref`` and no year: ``start``/``end`` are ``None``.
- months ("in May", "since May", "the end of September", "this/last/next month",
  "earlier this month"): the whole month, MONTH precision; the year is chosen as above.
  "the end of"/"early"/"late" keep MONTH precision and the whole month: the text gives no
  day, so none is invented; the words stay in the span text.
- years ("in 1966", "since 2018", "last year"): YEAR precision.
- bare weekdays ("on Sunday", "said Sunday", "on Friday night", "Sunday's talks"): in a
  past-tense clause the latest such day on or before ``ref``; in a future-tense clause
  or a present progressive ("is hosting ... from Sunday") or after "until/by" in a
  present-tense clause ("expects a vaccine by December") or in a simple present ("The
  hearings continue on Monday": a schedule) the first on or after ``ref``; otherwise the
  nearest. A weekday that closes a deadline ("until midnight on Friday", "a deadline of
  midnight on Friday", "before Friday's deadline") is that weekday of ``ref``'s own week
  whatever the tense (a future clause past it: the next week's). "Saturday and Sunday"
  gives two expressions; "from Sunday to Tuesday" one RANGE.
- "next Thursday" and "next week on Thursday": that weekday in the calendar week after
  ``ref``'s week (a Sunday or Saturday ``ref`` gives the Thursday 4 or 5 days later; a
  Monday ``ref`` gives the Thursday 10 days later, not 3). "last Thursday": the latest
  Thursday strictly before ``ref``. "this Thursday": like a bare weekday.
- weeks: "this week" (also "earlier/later this week") is ``ref``'s week, "next week"/"this
  coming week"/"the coming week" the one after, "last week"/"the past week" the one before
  (WEEK precision, 7 days).
- weekends: "this weekend" is the Saturday-Sunday of ``ref``'s week (the coming one on a
  weekday, the current one on a Saturday or Sunday); "next/last weekend" the one in the
  week after/before; "over the weekend" follows the tense like a weekday. RANGE precision.
- "today", "tonight", "yesterday", "tomorrow": the day.

Durations ("a five-day trip", "five hours", "90-day truce") are not time expressions; they
are quantities (:mod:`newsweave.annotate.quantities`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from newsweave.annotate.doccache import cached, doc_text, lemma
from newsweave.annotate.tense import clause_tense, governing_verb, is_progressive
from newsweave.model import Precision, Span, Tense, TimeExpr
from newsweave.monthnames import MONTH_ABBREVIATIONS, MONTHS

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc, Token

__all__ = [
    "infer_publication_date",
    "publication_date_from",
    "resolve_again",
    "resolve_times",
    "time_spans",
]

# Each name as written, and each abbreviation with its full stop ("Sept.") too.
_MONTHS: dict[str, int] = dict(MONTHS)
for _abbr, _i in MONTH_ABBREVIATIONS.items():
    _MONTHS[_abbr + "."] = _i

_WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
}

# Longest alternatives first so "Sept." wins over "Sep" and "September" over "Sept".
_MONTH_RE = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))
# Escaped: an unescaped "Sept." would match "Sept " and name no month (a KeyError once).
_FULL_MONTH_RE = "|".join(
    re.escape(m)
    for m in sorted(_MONTHS, key=len, reverse=True)
    if len(m) > 4 or m in ("May", "June", "July")
)
_WD_RE = "|".join(_WEEKDAYS)
_PREP = (
    r"(?<!\w)(?:(?i:on|in|since|until|till|by|from|before|after|through|during|at|to|"
    r"as\s+of)\s+)?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR_TAIL = r"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)(?!\d))?"
_END = r"(?!\w|-\w)"  # the name ends here (no "Sundays", no "May-based"; "Sunday's" is fine)

_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

_ENTITY_LABELS_TO_SKIP = frozenset(
    {"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "LAW", "EVENT", "NORP", "GPE", "LOC"}
)


@dataclass(frozen=True, slots=True)
class _Context:
    ref: date | None
    tense: Tense
    forward: bool  # present progressive: read ahead like a future
    deadline: bool = False  # "until/by/through/before": a past clause may name a future day
    # A weekday that closes a deadline ("until midnight on Friday", "Friday's deadline"):
    # the weekday of the reference's own week, whatever the tense of the clause.
    deadline_day: bool = False
    # A simple present with a weekday ("The hearings continue on Monday") is a schedule.
    scheduled: bool = False


# A date on the wrong side of the clause's tense counts this many times as far (see module doc).
_AGAINST_TENSE_WEIGHT = 6
_DEADLINE_WEIGHT = 2
# "postponed to July 31", "pushed back to Friday": like a deadline, "to" can point ahead
# of a past-tense clause.
_DEADLINE_PREPS = ("until", "till", "by", "through", "before", "to")

_Resolved = tuple[date | None, date | None, Precision]
_Handler = Callable[[re.Match[str], _Context], _Resolved | None]


# --- date arithmetic -------------------------------------------------------------------


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekday_on(ref: date, weekday: int, ctx: _Context) -> date:
    back = ref - timedelta(days=(ref.weekday() - weekday) % 7)
    ahead = ref + timedelta(days=(weekday - ref.weekday()) % 7)
    if ctx.deadline_day:
        day = _week_start(ref) + timedelta(days=weekday)
        # "will expire on Friday" written on a Saturday: the coming Friday
        return day + timedelta(weeks=1) if ctx.tense is Tense.FUTURE and day < ref else day
    if ctx.tense is Tense.PAST:
        return back
    if ctx.tense is Tense.FUTURE or ctx.forward or ctx.scheduled:
        return ahead
    return back if (ref - back) <= (ahead - ref) else ahead


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def _cost(start: date, end: date, ref: date, ctx: _Context) -> int:
    """Days from ``ref`` to the interval, multiplied when the interval contradicts the tense."""
    against = _DEADLINE_WEIGHT if ctx.deadline else _AGAINST_TENSE_WEIGHT
    if start <= ref <= end:
        return 0
    if end < ref:
        dist = (ref - end).days
        return dist * against if ctx.tense is Tense.FUTURE or ctx.forward else dist
    dist = (start - ref).days
    return dist * against if ctx.tense is Tense.PAST else dist


def _choose_year(month: int, day: int | None, ctx: _Context) -> int | None:
    """The year that puts ``month``/``day`` nearest ``ctx.ref``, tense-weighted."""
    if ctx.ref is None:
        return None
    best: tuple[int, int] | None = None
    for year in (ctx.ref.year - 1, ctx.ref.year, ctx.ref.year + 1):
        try:
            start = date(year, month, day or 1)
            end = start if day else _month_end(year, month)
        except (ValueError, OverflowError):  # February 29 in a common year; year 0 or 10000
            continue
        cost = _cost(start, end, ctx.ref, ctx)
        if best is None or cost < best[0]:
            best = (cost, year)
    return best[1] if best else None


def _valid_day(month: int, day: int, year: int | None) -> bool:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: February 29 stays possible
    except ValueError:
        return False
    return True


# --- handlers: one per pattern ---------------------------------------------------------


def _explicit_day(month: int, day: int, year_text: str | None, ctx: _Context) -> _Resolved | None:
    year = int(year_text) if year_text else None
    if not _valid_day(month, day, year):
        return None
    if year is None:
        year = _choose_year(month, day, ctx)
    if year is None:
        return None, None, Precision.DAY
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found, found, Precision.DAY


def _iso(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1 <= month <= 12 or not _valid_day(month, day, year):
        return None
    return _explicit_day(month, day, m["y"], ctx)


def _month_day(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    return _explicit_day(_MONTHS[m["month"]], int(m["day"]), m["year"], ctx)


def _whole_month(month: int, year: int | None) -> _Resolved:
    if year is None:
        return None, None, Precision.MONTH
    return date(year, month, 1), _month_end(year, month), Precision.MONTH


def _named_month(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    month = _MONTHS[m["month"]]
    year = int(m["year"]) if m["year"] else _choose_year(month, None, ctx)
    return _whole_month(month, year)


def _relative_month(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.MONTH
    which = m["which"].lower()
    first = ctx.ref.replace(day=1)
    if which == "last":
        first = (first - timedelta(days=1)).replace(day=1)
    elif which == "next":
        first = (first + timedelta(days=32)).replace(day=1)
    return _whole_month(first.month, first.year)


def _relative_year(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.YEAR
    offset = {"last": -1, "this": 0, "next": 1}[m["which"].lower()]
    year = ctx.ref.year + offset
    return date(year, 1, 1), date(year, 12, 31), Precision.YEAR


def _year(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    year = int(m["year"])
    return date(year, 1, 1), date(year, 12, 31), Precision.YEAR


def _week(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.WEEK
    which = re.sub(r"\s+", " ", m["which"].lower())
    offset = {"this": 0, "next": 1, "this coming": 1, "the coming": 1, "last": -1, "the past": -1}
    start = _week_start(ctx.ref) + timedelta(weeks=offset[which])
    if m["wd"]:
        day = start + timedelta(days=_WEEKDAYS[m["wd"]])
        return day, day, Precision.DAY
    return start, start + timedelta(days=6), Precision.WEEK


def _weekend(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.RANGE
    which = re.sub(r"\s+", " ", m["which"].lower())
    saturday = _week_start(ctx.ref) + timedelta(days=5)
    if which in ("next", "next week's"):
        saturday += timedelta(weeks=1)
    elif which == "last":
        saturday -= timedelta(weeks=1)
    elif which == "the":  # "over the weekend": by tense, like a weekday
        saturday = _weekday_on(ctx.ref, 5, ctx)
        if ctx.ref.weekday() == 6 and (ctx.tense is Tense.PAST or not ctx.forward):
            saturday = ctx.ref - timedelta(days=1)  # on a Sunday the weekend is this one
    return saturday, saturday + timedelta(days=1), Precision.RANGE


def _relative_weekday(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.DAY
    weekday = _WEEKDAYS[m["wd"]]
    which = re.sub(r"\s+", " ", m["which"].lower())
    if which == "next":
        day = _week_start(ctx.ref) + timedelta(weeks=1, days=weekday)
    elif which == "last":
        day = ctx.ref - timedelta(days=(ctx.ref.weekday() - weekday - 1) % 7 + 1)
    elif which == "this coming":
        day = ctx.ref + timedelta(days=(weekday - ctx.ref.weekday() - 1) % 7 + 1)
    else:  # "this"
        day = _weekday_on(ctx.ref, weekday, ctx)
    return day, day, Precision.DAY


# Bounded look-around for a deadline (fixed-width slices of the text, no backtracking).
_DEADLINE_BEFORE = re.compile(
    r"(?:\b(?:until|till|by|before)|\bdeadline(?:\s+of)?)\s+"
    r"(?:(?:midnight|noon|the\s+end\s+of(?:\s+the\s+day)?)\s+)?(?:on\s+)?$",
    re.IGNORECASE,
)
_DEADLINE_AFTER = re.compile(r"^(?:['’]s)?(?:\s+(?:midnight|noon))?\s+deadline\b", re.IGNORECASE)


def _is_deadline_day(text: str, anchor_start: int, anchor_end: int) -> bool:
    before = text[max(0, anchor_start - 40) : anchor_start]
    return bool(
        _DEADLINE_BEFORE.search(before) or _DEADLINE_AFTER.match(text[anchor_end : anchor_end + 30])
    )


def _clause_tense(token: Token) -> Tense:
    """``clause_tense``, except that "due"/"scheduled" modifying a noun ("checks, due in May
    and November, had been pushed back") takes the tense of the noun's clause."""
    above = governing_verb(token)
    if (
        above is not None
        and above.pos_ == "ADJ"
        and above.dep_ in ("amod", "appos", "acl")
        and above.head.pos_ in ("NOUN", "PROPN")
    ):
        outer = governing_verb(above.head)
        if outer is not None:
            return clause_tense(above.head)
    return clause_tense(token)


def _weekday(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.DAY
    day = _weekday_on(ctx.ref, _WEEKDAYS[m["wd"]], ctx)
    return day, day, Precision.DAY


def _weekday_range(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.RANGE
    first = _weekday_on(ctx.ref, _WEEKDAYS[m["wd"]], ctx)
    last = first + timedelta(days=(_WEEKDAYS[m["wd2"]] - first.weekday()) % 7)
    return first, last, Precision.RANGE


def _deictic(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.ref is None:
        return None, None, Precision.DAY
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m["word"].lower()]
    day = ctx.ref + timedelta(days=offset)
    return day, day, Precision.DAY


# Patterns in priority order: an earlier pattern's match blocks any later overlapping one.
# Every pattern names the word whose clause gives the tense ("anchor").
_WD_PREFIX = rf"(?:(?:{_WD_RE}),?\s+)?"
_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (
        re.compile(
            r"(?<![\d-])(?P<anchor>(?P<y>(?:1[89]|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d))(?![\d-])"
        ),
        _iso,
    ),
    (
        re.compile(
            rf"{_PREP}{_WD_PREFIX}(?<!\w)(?P<anchor>(?P<month>{_MONTH_RE})\s*"
            rf"(?P<day>\d{{1,2}}){_ORD}(?!\d|[.,]\d|\s*%)){_YEAR_TAIL}"
        ),
        _month_day,
    ),
    (
        re.compile(
            rf"{_PREP}{_WD_PREFIX}(?<![\d.,])(?P<anchor>(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?"
            rf"(?P<month>{_MONTH_RE})){_END}{_YEAR_TAIL}"
        ),
        _month_day,
    ),
    (
        re.compile(
            rf"(?P<prep>{_PREP})(?P<anchor>(?P<mod>(?i:(?:the\s+)?(?:end|beginning|start|middle)"
            rf"\s+of\s+|early\s+|late\s+|mid-?\s*))?(?P<month>{_FULL_MONTH_RE})){_END}"
            rf"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)(?!\d))"
        ),
        _named_month,
    ),
    (
        re.compile(
            rf"(?P<prep>{_PREP})(?P<anchor>(?P<mod>(?i:(?:the\s+)?(?:end|beginning|start|middle)"
            rf"\s+of\s+|early\s+|late\s+|mid-?\s*))?(?P<month>{_FULL_MONTH_RE})){_END}"
            r"(?P<year>)"
        ),
        _named_month,
    ),
    (
        re.compile(
            r"(?P<anchor>(?i:(?:earlier|later)\s+)?(?P<which>(?i:this|last|next))\s+(?i:month))"
            r"(?![\w'’]*\w)"
        ),
        _relative_month,
    ),
    (
        re.compile(r"(?P<anchor>(?P<which>(?i:this|last|next))\s+(?i:year))(?![\w'’]*\w)"),
        _relative_year,
    ),
    (
        re.compile(
            rf"(?P<anchor>(?i:(?:earlier|later|early|late)\s+)?"
            rf"(?P<which>(?i:this\s+coming|the\s+coming|the\s+past|this|next|last))\s+(?i:week))(?![\w'’]*\w)(?:\s+on\s+(?P<wd>{_WD_RE}){_END})?"
        ),
        _week,
    ),
    (
        re.compile(
            r"(?:(?i:over|during|on|at)\s+)?(?P<anchor>(?P<which>(?i:this|next|last|the))"
            r"\s+(?i:weekend))(?![\w'’]*\w)"
        ),
        _weekend,
    ),
    (
        re.compile(
            rf"(?P<anchor>(?P<which>(?i:this\s+coming|next|last|this))\s+(?P<wd>{_WD_RE}))"
            rf"{_END}{_PART_OF_DAY}"
        ),
        _relative_weekday,
    ),
    (
        re.compile(
            rf"(?i:from)\s+(?P<anchor>(?P<wd>{_WD_RE}))\s+(?i:to|through|until|till|-|–)\s+"
            rf"(?P<wd2>{_WD_RE}){_END}"
        ),
        _weekday_range,
    ),
    (
        re.compile(rf"{_PREP}(?P<anchor>(?P<wd>{_WD_RE})){_END}{_PART_OF_DAY}"),
        _weekday,
    ),
    (
        re.compile(r"(?<![\w-])(?P<anchor>(?P<word>(?i:today|tonight|yesterday|tomorrow)))\b"),
        _deictic,
    ),
    (
        re.compile(
            r"(?i:in|since|by|until|till|from|before|after|through|during|as\s+of)\s+"
            r"(?:(?i:early|late|mid-?)\s*)?(?P<anchor>(?P<year>(?:1[89]|20)\d\d))"
            r"(?![\d,.]\d|\s*%|-\w|\s+(?:percent|per\s+cent|GMT|UTC|[ECMP][SD]?T|BST|CET|hrs)\b)\b"
        ),
        _year,
    ),
]


# --- finding and resolving -------------------------------------------------------------


def _anchor_token(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _blocked(pattern_index: int, m: re.Match[str], token: Token) -> bool:
    """Reject matches that are names or verbs rather than times."""
    if token.ent_type_ in _ENTITY_LABELS_TO_SKIP:
        return True
    handler = _PATTERNS[pattern_index][1]
    if handler is _named_month and m["month"] == "May":
        # "may" is a modal verb; title-case "May" counts only as a date entity or after a
        # preposition or modifier ("in May", "since May", "early May").
        if token.tag_ == "MD":
            return True
        if not (m["prep"] or m["mod"]) and token.ent_type_ != "DATE":
            return True
    if handler is _year and token.ent_type_ != "DATE":
        return True  # "after 1800 GMT", "in 2000 cases"
    if handler is _named_month and not (m["prep"] or m["mod"] or m["year"]):
        # a bare month name must be tagged as a date ("August" the name is not)
        return token.ent_type_ != "DATE"
    return False


def time_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where :func:`resolve_times` reads the parse: every match of every pattern in ``text``
    (a superset of the expressions it keeps)."""
    for pattern, _handler in _PATTERNS:
        for m in pattern.finditer(text):
            yield m.span()


def _find(doc: Doc) -> list[tuple[re.Match[str], int]]:
    text = doc_text(doc)
    # The spans taken so far, disjoint and sorted: an overlap test is two neighbours, not a
    # scan of every earlier match (a live blog of 10,000 dated lines made that quadratic).
    starts: list[int] = []
    ends: list[int] = []
    found: list[tuple[re.Match[str], int]] = []
    for index, (pattern, _handler) in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            start, end = m.span()
            at = bisect_right(starts, start)
            if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
                continue
            token = _anchor_token(doc, *m.span("anchor"))
            if token is None or _blocked(index, m, token):
                continue
            starts.insert(at, start)
            ends.insert(at, end)
            found.append((m, index))
    found.sort(key=lambda item: item[0].start())
    return found


def _rule_names() -> list[str]:
    """A stable name per pattern (its handler, numbered when a handler has several)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for _pattern, handler in _PATTERNS:
        base = handler.__name__.lstrip("_")
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base}.{seen[base]}")
    return names


_RULES = _rule_names()
_RULE_INDEX = {name: i for i, name in enumerate(_RULES)}


def _resolve(
    m: re.Match[str],
    index: int,
    text: str,
    article_id: str,
    tense: Tense,
    progressive: bool,
    scheduled: bool,
    reference: date | None,
) -> TimeExpr | None:
    """One match resolved against ``reference``: a pure function of the text and what the
    parse said of the match's clause (``tense``, ``progressive``, ``scheduled``)."""
    # "since May" points back whatever the verb: "has been falling since May"
    first_word = m.group(0).split(maxsplit=1)[0].lower()
    looks = Tense.PAST if first_word == "since" else tense
    ctx = _Context(
        reference,
        looks,
        # a present-tense deadline ("expects a vaccine by December") reads ahead too
        forward=looks is Tense.PRESENT and (first_word in _DEADLINE_PREPS or progressive),
        deadline=first_word in _DEADLINE_PREPS,
        deadline_day=_is_deadline_day(text, *m.span("anchor")),
        scheduled=looks is Tense.PRESENT and scheduled,
    )
    try:
        resolved = _PATTERNS[index][1](m, ctx)
    except (OverflowError, ValueError):  # a reference at the calendar's ends (year 1, 9999)
        resolved = _PATTERNS[index][1](m, replace(ctx, ref=None))
    if resolved is None:
        return None
    start, end, precision = resolved
    s, e = m.span()
    if text.startswith(("'s", "’s"), m.end("anchor")):
        s = m.start("anchor")  # "from Sunday's talks": the preposition is the noun's
    return TimeExpr(
        span=Span(article_id, s, e),
        text=text[s:e],
        start=start,
        end=end,
        precision=precision,
        tense=tense,
        rule=_RULES[index],
        lead=s - m.start(),
        progressive=progressive,
        scheduled=scheduled,
    )


def resolve_times(doc: Doc, article_id: str, reference: date | None) -> list[TimeExpr]:
    """Every time expression in ``doc``, resolved against ``reference``.

    Args:
        doc: the spaCy parse of the whole article text (offsets are into ``Article.text``).
        article_id: the article the spans cite.
        reference: the publication date; ``None`` leaves relative and year-less dates
            unresolved (``start``/``end`` ``None``) but still reports them.

    Returns:
        The expressions in text order (see the module docstring for the rules); each can be
        resolved against another date later, without the parse (:func:`resolve_again`).

    Example:
        >>> from newsweave.annotate.models import load_nlp
        >>> doc = load_nlp()("Talks began on Saturday.")
        >>> [t.start for t in resolve_times(doc, "a1", date(2025, 10, 26))]
        [datetime.date(2025, 10, 25)]
    """
    text = doc_text(doc)
    out: list[TimeExpr] = []
    for m, index in cached(doc, "times.found", _find):
        token = _anchor_token(doc, *m.span("anchor"))
        assert token is not None  # _find keeps only matches with a token
        verb = governing_verb(token)
        # the day hangs from a simple-present verb itself ("continue on Monday"), not from a
        # noun of its clause ("the offer, up from 5.5% on Tuesday, falls short")
        scheduled = (
            verb is not None
            and verb.tag_ in ("VBZ", "VBP")
            and lemma(verb) != "be"
            and (token.head == verb or (token.head.dep_ == "prep" and token.head.head == verb))
        )
        found = _resolve(
            m,
            index,
            text,
            article_id,
            _clause_tense(token),
            is_progressive(token),
            scheduled,
            reference,
        )
        if found is not None:
            out.append(found)
    return out


def _rematch(text: str, expr: TimeExpr) -> tuple[re.Match[str], int] | None:
    """The match ``expr`` came from, found again in ``text`` (None for an unknown rule)."""
    index = _RULE_INDEX.get(expr.rule)
    if index is None:
        return None
    m = _PATTERNS[index][0].match(text, expr.span.start - expr.lead)
    if m is None or m.end() != expr.span.end:
        return None
    return m, index


def resolve_again(text: str, times: Sequence[TimeExpr], reference: date | None) -> list[TimeExpr]:
    """``times`` (from :func:`resolve_times` over ``text``) resolved against ``reference``.

    A pure function of the stored annotations: no parse. It gives what :func:`resolve_times`
    would give with ``reference`` (an expression it cannot place then is left out, as there).
    An expression stored by an older newsweave (no rule) is kept as it is.
    """
    out: list[TimeExpr] = []
    for expr in times:
        found = _rematch(text, expr)
        if found is None:
            out.append(expr)
            continue
        m, index = found
        again = _resolve(
            m,
            index,
            text,
            expr.span.article_id,
            expr.tense,
            expr.progressive,
            expr.scheduled,
            reference,
        )
        if again is not None:
            out.append(again)
    return out


def infer_publication_date(doc: Doc, anchor: date) -> date | None:
    """A publication date for an undated article, from its past-tense weekdays.

    Heuristic: a report that says "said Sunday" or "held talks on Saturday" in the past
    tense was written on or after that day, and news reports their latest events within
    the day. Given ``anchor`` (the publication date of another article of the same story)
    and assuming this article appeared in the week up to it, each past-tense bare weekday
    ("on Saturday", "said Wednesday"; not "last/next Saturday") names the latest day
    ``d`` with that weekday and ``anchor - 6 <= d <= anchor``; the latest such ``d`` is the
    earliest day the article can have been written, and is returned. Future-tense weekdays
    ("will meet on Sunday") are not evidence. ``None`` when there is no past-tense weekday.

    Example:
        >>> from newsweave.annotate.models import load_nlp
        >>> doc = load_nlp()("Bessent said Wednesday that talks will start on Saturday.")
        >>> infer_publication_date(doc, date(2025, 10, 26))
        datetime.date(2025, 10, 22)
    """
    return publication_date_from(doc_text(doc), resolve_times(doc, "", None), anchor)


def publication_date_from(text: str, times: Sequence[TimeExpr], anchor: date) -> date | None:
    """:func:`infer_publication_date` from the stored time expressions of ``text`` (no parse)."""
    best: date | None = None
    for expr in times:
        if expr.tense is not Tense.PAST or _RULE_INDEX.get(expr.rule) is None:
            continue
        found = _rematch(text, expr)
        if found is None or _PATTERNS[found[1]][1] is not _weekday:
            continue
        weekday = _WEEKDAYS[found[0]["wd"]]
        day = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
        if best is None or day > best:
            best = day
    return best
