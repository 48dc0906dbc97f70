"""What every fuse step needs about a story's sentences, computed once.

Sentences of all articles with their TF-IDF similarity (sparse, so a story of hundreds of
articles stays cheap) and, for stories of up to ``MAX_EMBEDDED`` sentences, MiniLM vectors that
recognise paraphrases TF-IDF misses ("the talks began on Saturday" / "the first day of talks
ended on Saturday").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from newsweave.annotate.sentences import is_statement
from newsweave.model import AnnotatedArticle, Sentence, Span

MAX_EMBEDDED = 1500
MAX_STATEMENTS_PER_ARTICLE = 40


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

    def position(self, sentence: Sentence) -> int | None:
        return self._index.get((sentence.span.article_id, sentence.span.start))

    def sentence_at(self, span: Span) -> Sentence | None:
        """The sentence that contains ``span``."""
        for item in self.items:
            if item.article_id != span.article_id:
                continue
            for s in item.sentences:
                if s.span.start <= span.start and span.end <= s.span.end:
                    return s
        return None

    def semantic(self, a: Sentence, b: Sentence) -> float:
        """Paraphrase similarity in [0, 1]: vector cosine when available, else TF-IDF."""
        i, j = self.position(a), self.position(b)
        if i is None or j is None:
            return 0.0
        if self.vectors is not None:
            return float(max(0.0, self.vectors[i] @ self.vectors[j]))
        return float(self.tfidf[i, j])

    def lexical(self, a: Sentence, b: Sentence) -> float:
        i, j = self.position(a), self.position(b)
        if i is None or j is None:
            return 0.0
        return float(self.tfidf[i, j])


def _tfidf(texts: list[str]) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if n < 2:
        return sparse.csr_matrix((n, n))
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w[\w%.-]*\b",
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words
        return sparse.csr_matrix((n, n))
    sim = (matrix @ matrix.T).tocsr()
    sim.setdiag(0.0)
    sim.eliminate_zeros()
    return sim


def build_context(items: Sequence[AnnotatedArticle], embed: bool = True) -> StoryContext:
    """Index the sentences of ``items``; vectors only when the story is small enough."""
    cap = MAX_STATEMENTS_PER_ARTICLE if len(items) <= 50 else 12
    sentences: list[Sentence] = []
    for item in items:
        kept = 0
        for s in item.sentences:
            if kept >= cap:
                break
            sentences.append(s)
            kept += is_statement(s)
    owner = [s.span.article_id for s in sentences]
    index = {(s.span.article_id, s.span.start): n for n, s in enumerate(sentences)}
    vectors = None
    # One article alone has nothing to align or copy: its vectors would go unused.
    if embed and len(items) >= 2 and 0 < len(sentences) <= MAX_EMBEDDED:
        from newsweave.annotate.embed import embed_texts

        vectors = embed_texts([s.text for s in sentences])
    return StoryContext(
        items, sentences, owner, _tfidf([s.text for s in sentences]), vectors, index
    )
