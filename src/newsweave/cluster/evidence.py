"""The evidence that two reports tell the same event, shared by the batch and online clusterers.

Three signals: topical similarity of the MiniLM vectors, overlap of the named participants
(people weigh most: two earthquakes share no survivors' names, two rounds of the same talks
share them but happen on different days), and distance in time (the same actors a month later
are usually a different event). One options object holds the weights and thresholds of both
clusterers, so ``brief PATH`` and ``ingest`` judge with the same numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Article

_PARTICIPANT_LABELS = {"PERSON": 1.0, "ORG": 0.6, "GPE": 0.3, "FAC": 0.6, "EVENT": 0.8}


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Args:
    threshold: minimum combined similarity (0..1) for an article to join a story (online)
        or for two articles to share a story (batch, average linkage).
    embedding_weight: share of the vector similarity in the combined score; the rest is
        participant overlap.
    max_days_apart: articles published further apart than this are penalised: the same
        actors a month later are usually a different event.
    time_penalty: factor applied to the score of pairs too far apart in time.
    window_days: a story with no new article for this many days of article time leaves the
        active set of the online clusterer (it stays in the store).
    candidates: how many nearest stories the online clusterer scores per article.
    merge_threshold: an article scoring at least this with two stories, whose stories also
        score at least ``threshold`` with each other, merges them.
    contradiction_penalty: factor applied to a score when both sides name central people
        and share none of them (see ``mark_share``); 1 leaves it out (measured: it splits
        one event's reports, whose central people vary from outlet to outlet).
    review_size: a story of at most this many articles gets a second look each time it
        changes: it merges with its nearest active story when the two score at least
        ``review_threshold`` with each other (0 turns the second look off).
    review_threshold: minimum story-to-story score for that merge.
    review_rounds: at most this many such merges per arriving article.
    lexical_weight: weight of a word of the article's start among its evidence keys: a
        capitalised word or a number in its first ``lexical_chars`` characters (names the
        cheap pass did not tag, ages, scores, counts: what two reports of one event share
        and two similar events do not); 0 leaves them out.
    lexical_chars: how much of the text those words are read from (the cheap pass's lead).
    story_keys_max: a story keeps at most about this many evidence keys; past it, the words
        fewest of its articles share are dropped (names, people and years are always kept),
        so judging an article against a story stays bounded however large it grows.
    closed_candidates: an undated article that no active story takes is also compared with
        up to this many of the stories that went quiet most recently (its date is unknown:
        the story it reports may have closed before it arrived); 0 turns that off.
    protagonist_mentions: an article's protagonist is the person it names most often (a
        mention in the lead counts twice), at least this many times and more often than
        anyone else: whom the report is about (0: no protagonists).
    protagonist_penalty: factor applied to a score when both sides have protagonists and
        share none (an article against the protagonists of all of a story's articles) and
        time cannot tell them apart (one side has no stated date): two rehab check-ins, two
        title defences, two deaths of aides in one scandal share their setting, clinic,
        sport and names, but not whom they are about.
    mark_share: how much of a story's central people, protagonists or years an article must
        agree with (share of the story's articles that hold them, see :func:`agreement`)
        for them not to count as apart; 0: any one of them will do (a union of the story's
        marks). Measured on the ECB+ dev topics at 0, 0.2, 0.35 and 0.5: no gain there.
    year_penalty: factor applied to a score when an article dated by at most
        ``year_focus`` years names none of the years a story's articles name (or two stories
        share no year): the same people and places five years apart are another event.
    year_focus: how many years an article may name and still be dated by them: a report
        naming one year is of that year; one naming several looks back (a career, earlier
        ceremonies), and its years say little about which event it reports (0: years never
        tell an article from a story).
    consensus_runs: a batch whose arrival order holds undated articles in a row (placed at
        one moment) is clustered this many times, each such row in another order, and placed
        along what the runs agree on (see :mod:`newsweave.cluster.consensus`); 0 or 1: in
        arrival order alone.
    consensus_share: two articles (or an article and a story) share a story when more than
        this share of those runs put them together.
    consensus_alone_share: an article that this leaves alone joins the group (of several,
        or a stored story) it shared a story with in more than this share of the runs.
    """

    threshold: float = 0.5
    embedding_weight: float = 0.5
    max_days_apart: float = 10.0
    time_penalty: float = 0.6
    window_days: float = 7.0
    candidates: int = 10
    merge_threshold: float = 0.65
    contradiction_penalty: float = 1.0
    review_size: int = 3
    review_threshold: float = 0.55
    review_rounds: int = 2
    lexical_weight: float = 0.6
    lexical_chars: int = 1500
    story_keys_max: int = 3000
    closed_candidates: int = 1000
    protagonist_mentions: int = 6
    protagonist_penalty: float = 0.7
    mark_share: float = 0.0
    year_penalty: float = 0.8
    year_focus: int = 1
    consensus_runs: int = 15
    consensus_share: float = 0.75
    consensus_alone_share: float = 0.5

    def __post_init__(self) -> None:
        for name in (
            "threshold",
            "embedding_weight",
            "time_penalty",
            "merge_threshold",
            "review_threshold",
            "contradiction_penalty",
            "year_penalty",
            "mark_share",
            "protagonist_penalty",
            "consensus_share",
            "consensus_alone_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise OptionError(f"The {name!r} option must be a number in [0, 1]; got {value}.")
        for name in ("max_days_apart", "window_days"):
            if getattr(self, name) <= 0:
                raise OptionError(
                    f"The {name!r} option must be positive; got {getattr(self, name)}."
                )
        if self.lexical_weight < 0 or self.lexical_chars < 0 or self.story_keys_max < 1:
            raise OptionError(
                "The 'lexical_weight' and 'lexical_chars' options must be 0 or more and "
                f"'story_keys_max' at least 1; got {self.lexical_weight}, "
                f"{self.lexical_chars} and {self.story_keys_max}."
            )
        if self.year_focus < 0:
            raise OptionError(f"The 'year_focus' option must be 0 or more; got {self.year_focus}.")
        if self.closed_candidates < 0 or self.protagonist_mentions < 0:
            raise OptionError(
                "The 'closed_candidates' and 'protagonist_mentions' options must be 0 or more; "
                f"got {self.closed_candidates} and {self.protagonist_mentions}."
            )
        if self.review_size < 0 or self.review_rounds < 0:
            raise OptionError(
                "The 'review_size' and 'review_rounds' options must be 0 or more; got "
                f"{self.review_size} and {self.review_rounds}."
            )
        if self.consensus_runs < 0:
            raise OptionError(
                f"The 'consensus_runs' option must be 0 or more; got {self.consensus_runs}."
            )
        if self.candidates < 1:
            raise OptionError(f"The 'candidates' option must be at least 1; got {self.candidates}.")


STORY_ID_HEX = 32
"""Hex digits of a story id: 128 bits, so that even at 10^9 stories the chance that two
founding articles share an id is about 10^-21 (birthday bound n^2 / 2^129). Stores written
before kept 12 (48 bits); those ids stay valid as they are."""


def story_id_for(founding: Article, attempt: int = 0) -> str:
    """A story's id, derived from its founding article, so it never changes as the story grows.

    The id is the first 128 bits of the founding article's content hash (SHA-256). A clusterer
    that finds the id already taken by another story (a collision: two different founding
    articles, one id) asks again with ``attempt`` 1, 2, ...: the id is then derived from the
    content hash and the attempt, never shared.
    """
    digest = founding.content_hash.lower()
    if attempt or len(digest) < STORY_ID_HEX or any(c not in _HEX for c in digest):
        # Not a SHA-256 hex digest (built by hand), or a retry after a collision.
        salted = f"{founding.content_hash}\x00{founding.article_id}\x00{attempt}"
        digest = hashlib.blake2b(salted.encode(), digest_size=STORY_ID_HEX // 2).hexdigest()
    return f"s-{digest[:STORY_ID_HEX]}"


_HEX = frozenset("0123456789abcdef")


CORE = "@"
"""Key prefix of an article's central people: named in its lead or more than once."""
YEAR = "#"
"""Key prefix of a year the article's dates fall in."""
WORD = "~"
"""Key prefix of a capitalised word or a number of the article's start."""
PROTAGONIST = "!"
"""Key prefix of an article's protagonist (see ``ClusterOptions.protagonist_mentions``)."""
_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b|\b\d+\b")
# Capitalised because they start a sentence, not because they name anything.
_COMMON = frozenset(
    "the and but for with that this his her its they their she was were said after when "
    "who will not from one two has have had there then also while some many more most".split()
)
LEAD_CHARS = 400
LEAD_TEXT = 1500
_YEAR = re.compile(r"(?<![\d.,:/-])((?:19|20)\d\d)(?![\d.,:/-]?\d)")
"""A year written out (1900-2099), not part of a longer number, time or figure."""
CORE_WEIGHT = 1.0
YEAR_WEIGHT = 0.6


def participants(item: AnnotatedArticle, options: ClusterOptions | None = None) -> dict[str, float]:
    """Weighted evidence keys of an article: surnames of people and names of organisations,
    places and events (weighted by kind); its central people again as ``@surname`` (named in
    the lead or more than once: two rehab stories share the clinic, not the patient); its
    protagonist as ``!surname`` (see ``ClusterOptions.protagonist_mentions``); the years its
    resolved dates fall in as ``#year``; and the capitalised words and numbers of its start
    as ``~word`` (see ``ClusterOptions.lexical_weight``)."""
    opts = options or _DEFAULT
    keys: dict[str, float] = {}
    seen: dict[str, int] = {}
    for ent in item.entities:
        weight = _PARTICIPANT_LABELS.get(ent.label)
        if weight is None:
            continue
        name = ent.canonical.lower()
        key = name.split()[-1] if ent.label == "PERSON" and name.split() else name
        keys[key] = max(keys.get(key, 0.0), weight)
        if ent.label == "PERSON":
            seen[key] = seen.get(key, 0) + (2 if ent.span.start < LEAD_CHARS else 1)
    for key, count in seen.items():
        if count >= 2:
            keys[CORE + key] = CORE_WEIGHT
    protagonist = _protagonist(seen, opts.protagonist_mentions)
    if protagonist is not None:
        keys[PROTAGONIST + protagonist] = CORE_WEIGHT
    years = {
        expr.start.year
        for expr in item.times
        if expr.start is not None and expr.end is not None and expr.start.year == expr.end.year
    }
    if not item.times:  # the cheap pass resolves no dates: the years written in the lead
        years.update(int(m) for m in _YEAR.findall(item.article.text[:LEAD_TEXT]))
    for year in years:
        keys[f"{YEAR}{year}"] = YEAR_WEIGHT
    if opts.lexical_weight > 0:
        for word in _WORD.findall(item.article.text[: opts.lexical_chars]):
            word = word.lower()
            if word not in _COMMON:
                keys[WORD + word] = opts.lexical_weight
    return keys


def _protagonist(mentions: dict[str, int], least: int) -> str | None:
    """The person named most often, at least ``least`` times and more often than anyone
    else; None when there is no such one (or ``least`` is 0)."""
    if least <= 0 or not mentions:
        return None
    ranked = sorted(mentions.values(), reverse=True)
    top = ranked[0]
    if top < least or (len(ranked) > 1 and ranked[1] == top):
        return None
    return next(k for k, v in mentions.items() if v == top)


def prune(keys: dict[str, float], limit: int) -> None:
    """Drop the words (``~`` keys) of least weight from a story's summed ``keys`` until at
    most ``limit`` keys are left, or no word is; to 90% of ``limit``, so it runs seldom."""
    if len(keys) <= limit:
        return
    words = sorted((w, k) for k, w in keys.items() if k[:1] == WORD)
    excess = len(keys) - int(limit * 0.9)
    for _, key in words[:excess]:
        del keys[key]


_DEFAULT = ClusterOptions()


def marked(keys: Iterable[str]) -> set[str]:
    """The keys :func:`contradictions` and :func:`protagonists_apart` compare: central
    people, years and protagonists."""
    return {k for k in keys if k[:1] in _MARKED}


def contradictions(
    a: Mapping[str, float] | set[str],
    b: Mapping[str, float] | set[str],
    least: float = 0.0,
    kinds: tuple[str, ...] = (),
) -> int:
    """How many kinds of evidence tell two sides apart: both name central people and agree
    on less than ``least`` of them (see :func:`agreement`), or on none; the same for years.
    ``a`` and ``b`` are :func:`marked` keys of an article or a story, each with the share of
    the side's articles that hold it (:func:`mark_shares`; a set: every mark held by all)."""
    found = 0
    for prefix in kinds or _MARKS:
        agreed = agreement(a, b, prefix)
        if agreed is not None and (agreed <= 0.0 or agreed < least):
            found += 1
    return found


def agreement(
    a: Mapping[str, float] | set[str], b: Mapping[str, float] | set[str], prefix: str
) -> float | None:
    """How far two sides agree on the marks of one kind (``prefix``), 0..1; None when either
    has none. A mark counts with the smaller of its two shares, against the larger share
    of each side's most held mark of that kind (the articles that have such marks at all):
    one report of another event that a story took agrees with it only as one of its reports
    does, not as the whole story (a union of the story's marks would agree fully)."""
    mine = _of_kind(a, prefix)
    if not mine:
        return None
    theirs = _of_kind(b, prefix)
    if not theirs:
        return None
    shared = sum(min(w, theirs[k]) for k, w in mine.items() if k in theirs)
    if shared <= 0.0:
        return 0.0
    return min(1.0, shared / min(max(mine.values()), max(theirs.values())))


def _of_kind(side: Mapping[str, float] | set[str], prefix: str) -> dict[str, float]:
    if isinstance(side, set):
        return {k: 1.0 for k in side if k[:1] == prefix}
    return {k: w for k, w in side.items() if k[:1] == prefix}


def mark_shares(marks: Iterable[str], keys: Mapping[str, float], size: int) -> dict[str, float]:
    """Each of a side's ``marks`` (:func:`marked`) with the share of its ``size`` articles
    that hold it, read from the summed evidence ``keys`` (a mark weighs the same in every
    article that has it)."""
    out: dict[str, float] = {}
    for mark in marks:
        weight = _MARK_WEIGHT.get(mark[:1])
        if weight is not None and mark in keys:
            out[mark] = min(1.0, keys[mark] / (weight * max(size, 1)))
    return out


_MARKS = (CORE, YEAR)
_MARKED = frozenset((CORE, YEAR, PROTAGONIST))
_MARK_WEIGHT = {CORE: CORE_WEIGHT, YEAR: YEAR_WEIGHT, PROTAGONIST: CORE_WEIGHT}


def years_apart(
    article: set[str], other: Mapping[str, float] | set[str], least: float, focus: int
) -> bool:
    """Whether an article's years tell it from ``other`` (a story's marks with their shares,
    see :func:`mark_shares`): it names at least one and at most ``focus`` years, and agrees
    on less than ``least`` of the other side's years, or on none (see :func:`agreement`)."""
    if sum(1 for k in article if k[:1] == YEAR) > focus:
        return False
    return contradictions(article, other, least, (YEAR,)) > 0


def protagonists_apart(
    a: Mapping[str, float] | set[str], b: Mapping[str, float] | set[str], least: float = 0.0
) -> bool:
    """Whether both sides name protagonists and agree on less than ``least`` of them (or on
    none; see :func:`agreement`). ``a`` and ``b`` as for :func:`contradictions`: all the
    side's articles' protagonists, with their shares."""
    agreed = agreement(a, b, PROTAGONIST)
    return agreed is not None and (agreed <= 0.0 or agreed < least)


def weighted_jaccard(
    a: dict[str, float], b: dict[str, float], b_total: float | None = None
) -> float:
    """Sum of shared minimum weights over the weighted union; 0 when either side is empty.
    ``b_total``: ``sum(b.values())`` when the caller keeps it (a story's profile)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    inter = sum(min(w, large[k]) for k, w in small.items() if k in large)
    union = sum(a.values()) + (sum(b.values()) if b_total is None else b_total) - inter
    return inter / union if union else 0.0


def overlap_score(jaccard: float) -> float:
    """Overlap of names is sparse: a weighted Jaccard of a third is already strong agreement
    (tuned on the ECB+ dev topics, with the weights and thresholds of :class:`ClusterOptions`)."""
    return min(1.0, jaccard * 3.0)


def known_date(item: AnnotatedArticle) -> datetime | None:
    """The publication date the clusterer may use as evidence: a stated one, not an
    estimate. A date inferred from the story was itself derived from the story; one read
    from the article's address or top line (:mod:`newsweave.ingest.datehints`) is often a
    filing or update day, and on ECB+ using it cost recall and gained no precision (the
    arrival order and the time penalty then split one event's reports weeks apart)."""
    article = item.article
    if article.published is None or article.date_origin.estimated:
        return None
    return article.published


def combine(
    options: ClusterOptions,
    cosine: float,
    jaccard: float,
    days_apart: float,
    contradicting: int = 0,
    apart: bool = False,
    years_apart: bool = False,
) -> float:
    """The combined score of one pair: weighted vector and name evidence, penalised when the
    two are more than ``max_days_apart`` apart, when their central people are apart
    (``contradicting``, see :func:`contradictions`), when their protagonists differ
    (``apart``, see :func:`protagonists_apart`) and when their years do (``years_apart``,
    see :func:`years_apart`)."""
    w = options.embedding_weight
    score = w * max(0.0, cosine) + (1.0 - w) * overlap_score(jaccard)
    if days_apart > options.max_days_apart:
        score *= options.time_penalty
    if apart:
        score *= options.protagonist_penalty
    if years_apart:
        score *= options.year_penalty
    return score * options.contradiction_penalty**contradicting
