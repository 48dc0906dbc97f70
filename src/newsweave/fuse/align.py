"""Fact groups: the same statement told by several articles.

Sentences are compared by TF-IDF cosine (word unigrams and bigrams), fuzzy token overlap and
MiniLM paraphrase similarity; a group is formed around the sentence with the most cross-article
neighbours and takes at most one sentence per article, so groups never chain through loosely
related sentences. Copied text (wire copy reprinted, a rewrite) counts once towards
independent support (:mod:`newsweave.fuse.independence`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from newsweave.annotate.sentences import is_statement
from newsweave.fuse.context import StoryContext
from newsweave.fuse.independence import CopyGraph
from newsweave.model import FactGroup, Sentence, Support


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Args:
    link: TF-IDF cosine above which two sentences state the same thing.
    fuzzy_link: token-set ratio (0..100) that also links two sentences.
    copy_ratio: character-level similarity (0..100) above which one sentence is a copy of the
        other, so both count as one independent source.
    paraphrase: MiniLM cosine above which two sentences state the same thing.
    """

    link: float = 0.42
    fuzzy_link: float = 82.0
    copy_ratio: float = 85.0
    paraphrase: float = 0.78


def align_facts(
    ctx: StoryContext,
    graph: CopyGraph,
    quality: dict[str, float] | None = None,
    options: AlignOptions | None = None,
) -> list[FactGroup]:
    """Group the statements of a story's articles into facts, best supported first.

    Statements that say the same thing in other words are linked (TF-IDF, fuzzy token overlap
    or MiniLM paraphrase similarity); statements that differ in a figure stay linked, so the
    discrepancy step compares their values.

    Args:
        ctx: the story's sentence index.
        graph: copy relations; copied members count once in ``support.independent``.
        quality: text-quality score per article id (0..1); the representative sentence of a
            group comes from the cleanest article.
        options: link thresholds.
    """
    opts = options or AlignOptions()
    quality = quality or {}
    index = [n for n, s in enumerate(ctx.sentences) if is_statement(s)]
    if not index:
        return []
    local = {g: k for k, g in enumerate(index)}
    sents = [ctx.sentences[g] for g in index]
    owner = [ctx.owner[g] for g in index]
    n = len(sents)
    weight: dict[int, dict[int, float]] = {k: {} for k in range(n)}

    def link(i: int, j: int, w: float) -> None:
        weight[i][j] = max(w, weight[i].get(j, 0.0))
        weight[j][i] = weight[i][j]

    coo = ctx.tfidf.tocoo()
    for gi, gj, value in zip(coo.row, coo.col, coo.data, strict=True):
        i, j = local.get(int(gi)), local.get(int(gj))
        if i is None or j is None or i >= j or owner[i] == owner[j]:
            continue
        ok = value >= opts.link
        if not ok and value >= opts.link * 0.6:
            ok = fuzz.token_set_ratio(sents[i].text, sents[j].text) >= opts.fuzzy_link
        if ok:
            link(i, j, float(value))
    if ctx.vectors is not None:
        vecs = ctx.vectors[index]
        dense = vecs @ vecs.T
        for i in range(n):
            for hit in np.flatnonzero(dense[i, i + 1 :] >= opts.paraphrase):
                k = int(hit) + i + 1
                if owner[i] != owner[k]:
                    link(i, k, float(dense[i, k]))
    # How close each statement is to what the whole story is about.
    centrality = np.zeros(n)
    if ctx.vectors is not None:
        vecs = ctx.vectors[index]
        centroid = vecs.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        centrality = np.clip(vecs @ centroid, 0.0, 1.0)
    position: dict[tuple[str, int], int] = {}
    for item in ctx.items:
        for rank, st in enumerate(x for x in item.sentences if is_statement(x)):
            position[(st.span.article_id, st.span.start)] = rank
    assigned = [False] * n
    groups: list[FactGroup] = []
    order = sorted(range(n), key=lambda i: (-len(weight[i]), -sum(weight[i].values()), i))
    for seed in order:
        if assigned[seed]:
            continue
        members = [seed]
        taken_articles = {owner[seed]}
        for j in sorted(weight[seed], key=lambda j: -weight[seed][j]):
            if not assigned[j] and owner[j] not in taken_articles:
                members.append(j)
                taken_articles.add(owner[j])
        for m in members:
            assigned[m] = True
        member_sents = tuple(
            sorted((sents[m] for m in members), key=lambda s: (s.span.article_id, s.span.start))
        )
        support = Support(articles=len(taken_articles), independent=graph.independent(member_sents))
        representative = max(member_sents, key=lambda s: _clarity(s, quality))
        lead = min(position.get((s.span.article_id, s.span.start), 99) for s in member_sents)
        central = max(float(centrality[m]) for m in members)
        score = (
            support.independent
            + 0.25 * support.articles
            + (0.6 if lead < 3 else 0.0)
            + 2.0 * central
        )
        groups.append(FactGroup(member_sents, representative, support, score, central))
    groups.sort(
        key=lambda g: (-g.score, g.representative.span.article_id, g.representative.span.start)
    )
    return groups


def similarity(sentences: Sequence[Sentence]) -> np.ndarray:
    """Dense TF-IDF cosine similarity of a few sentences (zero diagonal)."""
    from newsweave.fuse.tfidf import similarity as cosine

    return np.asarray(cosine([s.text for s in sentences]).todense())


_ANAPHORIC = re.compile(
    r"^(?:he|she|it|they|this|that|these|those|but|and|so|also|without (?:one|it)|"
    r"(?:if|when|as|because|although|while) (?:he|she|it|they|this|that)\b|"
    r"the (?:move|decision|deal|offer|talks|two|three)\b)\b",
    re.IGNORECASE,
)


def self_contained(sentence: Sentence) -> bool:
    """False for a sentence that leans on the one before ("Without one, she said …")."""
    return not _ANAPHORIC.match(sentence.text.lstrip("“\"'"))


def _clarity(sentence: Sentence, quality: dict[str, float]) -> float:
    """Prefer clean articles, then self-contained sentences of readable length, not quotes."""
    words = len(sentence.text.split())
    length_fit = 1.0 if 12 <= words <= 40 else 0.6
    quoted = 0.8 if sentence.text[:1] in '"“' else 1.0
    standalone = 1.0 if self_contained(sentence) else 0.7
    return quality.get(sentence.span.article_id, 1.0) * 2 + length_fit * quoted * standalone
