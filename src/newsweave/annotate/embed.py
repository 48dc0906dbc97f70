"""Dense vectors for articles and sentences (all-MiniLM-L6-v2, normalised, float32)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsweave.annotate.models import load_embedder
from newsweave.model import Article

# MiniLM reads only the first 256 word pieces; more text costs time and changes nothing.
ARTICLE_CHARS = 1500


def article_view(article: Article) -> str:
    """The text an article's vector is computed from: title and lead."""
    head = f"{article.title}. " if article.title else ""
    return (head + article.text)[:ARTICLE_CHARS]


def embed_texts(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty input gives shape (0, dim))."""
    model = load_embedder()
    if not texts:
        dim = model.get_sentence_embedding_dimension() or 384
        return np.zeros((0, dim), dtype=np.float32)
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_articles(articles: Sequence[Article], batch_size: int = 32) -> np.ndarray:
    return embed_texts([article_view(a) for a in articles], batch_size=batch_size)
