"""The order in which a batch of articles enters the online clusterer.

The online clusterer judges each article against the stories active when it arrives, and a
story leaves the active set once the stream's clock (the latest stated publication date seen)
is ``window_days`` past its last activity. So a batch is fed in order of stated publication
date, and an article without a stated date is placed by its content: right after the latest
dated article of the batch that it resembles (vector cosine at least ``threshold``, dated
within ``window_days`` of the one it resembles most), where the story it belongs to is still
active and has gathered its reports. An undated article that resembles no dated one comes
first, before any clock moves, so every story active when the batch starts can still take it.

The order depends on the articles alone, not on the order they are given in (exact ties go
by article id), so the same batch in any order forms the same stories. Placing costs one
nearest-neighbour search per undated article (:class:`~newsweave.cluster.storyindex.StoryIndex`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from newsweave.cluster.evidence import ClusterOptions, known_date
from newsweave.cluster.storyindex import StoryIndex
from newsweave.model import AnnotatedArticle


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` in UTC (naive taken as UTC); None when unknown or not representable."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T05:00+19:00 has no UTC instant: no usable date
        return None


_FIRST = datetime.min.replace(tzinfo=UTC)


def arrival_order(
    items: Sequence[AnnotatedArticle], options: ClusterOptions | None = None
) -> list[AnnotatedArticle]:
    """``items`` in the order the online clusterer should see them (see the module notes).

    Example:
        >>> [i.article_id for i in arrival_order(items)]  # doctest: +SKIP
    """
    opts = options or ClusterOptions()
    dated: list[tuple[datetime, int]] = []
    undated: list[int] = []
    for n, item in enumerate(items):
        moment = utc(known_date(item))
        if moment is None:
            undated.append(n)
        else:
            dated.append((moment, n))
    dated.sort(key=lambda pair: (pair[0], items[pair[1]].article_id))
    # (moment, 0 = dated / 1 = placed after the dated of that moment, article id)
    keys = {n: (m, 0, items[n].article_id) for m, n in dated}
    placed = _placements(items, dated, undated, opts) if dated and undated else {}
    for n in undated:
        moment = placed.get(n)
        aid = items[n].article_id
        keys[n] = (moment, 1, aid) if moment is not None else (_FIRST, 0, aid)
    return [items[n] for n in sorted(keys, key=keys.__getitem__)]


def _placements(
    items: Sequence[AnnotatedArticle],
    dated: list[tuple[datetime, int]],
    undated: list[int],
    options: ClusterOptions,
) -> dict[int, datetime]:
    """For each undated article that resembles a dated one, the moment to place it at."""
    vectors = [np.asarray(items[n].embedding, dtype=np.float32) for _, n in dated]
    # The first usable vector sets the dimension: an article the embedder failed on has none.
    ndim = next((len(v) for v in vectors if len(v) and np.isfinite(v).all() and v.any()), 0)
    if ndim == 0:
        return {}
    index = StoryIndex(ndim)
    when: dict[str, tuple[datetime, np.ndarray]] = {}
    for (moment, n), vector in zip(dated, vectors, strict=True):
        if len(vector) != ndim or not np.isfinite(vector).all() or not vector.any():
            continue
        key = f"{n}"
        index.upsert(key, vector)
        when[key] = (moment, _unit(vector))
    window = timedelta(days=options.window_days)
    out: dict[int, datetime] = {}
    for n in undated:
        vector = _unit(np.asarray(items[n].embedding, dtype=np.float32))
        if len(vector) != ndim or not np.isfinite(vector).all():
            continue
        near = []
        for key in index.search(vector, options.candidates):
            moment, other = when[key]
            cosine = float(other @ vector)
            if cosine >= options.threshold:
                near.append((cosine, moment))
        if not near:
            continue
        anchor = max(near, key=lambda pair: (pair[0], -pair[1].timestamp()))[1]
        out[n] = max(m for _, m in near if abs(m - anchor) <= window)
    return out


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
