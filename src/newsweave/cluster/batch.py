"""Batch story clustering: all articles at once, average-linkage agglomerative.

Evidence per article pair (see :mod:`newsweave.cluster.evidence`): vector similarity,
participant overlap and distance in time. Average-linkage clustering cuts the pair graph at
``threshold``. It needs the whole n x n matrix, so it serves as the reference the online
clusterer is measured against (bench/cluster_quality.py), not as the store's path.
Story ids derive from the story's founding article (first in input order).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from newsweave.cluster.evidence import (
    ClusterOptions,
    overlap_score,
    participants,
    story_id_for,
    weighted_jaccard,
)
from newsweave.model import AnnotatedArticle, Story


def similarity_matrix(items: Sequence[AnnotatedArticle], options: ClusterOptions) -> np.ndarray:
    """Combined pairwise similarity in [0, 1]."""
    n = len(items)
    vectors = np.stack([i.embedding for i in items]).astype(np.float32)
    cosine = np.clip(vectors @ vectors.T, 0.0, 1.0)
    keys = [participants(i, options) for i in items]
    overlap = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            overlap[i, j] = overlap[j, i] = weighted_jaccard(keys[i], keys[j])
    overlap = np.vectorize(overlap_score, otypes=[np.float32])(overlap)
    w = options.embedding_weight
    score = w * cosine + (1.0 - w) * overlap
    dates: list[datetime | None] = [i.article.published for i in items]
    for i in range(n):
        for j in range(i + 1, n):
            di, dj = dates[i], dates[j]
            if di and dj and abs((di - dj).total_seconds()) > options.max_days_apart * 86400:
                score[i, j] *= options.time_penalty
                score[j, i] = score[i, j]
    np.fill_diagonal(score, 1.0)
    result: np.ndarray = score
    return result


def cluster(
    items: Sequence[AnnotatedArticle], options: ClusterOptions | None = None
) -> list[Story]:
    """Group ``items`` into stories.

    Args:
        items: annotated articles with embeddings, in arrival order.
        options: thresholds and weights.

    Returns:
        Stories, largest first (ties: earliest founding article first); each story lists its
        articles in input order.
    """
    opts = options or ClusterOptions()
    if not items:
        return []
    if len(items) == 1:
        return [_story([0], items)]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    score = similarity_matrix(items, opts)
    distance = squareform(1.0 - score, checks=False)
    tree = linkage(distance, method="average")
    labels = fcluster(tree, t=1.0 - opts.threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    stories = [_story(sorted(members), items) for members in groups.values()]
    first_pos = {i.article_id: n for n, i in enumerate(items)}
    stories.sort(key=lambda s: (-len(s.article_ids), first_pos[s.article_ids[0]]))
    return stories


def _story(members: list[int], items: Sequence[AnnotatedArticle]) -> Story:
    ids = tuple(items[m].article_id for m in members)
    return Story(story_id=story_id_for(items[members[0]].article), article_ids=ids)
