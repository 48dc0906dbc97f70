"""Online story clustering: each arriving article joins the best active story or opens one.

A story is kept as sums (member vectors, participant weights), its stated time span and the
stream clock when it last grew (:class:`~newsweave.store.StoryState`), so judging an article
reads no other article. The score of an article against a story is the average-linkage score
of the batch clusterer: the mean cosine to the members (the article vector against the mean
member vector), the weighted Jaccard overlap of participants against the story's mean
participant profile, and a penalty when the article lies more than ``max_days_apart`` outside
the story's span. Candidates come from an ANN index over the active stories, so the cost per
article stays flat as the store grows; a story quiet for ``window_days`` of article time leaves
the index (and memory) but stays in the store.

Story ids are those of the founding article, so they never change as a story grows. When an
article scores high with two stories that also score with each other, the younger story merges
into the older one, whose id survives.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from newsweave.cluster import consensus
from newsweave.cluster.evidence import (
    CORE,
    YEAR,
    ClusterOptions,
    combine,
    contradictions,
    known_date,
    mark_shares,
    marked,
    participants,
    protagonists_apart,
    prune,
    story_id_for,
    weighted_jaccard,
    years_apart,
)
from newsweave.cluster.order import arrival_order, utc
from newsweave.cluster.storyindex import StoryIndex
from newsweave.model import AnnotatedArticle, Story
from newsweave.store.protocol import StoryState

PEOPLE = (CORE,)
"""The kinds of evidence ``contradiction_penalty`` weighs: central people."""
YEARS = (YEAR,)
_REINDEX_BELOW = 0.985
"""Re-index a story once its centroid's cosine to the indexed vector falls below this."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one article went: its story (after any merge), whether it opened that story,
    and the story ids merged away (into ``story_id``) because of it."""

    article_id: str
    story_id: str
    opened: bool
    merged: tuple[str, ...] = ()


@dataclass(slots=True)
class _Live:
    """A story in the active set: mutable sums, updated in place as members arrive."""

    story_id: str
    born: int
    size: int
    vector_sum: np.ndarray
    keys: dict[str, float]
    first: datetime | None
    last: datetime | None
    touched: datetime | None
    indexed: np.ndarray = field(repr=False)
    marks: set[str] = field(default_factory=set, repr=False)  # marked(keys), kept in step
    # profile() and shares(), computed once per change (an article is scored against a
    # story many times between two of its changes); changed() clears them.
    _profile: dict[str, float] | None = field(default=None, repr=False)
    _profile_total: float = field(default=0.0, repr=False)
    _shares: dict[str, float] | None = field(default=None, repr=False)

    def mean(self) -> np.ndarray:
        result: np.ndarray = self.vector_sum / self.size
        return result

    def profile(self) -> dict[str, float]:
        if self._profile is None:
            self._profile = {k: v / self.size for k, v in self.keys.items()}
            self._profile_total = sum(self._profile.values())
        return self._profile

    def overlap(self, keys: dict[str, float]) -> float:
        """Weighted Jaccard of ``keys`` with the story's profile."""
        profile = self.profile()
        return weighted_jaccard(keys, profile, self._profile_total)

    def shares(self) -> dict[str, float]:
        """Each mark with the share of the story's articles that hold it."""
        if self._shares is None:
            self._shares = mark_shares(self.marks, self.keys, self.size)
        return self._shares

    def changed(self) -> None:
        """Its members changed: what was computed from them is stale."""
        self._profile = self._shares = None

    def active_at(self) -> datetime | None:
        known = [t for t in (self.last, self.touched) if t is not None]
        return max(known) if known else None

    def state(self) -> StoryState:
        return StoryState(
            self.story_id,
            self.born,
            self.size,
            self.vector_sum.copy(),
            dict(self.keys),
            self.first,
            self.last,
            self.touched,
        )


def _days_outside(moment: datetime | None, first: datetime | None, last: datetime | None) -> float:
    """Days between ``moment`` and the span [first, last]; 0 inside it or when unknown."""
    if moment is None or first is None or last is None:
        return 0.0
    if moment < first:
        return (first - moment).total_seconds() / 86400
    if moment > last:
        return (moment - last).total_seconds() / 86400
    return 0.0


def _span_gap(a: _Live, b: _Live) -> float:
    if a.first is None or a.last is None or b.first is None or b.last is None:
        return 0.0
    if a.last < b.first:
        return (b.first - a.last).total_seconds() / 86400
    if b.last < a.first:
        return (a.first - b.last).total_seconds() / 86400
    return 0.0


def _undated(a: datetime | None, b: datetime | None) -> bool:
    """Whether time cannot tell two sides apart (one has no stated date): only then do
    differing protagonists count (``ClusterOptions.protagonist_penalty``). Two reports
    dated days apart are told apart by time already, and one event is told about different
    people on different days (the rebels one day, the government the next)."""
    return a is None or b is None


def _unit(vector: np.ndarray) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


class OnlineClusterer:
    """Assigns articles one at a time; holds the active stories and their ANN index.

    Args:
        options: thresholds, weights, window (shared with the batch clusterer).
        states: active stories to start from (e.g. ``store.active_stories(window)``).
        index: a saved index that holds exactly those stories, or None to build one.
        track_members: keep every story's member ids in memory (needed by :meth:`stories`;
            the store path leaves it off, the store keeps the members).
        taken: tells whether a story id is already used outside this clusterer (by a stored
            story, active or not, or a redirect), so a new story never takes it.
        closed: gives the stories that went quiet before this clusterer started (most
            recent first, at most ``closed_candidates``); called once, when the first undated
            article finds no active story (see :meth:`_join_closed`).

    Example:
        >>> clusterer = OnlineClusterer()  # doctest: +SKIP
        >>> [clusterer.add(item).story_id for item in arrival_order(items)]  # doctest: +SKIP
    """

    def __init__(
        self,
        options: ClusterOptions | None = None,
        states: Iterable[StoryState] = (),
        index: StoryIndex | None = None,
        track_members: bool = True,
        taken: Callable[[str], bool] | None = None,
        closed: Callable[[], Iterable[StoryState]] | None = None,
    ) -> None:
        self.options = options or ClusterOptions()
        self._load_closed = closed
        self._closed: dict[str, _Live] = {}  # quiet stories an undated article may still join
        self._closed_index: StoryIndex | None = None
        self._taken = taken
        self.collisions: list[tuple[str, str]] = []
        """(story id, article id): an article whose story id was already another story's;
        its story got a derived id instead (see :func:`story_id_for`)."""
        self.window = timedelta(days=self.options.window_days)
        self.track_members = track_members
        self.members: dict[str, list[str]] = {}
        self.live: dict[str, _Live] = {}
        self.changed: set[str] = set()
        self.clock: datetime | None = None
        self.born = 0
        self._quiet: list[tuple[datetime, str]] = []
        self._retired: dict[str, StoryState] = {}
        self._gone: set[str] = set()  # merged away while this clusterer ran
        self._keys_of: dict[str, dict[str, float]] = {}  # evidence of the batch in add_all
        self._index = index
        self._ndim: int | None = index.ndim if index is not None else None
        for state in states:
            if not self._fits(np.asarray(state.vector_sum, dtype=np.float32)):
                continue  # a story of one article without a vector: nothing can join it
            live = self._live_from(state)
            self.live[live.story_id] = live
            self.born = max(self.born, live.born + 1)
            self._schedule(live)
            active = live.active_at()
            if active is not None and (self.clock is None or active > self.clock):
                self.clock = active
        if self._index is None and self.live:
            self._index = StoryIndex(len(next(iter(self.live.values())).vector_sum))
            for live in self.live.values():
                self._index.upsert(live.story_id, live.indexed)
        elif self._index is not None and set(self.live) != self._index.ids():
            # The saved index held a story skipped above: rebuild it from what is live.
            self._index = StoryIndex(self._index.ndim)
            for live in self.live.values():
                self._index.upsert(live.story_id, live.indexed)

    # --- public --------------------------------------------------------------------------

    @property
    def index(self) -> StoryIndex | None:
        return self._index

    def add(self, item: AnnotatedArticle) -> Assignment:
        """Assign ``item`` to the best active story, or open a new one; merge stories the
        article links strongly. Returns where it went."""
        opts = self.options
        vector, keys, moment = self._arrive(item)
        if vector is None:
            return Assignment(item.article_id, self._alone(item, keys, moment), True)
        scored = self._score(vector, keys, marked(keys), moment)
        merged: list[str] = []
        if moment is None and (not scored or scored[0][0] < opts.threshold):
            quiet = self._join_closed(item.article_id, vector, keys)
            if quiet is not None:
                return Assignment(item.article_id, quiet, False)
        if not scored or scored[0][0] < opts.threshold:
            best = self._open(item, vector, keys, moment)
            opened = best.story_id
        else:
            opened = None
            best = self.live[scored[0][1]]
            self._grow(best, item.article_id, vector, keys, moment)
            if scored[0][0] >= opts.merge_threshold:
                for score, other_id in scored[1:]:
                    if score < opts.merge_threshold or other_id not in self.live:
                        continue
                    other = self.live[other_id]
                    if self._pair_score(best, other) >= opts.threshold:
                        best = self._merge_pair(best, other, merged)
        best = self._review(best, merged)
        if opened is not None and opened in merged:
            # The story this article opened went straight into an older one: to the caller
            # the article simply joined that story.
            merged.remove(opened)
            opened = None
        return Assignment(item.article_id, best.story_id, opened is not None, tuple(merged))

    def add_all(self, order: Sequence[AnnotatedArticle], salt: int = 0) -> list[Assignment]:
        """Assign a batch already in :func:`arrival_order`; where undated articles stand in
        a row and ``consensus_runs`` is at least 2, along the consensus of that many orders
        (see :mod:`newsweave.cluster.consensus`), so the stories do not depend on the order
        the undated articles are given in. ``salt`` draws another set of orders (to measure
        how much the stories still depend on that draw). Returns one assignment per
        article, in ``order``."""
        opts = self.options
        if len(order) > consensus.BATCH_MAX:
            # One plan per part: its trial passes and evidence stay within a bounded size.
            out: list[Assignment] = []
            for start in range(0, len(order), consensus.BATCH_MAX):
                out.extend(self.add_all(order[start : start + consensus.BATCH_MAX], salt))
            return out
        if opts.consensus_runs < 2 or not consensus.undated_runs(order):
            return [self.add(item) for item in order]
        # Each trial pass reads the same evidence: worked out once.
        self._keys_of = {item.article_id: participants(item, opts) for item in order}
        try:
            planned = consensus.plan(
                order,
                self._trial_pass(order),
                opts.consensus_runs,
                opts.consensus_share,
                salt,
                alone_share=opts.consensus_alone_share,
            )
            if planned is None:
                return [self.add(item) for item in order]
            homes: dict[int, str] = {}
            out = []
            for item in order:
                group = planned.group.get(item.article_id)
                if group is None:
                    out.append(self.add(item))
                else:
                    priors = planned.stories.get(group, ())
                    out.append(self._add_planned(item, group, priors, homes))
            return out
        finally:
            self._keys_of = {}

    def states(self, story_ids: Iterable[str]) -> list[StoryState]:
        """Current states of those ids, active or gone quiet while this clusterer ran
        (merged-away ids are skipped)."""
        out: list[StoryState] = []
        for story_id in story_ids:
            if story_id in self.live:
                out.append(self.live[story_id].state())
            elif story_id in self._closed:
                out.append(self._closed[story_id].state())
            elif story_id in self._retired:
                out.append(self._retired[story_id])
        return out

    def stories(self, order: Sequence[str] | None = None) -> list[Story]:
        """All stories seen (needs ``track_members``): largest first, ties by founding
        article's position in ``order`` (default: arrival)."""
        position = {a: n for n, a in enumerate(order)} if order is not None else None
        out: list[Story] = []
        for story_id, ids in self.members.items():
            members = sorted(ids, key=position.__getitem__) if position is not None else ids
            out.append(Story(story_id, tuple(members)))
        rank = position if position is not None else {}
        out.sort(key=lambda s: (-len(s.article_ids), rank.get(s.article_ids[0], 0)))
        return out

    # --- the consensus of several orders ---------------------------------------------------

    def _trial_pass(self, order: Sequence[AnnotatedArticle]) -> consensus.Run:
        """A trial pass for :func:`consensus.plan`: a fresh clusterer on copies of the
        stories the batch can reach (each article's nearest active and quiet stories), so
        a pass costs the batch's size, not the store's."""
        live_ids: set[str] = set()
        closed_ids: set[str] = set()
        undated = {item.article_id for item in order if utc(known_date(item)) is None}
        if undated:
            self._load_closed_now()
        for item in order:
            vector = np.asarray(item.embedding, dtype=np.float32)
            if not self._fits(vector):
                continue
            vector = _unit(vector)
            if self._index is not None and len(self._index):
                live_ids.update(self._index.search(vector, self.options.candidates))
            if (
                self._closed_index is not None
                and len(self._closed_index)
                and item.article_id in undated
            ):
                closed_ids.update(self._closed_index.search(vector, self.options.candidates))
        states = [self.live[s].state() for s in sorted(live_ids) if s in self.live]
        # Most recent first, as the store gives them.
        quiet = [live.state() for s, live in reversed(self._closed.items()) if s in closed_ids]
        trial_options = replace(self.options, consensus_runs=0)

        def run(trial_order: Sequence[AnnotatedArticle]) -> tuple[dict[str, str], dict[str, str]]:
            trial = OnlineClusterer(
                trial_options, states, track_members=False, closed=lambda: quiet
            )
            trial.clock = self.clock
            trial.born = max(trial.born, self.born)
            trial._keys_of = self._keys_of
            into: dict[str, str] = {}
            where: dict[str, str] = {}
            for item in trial_order:
                assignment = trial.add(item)
                where[item.article_id] = assignment.story_id
                for gone in assignment.merged:
                    into[gone] = assignment.story_id
            priors = {s.story_id: _final(into, s.story_id) for s in states + quiet}
            return {a: _final(into, s) for a, s in where.items()}, priors

        return run

    def _load_closed_now(self) -> None:
        """Read the stories that went quiet before this clusterer started (once)."""
        if self._load_closed is None:
            return
        load, self._load_closed = self._load_closed, None
        for state in reversed(list(load())[: self.options.closed_candidates]):
            vector_sum = np.asarray(state.vector_sum, dtype=np.float32)
            if state.story_id in self.live or not self._fits(vector_sum):
                continue
            self._keep_closed(self._live_from(state))

    def _add_planned(
        self,
        item: AnnotatedArticle,
        group: int,
        priors: Sequence[str],
        homes: dict[int, str],
    ) -> Assignment:
        """Place ``item`` in its group's story: the one an earlier article of the group
        went to, else the group's stories from before the batch (merged into the oldest),
        else a new one."""
        vector, keys, moment = self._arrive(item)
        if vector is None:
            return Assignment(item.article_id, self._alone(item, keys, moment), True)
        merged: list[str] = []
        home = self.live.get(homes.get(group, ""))
        quiet_home = self._closed.get(homes.get(group, ""))
        if home is None and quiet_home is not None and moment is None:
            # The clock closed the group's story after its first articles (as the trial
            # passes saw it, where the rest joined it as a quiet story): follow it there.
            self._grow_closed(quiet_home, item.article_id, vector, keys)
            return Assignment(item.article_id, quiet_home.story_id, False)
        if home is None:
            prior = sorted((self.live[s] for s in priors if s in self.live), key=lambda x: x.born)
            if prior:
                home = prior[0]
                for other in prior[1:]:
                    home = self._merge_pair(home, other, merged)
            else:
                quiet = [self._closed[s] for s in priors if s in self._closed]
                if quiet and moment is None:
                    story = min(quiet, key=lambda x: x.born)
                    self._grow_closed(story, item.article_id, vector, keys)
                    homes[group] = story.story_id
                    return Assignment(item.article_id, story.story_id, False)
        if home is None:
            home = self._open(item, vector, keys, moment)
            homes[group] = home.story_id
            return Assignment(item.article_id, home.story_id, True)
        self._grow(home, item.article_id, vector, keys, moment)
        homes[group] = home.story_id
        return Assignment(item.article_id, home.story_id, False, tuple(merged))

    # --- scoring -------------------------------------------------------------------------

    def _score(
        self,
        vector: np.ndarray,
        keys: dict[str, float],
        marks: set[str],
        moment: datetime | None,
    ) -> list[tuple[float, str]]:
        if self._index is None or not len(self._index):
            return []
        found = [s for s in self._index.search(vector, self.options.candidates) if s in self.live]
        if not found:
            return []
        lives = [self.live[s] for s in found]
        sums = np.stack([live.vector_sum for live in lives])
        sizes = np.array([live.size for live in lives], dtype=np.float32)
        cosines = (sums @ vector) / sizes
        least = self.options.mark_share
        scored = [
            (
                combine(
                    self.options,
                    float(cosine),
                    live.overlap(keys),
                    _days_outside(moment, live.first, live.last),
                    contradictions(marks, shares, least, PEOPLE),
                    _undated(moment, live.first) and protagonists_apart(marks, shares, least),
                    years_apart(marks, shares, least, self.options.year_focus),
                ),
                live.story_id,
            )
            for cosine, live, shares in zip(
                cosines, lives, [live.shares() for live in lives], strict=True
            )
        ]
        # Best first; ties go to the older story, so the outcome does not hang on the index.
        scored.sort(key=lambda pair: (-pair[0], self.live[pair[1]].born))
        return scored

    def _pair_score(self, a: _Live, b: _Live) -> float:
        cosine = float(a.mean() @ b.mean())
        least = self.options.mark_share
        shares_a, shares_b = a.shares(), b.shares()
        return combine(
            self.options,
            cosine,
            a.overlap(b.profile()),
            _span_gap(a, b),
            contradictions(shares_a, shares_b, least, PEOPLE),
            _undated(a.first, b.first) and protagonists_apart(shares_a, shares_b, least),
            self.options.year_focus > 0 and contradictions(shares_a, shares_b, least, YEARS) > 0,
        )

    # --- changes -------------------------------------------------------------------------

    def _arrive(
        self, item: AnnotatedArticle
    ) -> tuple[np.ndarray | None, dict[str, float], datetime | None]:
        """Move the clock to ``item``'s date (stories gone quiet leave); its unit vector
        (None when it cannot be compared with the stories), evidence keys and date."""
        vector = np.asarray(item.embedding, dtype=np.float32)
        keys = self._keys_of.get(item.article_id)
        if keys is None:
            keys = participants(item, self.options)
        moment = utc(known_date(item))
        if moment is not None and (self.clock is None or moment > self.clock):
            if self.clock is None:
                self._stamp_unclocked(moment)
            self.clock = moment
            self._evict_quiet()
        if not self._fits(vector):
            return None, keys, moment
        return _unit(vector), keys, moment

    def _open(
        self,
        item: AnnotatedArticle,
        vector: np.ndarray,
        keys: dict[str, float],
        moment: datetime | None,
    ) -> _Live:
        story_id = self._new_id(item)
        live = _Live(
            story_id,
            self.born,
            1,
            vector.copy(),
            dict(keys),
            moment,
            moment,
            self.clock,
            vector.copy(),
            marked(keys),
        )
        self.born += 1
        self.live[story_id] = live
        if self.track_members:
            self.members[story_id] = [item.article_id]
        if self._index is None:
            self._index = StoryIndex(len(vector))
        self._index.upsert(story_id, vector)
        self._touch(live)
        return live

    def _live_from(self, state: StoryState) -> _Live:
        return _Live(
            state.story_id,
            state.born,
            state.size,
            np.asarray(state.vector_sum, dtype=np.float32).copy(),
            dict(state.keys),
            utc(state.first),
            utc(state.last),
            utc(state.touched),
            _unit(state.vector_sum),
            marked(state.keys),
        )

    def _fits(self, vector: np.ndarray) -> bool:
        """Whether ``vector`` can be compared with the stories: finite, not all zero, of the
        stories' dimension (the first usable vector sets it)."""
        if vector.ndim != 1 or not vector.size or not np.isfinite(vector).all():
            return False
        if not np.any(vector):
            return False
        if self._ndim is None:
            self._ndim = int(vector.size)
        return int(vector.size) == self._ndim

    def _alone(
        self, item: AnnotatedArticle, keys: dict[str, float], moment: datetime | None
    ) -> str:
        """A story of its own for an article without a usable vector (the embedder failed on
        it, its annotations say why): nothing can be judged to join it, so it is saved at once
        and never enters the active set or the index."""
        story_id = self._new_id(item)
        self.born += 1
        if self.track_members:
            self.members[story_id] = [item.article_id]
        self._retired[story_id] = StoryState(
            story_id,
            self.born - 1,
            1,
            np.zeros(0, dtype=np.float32),
            dict(keys),
            moment,
            moment,
            self.clock,
        )
        self.changed.add(story_id)
        return story_id

    def _new_id(self, item: AnnotatedArticle) -> str:
        """The founding article's story id; a derived one when that id is already taken by
        another story (recorded in :attr:`collisions`, never merged into that story)."""
        attempt = 0
        story_id = story_id_for(item.article)
        while self._is_taken(story_id):
            self.collisions.append((story_id, item.article_id))
            attempt += 1
            story_id = story_id_for(item.article, attempt)
        return story_id

    def _is_taken(self, story_id: str) -> bool:
        if story_id in self.live or story_id in self.members or story_id in self._retired:
            return True
        if story_id in self._closed:
            return True
        return story_id in self._gone or (self._taken is not None and self._taken(story_id))

    def _grow(
        self,
        live: _Live,
        article_id: str,
        vector: np.ndarray,
        keys: dict[str, float],
        moment: datetime | None,
    ) -> None:
        live.changed()
        live.size += 1
        live.vector_sum += vector
        for key, weight in keys.items():
            live.keys[key] = live.keys.get(key, 0.0) + weight
        live.marks.update(marked(keys))
        prune(live.keys, self.options.story_keys_max)
        if moment is not None:
            live.first = moment if live.first is None else min(live.first, moment)
            live.last = moment if live.last is None else max(live.last, moment)
        live.touched = self.clock
        if self.track_members:
            self.members[live.story_id].append(article_id)
        self._reindex_if_drifted(live)
        self._touch(live)

    def _merge_pair(self, a: _Live, b: _Live, merged: list[str]) -> _Live:
        """Merge the younger of ``a`` and ``b`` into the older; returns the survivor."""
        keep, gone = (a, b) if a.born <= b.born else (b, a)
        self._merge(keep, gone)
        merged.append(gone.story_id)
        return keep

    def _review(self, live: _Live, merged: list[str]) -> _Live:
        """A second look at a young story that just changed: merge it with its nearest
        active story when the two, judged on everything each has gathered, clearly tell one
        event. Bounded: only stories of at most ``review_size`` articles, ``candidates``
        neighbours, ``review_rounds`` merges per arrival."""
        opts = self.options
        # A story of one article was judged against its neighbours on arrival, with the same
        # score: a second look at it can only find more at a lower threshold.
        smallest = 2 if opts.review_threshold >= opts.threshold else 1
        for _ in range(opts.review_rounds):
            if not smallest <= live.size <= opts.review_size or self._index is None:
                return live
            best: tuple[float, _Live] | None = None
            for other_id in self._index.search(_unit(live.vector_sum), opts.candidates + 1):
                other = self.live.get(other_id)
                if other is None or other is live:
                    continue
                score = self._pair_score(live, other)
                if (
                    best is None
                    or score > best[0]
                    or (score == best[0] and other.born < best[1].born)
                ):
                    best = (score, other)
            if best is None or best[0] < opts.review_threshold:
                return live
            live = self._merge_pair(live, best[1], merged)
        return live

    def _merge(self, keep: _Live, gone: _Live) -> None:
        keep.changed()
        keep.size += gone.size
        keep.vector_sum += gone.vector_sum
        for key, weight in gone.keys.items():
            keep.keys[key] = keep.keys.get(key, 0.0) + weight
        keep.marks |= gone.marks
        prune(keep.keys, self.options.story_keys_max)
        spans = [t for t in (keep.first, gone.first) if t is not None]
        keep.first = min(spans) if spans else None
        ends = [t for t in (keep.last, gone.last) if t is not None]
        keep.last = max(ends) if ends else None
        keep.touched = self.clock
        del self.live[gone.story_id]
        self._gone.add(gone.story_id)
        self.changed.discard(gone.story_id)
        if self._index is not None:
            self._index.remove(gone.story_id)
        if self.track_members:
            self.members[keep.story_id].extend(self.members.pop(gone.story_id))
        self._reindex_if_drifted(keep)
        self._touch(keep)

    def _reindex_if_drifted(self, live: _Live) -> None:
        centroid = _unit(live.vector_sum)
        if float(centroid @ live.indexed) < _REINDEX_BELOW and self._index is not None:
            self._index.upsert(live.story_id, centroid)
            live.indexed = centroid

    def _touch(self, live: _Live) -> None:
        self.changed.add(live.story_id)
        self._schedule(live)

    def _schedule(self, live: _Live) -> None:
        active = live.active_at()
        if active is not None:
            heapq.heappush(self._quiet, (active, live.story_id))

    def _stamp_unclocked(self, moment: datetime) -> None:
        """Stories formed before any date was known (undated articles first in a fresh
        stream) count as active from the first date the stream sees, so they leave the
        active set like any other once quiet."""
        for live in self.live.values():
            if live.active_at() is None:
                live.touched = moment
                self._touch(live)

    def _evict_quiet(self) -> None:
        """Drop stories whose latest activity is older than the window (lazy heap: an entry
        is stale when its story has been active since)."""
        if self.clock is None:
            return
        try:
            cutoff = self.clock - self.window
        except OverflowError:  # a clock in the first days of year 1: nothing is older
            return
        while self._quiet and self._quiet[0][0] < cutoff:
            when, story_id = heapq.heappop(self._quiet)
            live = self.live.get(story_id)
            if live is None or live.active_at() != when:
                continue
            del self.live[story_id]
            if story_id in self.changed:  # its last state is still to be saved
                self._retired[story_id] = live.state()
            if self._index is not None:
                self._index.remove(story_id)
            self._keep_closed(live)

    # --- stories gone quiet ----------------------------------------------------------------

    def _join_closed(
        self, article_id: str, vector: np.ndarray, keys: dict[str, float]
    ) -> str | None:
        """An undated article that no active story takes, judged against the stories that
        went quiet (the most recent ``closed_candidates``, from earlier runs and this one):
        its date is unknown, so the story it reports may have closed before it arrived. It
        joins the best one that scores at least ``threshold``, which stays quiet (its span
        and activity are those of its dated reports). Returns that story's id, or None."""
        opts = self.options
        if opts.closed_candidates <= 0:
            return None
        self._load_closed_now()
        if self._closed_index is None or not len(self._closed_index):
            return None
        marks = marked(keys)
        best: tuple[float, int, _Live] | None = None
        for story_id in self._closed_index.search(vector, opts.candidates):
            quiet = self._closed[story_id]
            shares = quiet.shares()
            score = combine(
                opts,
                float(quiet.vector_sum @ vector) / quiet.size,
                quiet.overlap(keys),
                0.0,
                contradictions(marks, shares, opts.mark_share, PEOPLE),
                protagonists_apart(marks, shares, opts.mark_share),
                years_apart(marks, shares, opts.mark_share, opts.year_focus),
            )
            if best is None or (score, -quiet.born) > (best[0], -best[1]):
                best = (score, quiet.born, quiet)
        if best is None or best[0] < opts.threshold:
            return None
        self._grow_closed(best[2], article_id, vector, keys)
        return best[2].story_id

    def _grow_closed(
        self, quiet: _Live, article_id: str, vector: np.ndarray, keys: dict[str, float]
    ) -> None:
        """Add an undated article to a quiet story, which stays quiet."""
        quiet.changed()
        quiet.size += 1
        quiet.vector_sum += vector
        for key, weight in keys.items():
            quiet.keys[key] = quiet.keys.get(key, 0.0) + weight
        quiet.marks.update(marked(keys))
        prune(quiet.keys, self.options.story_keys_max)
        if self.track_members:
            self.members.setdefault(quiet.story_id, []).append(article_id)
        if self._closed_index is not None:
            self._closed_index.upsert(quiet.story_id, quiet.vector_sum)
        self.changed.add(quiet.story_id)

    def _keep_closed(self, live: _Live) -> None:
        """Keep a story that left the active set among the closed candidates; the oldest
        leaves when there are more than ``closed_candidates``."""
        limit = self.options.closed_candidates
        if limit <= 0:
            return
        if self._closed_index is None:
            self._closed_index = StoryIndex(len(live.vector_sum))
        self._closed[live.story_id] = live
        self._closed_index.upsert(live.story_id, live.vector_sum)
        while len(self._closed) > limit:
            oldest = next(iter(self._closed))
            gone = self._closed.pop(oldest)
            self._closed_index.remove(oldest)
            if oldest in self.changed:
                self._retired[oldest] = gone.state()


def _final(into: dict[str, str], story_id: str) -> str:
    """The story ``story_id`` ended in, through the merges recorded in ``into``."""
    seen = 0
    while story_id in into and seen <= len(into):
        story_id = into[story_id]
        seen += 1
    return story_id


def cluster_online(
    items: Sequence[AnnotatedArticle], options: ClusterOptions | None = None
) -> list[Story]:
    """Group ``items`` into stories with the online clusterer, in :func:`arrival_order`.

    Returns:
        Stories, largest first (ties: earliest founding article in input order first); each
        story lists its articles in input order.
    """
    clusterer = OnlineClusterer(options)
    clusterer.add_all(arrival_order(items, clusterer.options))
    return clusterer.stories([i.article_id for i in items])


def open_clusterer(
    states: Sequence[StoryState],
    options: ClusterOptions,
    index_path: Path | None,
    taken: Callable[[str], bool] | None = None,
    closed: Callable[[], Iterable[StoryState]] | None = None,
) -> OnlineClusterer:
    """A store-backed clusterer (members not tracked) over ``states``, reusing the index
    saved at ``index_path`` when it holds exactly those stories; ``taken`` tells which ids
    the store already uses and ``closed`` loads the stories gone quiet (see
    :class:`OnlineClusterer`)."""
    index = None
    if states:
        ndim = len(states[0].vector_sum)
        index = StoryIndex.load(index_path, ndim, [s.story_id for s in states])
    return OnlineClusterer(options, states, index, track_members=False, taken=taken, closed=closed)
