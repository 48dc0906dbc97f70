"""One timeline for the story: one entry per event, dated, from every article, merged.

An *event* is the clause a resolved time expression dates. A sentence gives at most one event,
dated by its main expression (the most precise one that is not a deadline, a "since" or a date
inside a relative clause: "The strike, which began on 2 March, entered its ninth day on
Tuesday" is Tuesday's event); "on Saturday and Sunday" is one two-day range. The event text
is the clause that carries the date, sub-headings and prompts cut off (:mod:`clauses`).

Events merge when they are about the same thing on overlapping dates: same date, or a day
inside a range, week or month that another source gives. The merged entry keeps the best date:
a day rather than the week or month around it, a range once rather than each of its days.
Entries dated after the story's latest publication date are *scheduled* (what comes next).

Work is near-linear: events are bucketed by date and an event is compared only with the
events of its own bucket and of the few days a coarse date covers, at most
``max_compared`` of them; at most ``max_events`` expressions are read per story (the earliest
articles first, as stored), the rest are not considered (see :func:`build_timeline`).

Which days matter ("the days that matter" of a long-running story) is decided per day
(:class:`DaySignals`, :func:`day_score`): how many articles published *later* refer back to
the day (the days later reports keep returning to are the ones that mattered; a written date,
"on Feb. 17", counts more than a weekday or "yesterday", which mostly tell the news cycle),
how many articles were published on the day after (news reports yesterday's events), and
how many independent sources tell its best event. References are counted per article, not
per sentence; references to a day from articles published before it (what is scheduled) and
month-level references do not make a day matter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsweave.fuse.clauses import clause_around
from newsweave.fuse.context import StoryContext
from newsweave.fuse.independence import CopyGraph, words_of
from newsweave.fuse.quality import CLEAN
from newsweave.model import (
    AnnotatedArticle,
    Precision,
    Sentence,
    Span,
    Support,
    TimeExpr,
    TimelineEntry,
)


@dataclass(frozen=True, slots=True)
class TimelineOptions:
    """Args:
    merge_overlap: share of the shorter event's content words (0..1) the other must share
        for two events on overlapping dates to merge.
    merge_semantic: sentence-vector cosine above which two such events merge anyway.
    max_entries: entries kept; the best days first, then shown in date order.
    max_days: distinct dates kept (``None``: as many as ``max_entries`` allows).
    max_scheduled: places kept for scheduled events beyond the best days.
    max_latest: places kept for the events of the latest publication day (where the story
        stands now; no later report can have referred back to it yet), best supported first.
    max_per_day: events kept for one date, best supported first.
    max_events: time expressions read per story; beyond it the rest are not considered.
    max_compared: events of one date an event is compared with before it opens its own.
    only_days: keep day-precise entries only (to compare with day-level timelines).
    weight_support / weight_refs_back_dated / weight_refs_back / weight_refs_same /
        weight_refs_ahead / weight_published / weight_published_after / weight_refs: how a
        day is ranked (:func:`day_score`), per article: the independent sources of its best
        event; articles published after the day that refer back to it with a written date
        ("on Feb. 17") or only relatively (a weekday, "yesterday"); articles referring to
        their own publication day; articles published before the day that refer ahead to
        it; articles published on the day and on the day after. A coarse date (month, week,
        range) is ranked by ``weight_refs`` per article that refers to it.
    reprint_share: share of an article's characters (0..1) copied from one earlier article
        above which its references to days count as the original's (a wire reprint is not
        another report referring back).
    """

    merge_overlap: float = 0.5
    merge_semantic: float = 0.6
    max_entries: int = 30
    max_days: int | None = None
    max_scheduled: int = 6
    max_latest: int = 2
    max_per_day: int = 3
    max_events: int = 20_000
    max_compared: int = 40
    only_days: bool = False
    # Set on Timeline17; bench/timeline_t17.py --tune prints them against a grid, in-sample
    # and leave-one-collection-out (see the note of issue 12).
    weight_support: float = 0.25
    weight_refs_back_dated: float = 1.0
    weight_refs_back: float = 0.5
    weight_refs_same: float = 0.0
    weight_refs_ahead: float = 0.0
    weight_published: float = 0.0
    weight_published_after: float = 0.5
    weight_refs: float = 0.1
    reprint_share: float = 0.5


def date_key(expr: TimeExpr) -> str | None:
    """ISO form with the expression's precision: 2025-10-30, 2025-05, 2025, or a range."""
    if expr.start is None:
        return None
    return _key(expr.start, expr.end or expr.start, expr.precision)


def _key(start: date, end: date, precision: Precision) -> str:
    if precision == Precision.DAY or start == end:
        return start.isoformat()
    if precision == Precision.MONTH:
        return start.isoformat()[:7]
    if precision == Precision.YEAR:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


@dataclass(slots=True)
class _Event:
    """One dated clause of one article."""

    start: date
    end: date
    precision: Precision
    when: str
    when_span: Span
    clause: Sentence
    sentence: Sentence
    words: frozenset[str]

    @property
    def key(self) -> str:
        return _key(self.start, self.end, self.precision)


@dataclass(slots=True)
class _Draft:
    events: list[_Event] = field(default_factory=list)

    @property
    def first(self) -> _Event:
        return self.events[0]


# --- reading events ---------------------------------------------------------------------

_DEADLINE_WORDS = re.compile(
    r"\b(?:until|till|by|before|through|deadline(?:\s+of)?)\s+\S*\s*$", re.I
)
# "said Wednesday that talks will be held this weekend": the day of the telling, not the event
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|announced|added|stated)\s+(?:\w+\s+)?(?:on\s+)?$")
_RELATIVE_OPEN = re.compile(r",\s+(?:which|who|that|when|where)\s+[^,]*$", re.I)


def _rank_in_sentence(expr: TimeExpr, sentence: Sentence, text: str) -> tuple[int, int, int]:
    """Lower is better: the expression that dates the sentence's main event."""
    before = text[max(0, expr.span.start - 30) : expr.span.start]
    lead = expr.text.split(maxsplit=1)[0].lower()
    background = (
        lead in ("since", "until", "till", "by", "before", "through", "after")
        or bool(_DEADLINE_WORDS.search(before))
        or bool(_RELATIVE_OPEN.search(text[sentence.span.start : expr.span.start]))
    )
    return (int(background), _precision_rank(expr.precision), expr.span.start)


def _main_expression(exprs: Sequence[TimeExpr], sentence: Sentence, text: str) -> TimeExpr:
    ranked = sorted(exprs, key=lambda e: _rank_in_sentence(e, sentence, text))
    chosen = ranked[0]
    before = text[max(0, chosen.span.start - 30) : chosen.span.start]
    if _SPEECH_BEFORE.search(before):
        # "said Wednesday that talks will be held this weekend": the event told of
        for other in ranked[1:]:
            later = other.start is not None and chosen.start is not None
            if not later or _rank_in_sentence(other, sentence, text)[0]:
                continue
            if other.start > chosen.start:  # type: ignore[operator]
                return other
    return chosen


def _day_pair(exprs: Sequence[TimeExpr], chosen: TimeExpr, text: str) -> TimeExpr | None:
    """ "On Saturday and Sunday": the chosen day and the next one joined by "and" (a range)."""
    for other in exprs:
        if other is chosen or other.precision != Precision.DAY or other.start is None:
            continue
        if chosen.start is None or other.start != chosen.start + timedelta(days=1):
            continue
        if text[chosen.span.end : other.span.start].strip().lower() in ("and", "&", "-", "–"):
            return other
    return None


_FUNCTION_WORDS = frozenset(
    "the a an and or of to in on at for with by from that this which who will would has have had "
    "is are was were be been as it its their his her they he she we our not but after before "
    "said says also than into over about more could can may two one".split()
)
# The date words themselves say when, not what: two events are alike by what happened.
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "june july august september october november december today yesterday tomorrow tonight "
    "week weekend month year morning afternoon evening night midnight earlier later next last "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _content(text: str) -> frozenset[str]:
    out = set()
    for w in words_of(text):
        if len(w) <= 2 or w in _FUNCTION_WORDS or w in _TIME_WORDS or w.isdigit():
            continue
        out.add(w[:6])  # a crude stem: "meeting"/"meet", "talks"/"talk"
    return frozenset(out)


@dataclass(slots=True)
class DaySignals:
    """What says a day matters: articles (each counted once per signal) that refer to it,
    by when they were published, and articles published on it and on the day after."""

    back_dated: set[str] = field(default_factory=set)  # later articles, a written date
    back: set[str] = field(default_factory=set)  # later articles, a weekday, "yesterday"
    same: set[str] = field(default_factory=set)  # articles of that very day
    ahead: set[str] = field(default_factory=set)  # earlier articles: scheduled
    published: int = 0
    published_after: int = 0


def day_score(signals: DaySignals, support: int, opts: TimelineOptions) -> float:
    """How much a day matters: the weighted signals (see :class:`TimelineOptions`)."""
    return (
        opts.weight_support * support
        + opts.weight_refs_back_dated * len(signals.back_dated)
        + opts.weight_refs_back * len(signals.back - signals.back_dated)
        + opts.weight_refs_same * len(signals.same)
        + opts.weight_refs_ahead * len(signals.ahead)
        + opts.weight_published * signals.published
        + opts.weight_published_after * signals.published_after
    )


def _refer(days: dict[date, DaySignals], expr: TimeExpr, item: AnnotatedArticle, who: str) -> None:
    """Count ``item``'s reference ``expr`` to a day (as ``who``'s) by when it was published."""
    day, published = expr.start, item.article.published
    if day is None or published is None:
        return
    signals = days.setdefault(day, DaySignals())
    if day < published.date():
        # a written date is a deliberate reference back; "on Tuesday" tells the news cycle
        dated = any(ch.isdigit() for ch in expr.text)
        (signals.back_dated if dated else signals.back).add(who)
    elif day == published.date():
        signals.same.add(who)
    else:
        signals.ahead.add(who)


def _reprints(
    items: Sequence[AnnotatedArticle], graph: CopyGraph, opts: TimelineOptions
) -> dict[str, str]:
    """Article -> the earlier article it mostly reprints (copied share above the option)."""
    sizes = {i.article_id: max(1, len(i.article.text)) for i in items}
    out: dict[str, str] = {}
    for copier, refs in graph.copies.items():
        best = max(refs, key=lambda r: r.chars, default=None)
        if best is not None and best.chars / sizes.get(copier, 1) > opts.reprint_share:
            out[copier] = best.from_article_id
    return out


def day_signals(
    items: Sequence[AnnotatedArticle],
    graph: CopyGraph | None = None,
    options: TimelineOptions | None = None,
) -> dict[date, DaySignals]:
    """Per day the story refers to, its signals (as :func:`build_timeline` ranks days)."""
    opts = options or TimelineOptions()
    return _events(items, opts, _reprints(items, graph or CopyGraph(), opts))[2]


def _events(
    items: Sequence[AnnotatedArticle], opts: TimelineOptions, reprints: dict[str, str]
) -> tuple[list[_Event], dict[str, set[str]], dict[date, DaySignals]]:
    """The events of every article (one per sentence), per date key the articles that
    mention the date at all, and per day its signals (a reprint's as its original's)."""
    events: list[_Event] = []
    refs: dict[str, set[str]] = defaultdict(set)
    days: dict[date, DaySignals] = {}
    budget = opts.max_events
    for item in items:
        if budget <= 0:
            break
        text = item.article.text
        by_sentence: dict[int, list[TimeExpr]] = defaultdict(list)
        sentences = item.sentences
        cursor = 0
        for expr in item.times[:budget]:
            budget -= 1
            key = date_key(expr)
            if key is None or _in_dateline(text, expr):
                continue
            # times and sentences are both in text order: walk them together
            while cursor < len(sentences) and sentences[cursor].span.end < expr.span.end:
                cursor += 1
            if cursor >= len(sentences) or sentences[cursor].span.start > expr.span.start:
                continue
            refs[key].add(item.article_id)
            if expr.precision == Precision.DAY or expr.start == expr.end:
                _refer(days, expr, item, reprints.get(item.article_id, item.article_id))
            by_sentence[cursor].append(expr)
        for index, in_sentence in by_sentence.items():
            sentence = sentences[index]
            if len(sentence.text.split()) < 5 or _COMMENT.search(sentence.text):
                continue
            # one event per clause: a sentence may tell two dated things in two clauses
            by_clause: dict[tuple[int, int], list[TimeExpr]] = defaultdict(list)
            for expr in in_sentence:
                part = clause_around(sentence, expr.span).span
                by_clause[(part.start, part.end)].append(expr)
            for exprs in by_clause.values():
                event = _event(item.article_id, text, sentence, exprs)
                if event is not None:
                    events.append(event)
    published = [i.article.published.date() for i in items if i.article.published]
    for day in published:
        if day in days:
            days[day].published += 1
        before = day - timedelta(days=1) if day > date.min else None
        if before in days:
            days[before].published_after += 1
    return events, refs, days


_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.I)


def _since_long_ago(expr: TimeExpr, text: str) -> bool:
    """ "no government has taken that step since 1998", "closed since last year": a state
    that has lasted, not an event of that year ("the fifth round since May" still tells of
    talks in May)."""
    if expr.precision != Precision.YEAR:
        return False
    lead = expr.text.split(maxsplit=1)[0].lower()
    return lead == "since" or bool(
        _SINCE.search(text[max(0, expr.span.start - 12) : expr.span.start])
    )


def _event(article_id: str, text: str, sentence: Sentence, exprs: list[TimeExpr]) -> _Event | None:
    chosen = _main_expression(exprs, sentence, text)
    assert chosen.start is not None
    if _since_long_ago(chosen, text):
        return None
    start, end, precision = chosen.start, chosen.end or chosen.start, chosen.precision
    when_span = chosen.span
    pair = _day_pair(exprs, chosen, text)
    if pair is not None and pair.start is not None:
        end, precision = pair.start, Precision.RANGE
        when_span = Span(article_id, chosen.span.start, pair.span.end)
    clause = clause_around(sentence, when_span)
    if not (clause.span.start <= when_span.start and when_span.end <= clause.span.end):
        clause = sentence  # the date sits in a part the clean-up cut: keep it all
    return _Event(
        start,
        end,
        precision,
        text[when_span.start : when_span.end],
        when_span,
        clause,
        sentence,
        _content(clause.text),
    )


# --- merging ----------------------------------------------------------------------------


def _same_event(a: _Event, b: _Event, opts: TimelineOptions, ctx: StoryContext | None) -> bool:
    if a.clause.span == b.clause.span:
        return True
    if a.words and b.words:
        shared = len(a.words & b.words) / min(len(a.words), len(b.words))
        if shared >= opts.merge_overlap:
            return True
    if ctx is not None and ctx.vectors is not None:
        return ctx.semantic(a.sentence, b.sentence) >= opts.merge_semantic
    return False


def _days(start: date, end: date) -> list[str]:
    span = min((end - start).days, 31)
    return [(start + timedelta(days=n)).isoformat() for n in range(span + 1)]


def _merge(
    events: Sequence[_Event], opts: TimelineOptions, ctx: StoryContext | None
) -> list[_Draft]:
    # Same date first: bucket by key, compare within the bucket (bounded).
    buckets: dict[str, list[_Draft]] = defaultdict(list)
    for event in events:
        drafts = buckets[event.key]
        for draft in drafts[: opts.max_compared]:
            if any(_same_event(event, other, opts, ctx) for other in draft.events[:3]):
                draft.events.append(event)
                break
        else:
            drafts.append(_Draft([event]))
    # Then a coarse date (range, week, month) against the days it covers.
    day_drafts = {key: drafts for key, drafts in buckets.items() if len(key) == 10}
    merged: list[_Draft] = []
    absorbed: set[int] = set()
    coarse = [d for key, ds in buckets.items() if len(key) != 10 for d in ds]
    for draft in coarse:
        ev = draft.first
        if ev.precision == Precision.YEAR:
            merged.append(draft)
            continue
        inside = [
            d
            for day in _days(ev.start, ev.end)
            for d in day_drafts.get(day, ())[: opts.max_compared]
            if id(d) not in absorbed
        ]
        match = next(
            (
                d
                for d in inside
                if any(_same_event(e, o, opts, ctx) for e in draft.events[:3] for o in d.events[:3])
            ),
            None,
        )
        if match is None:
            merged.append(draft)
            continue
        if ev.precision == Precision.RANGE and ev.end > ev.start:
            # a range once, not also its days: the days join the range
            draft.events.extend(match.events)
            absorbed.add(id(match))
            merged.append(draft)
        else:
            # a day rather than the week or month around it
            match.events.extend(draft.events)
    merged.extend(d for ds in day_drafts.values() for d in ds if id(d) not in absorbed)
    return merged


# --- choosing what to show --------------------------------------------------------------


def _best_date(draft: _Draft) -> tuple[date, date, Precision]:
    ranges = [e for e in draft.events if e.precision == Precision.RANGE and e.end > e.start]
    if ranges:
        e = max(ranges, key=lambda r: sum(x.key == r.key for x in ranges))
        return e.start, e.end, e.precision
    days = [e for e in draft.events if e.start == e.end]
    pool = days or draft.events
    # the date most of its sources give (the earliest stated among equals)
    counts: dict[tuple[date, date, Precision], int] = defaultdict(int)
    for e in pool:
        counts[(e.start, e.end, Precision.DAY if e.start == e.end else e.precision)] += 1
    return max(counts, key=lambda k: (counts[k], -_precision_rank(k[2])))


def _representative(draft: _Draft, quality: dict[str, float]) -> _Event:
    def fit(e: _Event) -> tuple[bool, float, int]:
        words = len(e.clause.text.split())
        return (
            quality.get(e.clause.span.article_id, 1.0) >= CLEAN,
            quality.get(e.clause.span.article_id, 1.0),
            -abs(words - 18),
        )

    return max(draft.events, key=fit)


_MAX_SOURCES = 64


def build_timeline(
    items: Sequence[AnnotatedArticle],
    graph: CopyGraph | None = None,
    quality: dict[str, float] | None = None,
    options: TimelineOptions | None = None,
    context: StoryContext | None = None,
) -> list[TimelineEntry]:
    """Dated events of the story in date order (earliest first).

    Args:
        items: the story's articles (dated; inferred dates included).
        graph: copy relations, so a reprint does not count as another source.
        quality: text quality per article; a garbled copy alone does not date an event.
        options: caps and merge thresholds.
        context: the story's sentence index; its vectors (when present) merge paraphrases.

    Returns:
        At most ``options.max_entries`` entries. The first ``options.max_events`` time
        expressions of the story are read (articles in order); later ones are ignored, so a
        story of any size costs bounded work.
    """
    opts = options or TimelineOptions()
    quality = quality or {}
    graph = graph or CopyGraph()
    events, refs, days = _events(items, opts, _reprints(items, graph, opts))
    drafts = _merge(events, opts, context)
    published = [i.article.published.date() for i in items if i.article.published]
    now = max(published) if published else None

    entries: list[tuple[TimelineEntry, float]] = []
    for draft in drafts:
        start, end, precision = _best_date(draft)
        key = _key(start, end, precision)
        dated = [e for e in draft.events if e.key == key] or draft.events
        rep = _representative(_Draft(dated), quality)
        others = [e.clause.span for e in draft.events if e is not rep]
        sentences = _distinct([e.sentence for e in draft.events])
        articles = {s.span.article_id for s in sentences}
        # one sentence per article (an article is one source), at most _MAX_SOURCES of them:
        # the copy check is pairwise
        per_article = list({s.span.article_id: s for s in sentences}.values())[:_MAX_SOURCES]
        support = Support(len(articles), graph.independent(per_article))
        if support.articles == 1 and quality.get(rep.clause.span.article_id, 1.0) < CLEAN:
            continue  # a garbled copy alone does not date an event
        if opts.only_days and start != end:
            continue
        entry = TimelineEntry(
            date=key,
            precision=Precision.DAY if start == end else precision,
            event=rep.clause.text,
            when=rep.when,
            scheduled=now is not None and start > now,
            support=support,
            citations=tuple(dict.fromkeys([rep.clause.span, *others])),
        )
        if start == end:
            weight = day_score(days.get(start, DaySignals()), support.independent, opts)
        else:
            weight = opts.weight_support * support.independent + opts.weight_refs * len(
                refs.get(key, ())
            )
        entries.append((entry, weight))
    return _select(entries, opts, now)


def _select(
    scored: list[tuple[TimelineEntry, float]], opts: TimelineOptions, now: date | None
) -> list[TimelineEntry]:
    """The best days first (their best few events each), a few places kept for the latest
    day's events and for what is scheduled, then date order."""
    by_day: dict[str, list[tuple[TimelineEntry, float]]] = defaultdict(list)
    for entry, weight in scored:
        by_day[entry.date].append((entry, weight))
    for events in by_day.values():
        events.sort(key=lambda ew: (-ew[0].support.independent, -ew[0].support.articles))

    def day_rank(day: str) -> tuple[float, int, int]:
        events = by_day[day]
        best = events[0][0]
        return (-max(w for _, w in events), -best.support.articles, _precision_rank(best.precision))

    days = sorted(by_day, key=lambda d: (day_rank(d), d))
    max_days = opts.max_days if opts.max_days is not None else len(days)
    reserved = min(opts.max_scheduled, opts.max_entries // 3)
    # The newest day cannot have been referred back to yet: it keeps a few places anyway.
    latest = [e for e, _ in by_day.get(now.isoformat(), [])] if now is not None else []
    latest = latest[: min(opts.max_latest, opts.max_per_day, opts.max_entries // 3)]
    kept: list[TimelineEntry] = list(latest)
    taken = {id(e) for e in kept}
    room = opts.max_entries - reserved
    for day in days[:max_days]:
        if len(kept) >= room:
            break
        fresh = [e for e, _ in by_day[day][: opts.max_per_day] if id(e) not in taken]
        kept += fresh[: room - len(kept)]
    taken = {id(e) for e in kept}
    ahead = [
        e
        for day in days
        for e, _ in by_day[day][: opts.max_per_day]
        if e.scheduled and id(e) not in taken
    ]
    kept += ahead[: max(0, opts.max_entries - len(kept))][:reserved]
    kept.sort(key=lambda e: (e.date[:10], _precision_rank(e.precision), e.citations[0].start))
    return kept


_DATELINE_PREFIX = re.compile(r"^[A-Z][A-Z .'’-]+,\s*$")


_AGENCY_HEADER = re.compile(r"\((?:Reuters|AP|AFP|EPA|Bloomberg|dpa|Xinhua)\)|\s\|\s")
# Reader comments and photo captions carry timestamps that are not events of the story.
_COMMENT = re.compile(r"\bwrote:|\|\s*Reply\b|^\s*At \d{1,2}:\d{2}\b|\bfile photo\b", re.I)


def _in_dateline(text: str, expr: TimeExpr) -> bool:
    # only a bounded stretch before the expression is looked at (a live blog on one line)
    low = max(0, expr.span.start - 400)
    newline = text.rfind("\n", low, expr.span.start)
    line_start = newline + 1 if newline >= 0 or low == 0 else low
    prefix = text[line_start : expr.span.start]
    if len(prefix) < 60 and _DATELINE_PREFIX.match(prefix):
        return True
    # "LONDON | Tue Mar 1, 2011 7:40 am EST LONDON (Reuters) -": a header line of the report.
    line_end = text.find("\n", expr.span.start, expr.span.start + 400)
    line = text[line_start : line_end if line_end >= 0 else expr.span.start + 400]
    return (
        line_start < 200
        and bool(_AGENCY_HEADER.search(line[:160]))
        and (expr.span.start - line_start < 80)
    )


def _distinct(sentences: Sequence[Sentence]) -> list[Sentence]:
    return list({(s.span.article_id, s.span.start): s for s in sentences}.values())


def _precision_rank(precision: Precision) -> int:
    return [Precision.DAY, Precision.RANGE, Precision.WEEK, Precision.MONTH, Precision.YEAR].index(
        precision
    )
