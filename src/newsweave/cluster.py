"""Story clustering: articles that report the same real-world event form one story.

Evidence per article pair: topical similarity of the MiniLM vectors, overlap of the named
participants (people weigh most: two earthquakes share no survivors' names, two rounds of the
same talks share them but happen on different days), and distance in time. Average-linkage
agglomerative clustering cuts the pair graph at ``threshold``. Story ids derive from the
story's founding article (first in input order), so they are stable across runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Story

_PARTICIPANT_LABELS = {"PERSON": 1.0, "ORG": 0.6, "GPE": 0.3, "FAC": 0.6, "EVENT": 0.8}


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Args:
    threshold: minimum combined similarity (0..1) for two articles to share a story.
    embedding_weight: share of the vector similarity in the combined score; the rest is
        participant overlap.
    max_days_apart: articles published further apart than this are penalised: the same
        actors a month later are usually a different event.
    time_penalty: factor applied to the score of pairs too far apart in time.
    """

    threshold: float = 0.55
    embedding_weight: float = 0.7
    max_days_apart: float = 10.0
    time_penalty: float = 0.6

    def __post_init__(self) -> None:
        for name in ("threshold", "embedding_weight", "time_penalty"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise OptionError(f"The {name!r} option must be a number in [0, 1]; got {value}.")
        if self.max_days_apart <= 0:
            raise OptionError(
                f"The 'max_days_apart' option must be positive; got {self.max_days_apart}."
            )


def participants(item: AnnotatedArticle) -> dict[str, float]:
    """Weighted participant keys of an article: surnames of people, names of organisations."""
    keys: dict[str, float] = {}
    for ent in item.entities:
        weight = _PARTICIPANT_LABELS.get(ent.label)
        if weight is None:
            continue
        name = ent.canonical.lower()
        key = name.split()[-1] if ent.label == "PERSON" else name
        keys[key] = max(keys.get(key, 0.0), weight)
    return keys


def _weighted_jaccard(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    inter = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    union = sum(a.values()) + sum(b.values()) - inter
    return inter / union if union else 0.0


def similarity_matrix(items: Sequence[AnnotatedArticle], options: ClusterOptions) -> np.ndarray:
    """Combined pairwise similarity in [0, 1]."""
    n = len(items)
    vectors = np.stack([i.embedding for i in items]).astype(np.float32)
    cosine = np.clip(vectors @ vectors.T, 0.0, 1.0)
    keys = [participants(i) for i in items]
    overlap = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            overlap[i, j] = overlap[j, i] = _weighted_jaccard(keys[i], keys[j])
    # Overlap of names is sparse: a Jaccard of 0.5 is already strong agreement.
    overlap = np.minimum(1.0, overlap * 2.0)
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
    return score


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
    return Story(story_id=story_id_for(ids[0]), article_ids=ids)


def story_id_for(founding_article_id: str) -> str:
    return f"s-{founding_article_id[:12]}"
