"""What every fuse step needs about a story's sentences, computed once.

Sentences of all articles with their TF-IDF similarity (sparse, so a story of hundreds of
articles stays cheap) and, for stories of up to ``fuse.context.max_vectors`` sentences,
MiniLM vectors that recognise paraphrases TF-IDF misses ("the talks began on Saturday" /
"the first day of talks ended on Saturday"). The vectors are the ones the deep pass stored
with each article: fuse never loads a model; a story with an article that has none falls
back to TF-IDF.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from newsweave.annotate.sentences import VECTOR_STATEMENTS, leading_sentences
from newsweave.errors import OptionError
from newsweave.fuse.tfidf import similarity
from newsweave.model import AnnotatedArticle, Sentence, Span

MAX_STATEMENTS_PER_ARTICLE = VECTOR_STATEMENTS


@dataclass(frozen=True, slots=True)
class ContextOptions:
    """Args:
    max_vectors: a story with more statements than this is aligned on words only (its
        sentence-vector similarities would not fit in memory and time).
    large_story: a story with more articles than this...
    large_story_statements: ...weighs only this many leading statements of each article
        (otherwise all those the deep pass embedded, up to 40).
    min_similarity: TF-IDF cosine below which a pair of sentences is not kept at all (every
        step that reads the pairs needs more: the fuzzy link of ``fuse.align`` at 0.6 x
        ``link``, ``fuse.copies`` ``pair_similarity`` and ``wire_similarity``, the summary's
        redundancy, the topic and statement tests of ``fuse.discrepancies``). Keeping every
        pair that shares a term grew x4 per doubling of a story.
    """

    max_vectors: int = 1500
    large_story: int = 50
    large_story_statements: int = 12
    min_similarity: float = 0.25

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_similarity <= 1.0:
            raise OptionError(
                f"fuse.context.min_similarity is a cosine in 0..1; got {self.min_similarity}"
            )
        if not 1 <= self.large_story_statements <= VECTOR_STATEMENTS:
            raise OptionError(
                f"fuse.context.large_story_statements must be in 1..{VECTOR_STATEMENTS} (the "
                f"statements the deep pass embeds); got {self.large_story_statements}"
            )


@dataclass
class StoryContext:
    """Sentence index of one story.

    Attributes:
        items: the story's articles.
        sentences: every sentence considered, article by article in text order.
        owner: article id of each sentence.
        tfidf: sparse cosine similarity between sentences (zero diagonal).
        vectors: unit MiniLM vectors per sentence, or None for very large stories.
    """

    items: Sequence[AnnotatedArticle]
    sentences: list[Sentence]
    owner: list[str]
    tfidf: sparse.csr_matrix
    vectors: np.ndarray | None
    _index: dict[tuple[str, int], int] = field(default_factory=dict)
    _starts: dict[str, tuple[list[int], list[Sentence]]] = field(default_factory=dict)

    def position(self, sentence: Sentence) -> int | None:
        return self._index.get((sentence.span.article_id, sentence.span.start))

    def sentence_at(self, span: Span) -> Sentence | None:
        """The sentence that contains ``span``.

        An article's sentences are disjoint: the only one that may contain ``span`` is the
        last one starting at or before it, found by bisection (a scan of the story's
        sentences per call was quadratic in a long article)."""
        if not self._starts:
            for item in self.items:
                ordered = sorted(item.sentences, key=lambda s: s.span.start)
                self._starts.setdefault(item.article_id, ([s.span.start for s in ordered], ordered))
        starts, ordered = self._starts.get(span.article_id, ([], []))
        k = bisect_right(starts, span.start) - 1
        if k >= 0 and span.end <= ordered[k].span.end:
            return ordered[k]
        return None

    def semantic(self, a: Sentence, b: Sentence) -> float:
        """Paraphrase similarity in [0, 1]: vector cosine when available, else TF-IDF."""
        i, j = self.position(a), self.position(b)
        if i is None or j is None:
            return 0.0
        if self.vectors is not None:
            return float(max(0.0, self.vectors[i] @ self.vectors[j]))
        return float(self.tfidf[i, j])

    def lexical_neighbours(self, position: int, floor: float) -> list[int]:
        """The positions of the sentences whose TF-IDF similarity to the one at ``position``
        is at least ``floor`` (a row of the sparse matrix: the pairs the story keeps)."""
        matrix = self.tfidf
        row = slice(matrix.indptr[position], matrix.indptr[position + 1])
        return [
            int(j) for j, v in zip(matrix.indices[row], matrix.data[row], strict=True) if v >= floor
        ]

    def lexical(self, a: Sentence, b: Sentence) -> float:
        i, j = self.position(a), self.position(b)
        if i is None or j is None:
            return 0.0
        return float(self.tfidf[i, j])


def build_context(
    items: Sequence[AnnotatedArticle], embed: bool = True, options: ContextOptions | None = None
) -> StoryContext:
    """Index the sentences of ``items``; vectors only when the story is small enough."""
    opts = options or ContextOptions()
    large = len(items) > opts.large_story
    cap = opts.large_story_statements if large else MAX_STATEMENTS_PER_ARTICLE
    sentences: list[Sentence] = []
    counts: list[int] = []
    for item in items:
        count = leading_sentences(item.sentences, cap)
        sentences.extend(item.sentences[:count])
        counts.append(count)
    owner = [s.span.article_id for s in sentences]
    index = {(s.span.article_id, s.span.start): n for n, s in enumerate(sentences)}
    vectors = None
    # One article alone has nothing to align or copy: its vectors would go unused.
    if embed and len(items) >= 2 and 0 < len(sentences) <= opts.max_vectors:
        vectors = _stored_vectors(items, counts)
    tfidf = similarity([s.text for s in sentences], opts.min_similarity)
    return StoryContext(items, sentences, owner, tfidf, vectors, index)


def _stored_vectors(items: Sequence[AnnotatedArticle], counts: list[int]) -> np.ndarray | None:
    """The deep pass's vectors of the first ``counts[k]`` sentences of each item, stacked."""
    rows = []
    for item, count in zip(items, counts, strict=True):
        stored = item.sentence_vectors
        if stored.ndim != 2 or stored.shape[0] < count:
            return None
        rows.append(stored[:count])
    return np.vstack(rows).astype(np.float32)
