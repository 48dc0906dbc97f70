"""The evidence that two reports tell the same event, shared by the batch and online clusterers.

Three signals: topical similarity of the MiniLM vectors, overlap of the named participants
(people weigh most: two earthquakes share no survivors' names, two rounds of the same talks
share them but happen on different days), and distance in time (the same actors a month later
are usually a different event). One options object holds the weights and thresholds of both
clusterers, so ``brief PATH`` and ``ingest`` judge with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, DateOrigin

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
    """

    threshold: float = 0.55
    embedding_weight: float = 0.7
    max_days_apart: float = 10.0
    time_penalty: float = 0.6
    window_days: float = 7.0
    candidates: int = 10
    merge_threshold: float = 0.65

    def __post_init__(self) -> None:
        for name in ("threshold", "embedding_weight", "time_penalty", "merge_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise OptionError(f"The {name!r} option must be a number in [0, 1]; got {value}.")
        for name in ("max_days_apart", "window_days"):
            if getattr(self, name) <= 0:
                raise OptionError(
                    f"The {name!r} option must be positive; got {getattr(self, name)}."
                )
        if self.candidates < 1:
            raise OptionError(f"The 'candidates' option must be at least 1; got {self.candidates}.")


def story_id_for(founding_article_id: str) -> str:
    """A story's id: that of its founding article, so it never changes as the story grows."""
    return f"s-{founding_article_id[:12]}"


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


def weighted_jaccard(a: dict[str, float], b: dict[str, float]) -> float:
    """Sum of shared minimum weights over the weighted union; 0 when either side is empty."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    inter = sum(min(w, large[k]) for k, w in small.items() if k in large)
    union = sum(a.values()) + sum(b.values()) - inter
    return inter / union if union else 0.0


def overlap_score(jaccard: float) -> float:
    """Overlap of names is sparse: a weighted Jaccard of 0.5 is already strong agreement."""
    return min(1.0, jaccard * 2.0)


def known_date(item: AnnotatedArticle) -> datetime | None:
    """The publication date the clusterer may use as evidence: a stated one, not an inferred
    one (an inferred date was itself derived from the story)."""
    article = item.article
    if article.published is None or article.date_origin == DateOrigin.INFERRED:
        return None
    return article.published


def combine(options: ClusterOptions, cosine: float, jaccard: float, days_apart: float) -> float:
    """The combined score of one pair: weighted vector and name evidence, penalised when the
    two are more than ``max_days_apart`` apart."""
    w = options.embedding_weight
    score = w * max(0.0, cosine) + (1.0 - w) * overlap_score(jaccard)
    if days_apart > options.max_days_apart:
        score *= options.time_penalty
    return score
