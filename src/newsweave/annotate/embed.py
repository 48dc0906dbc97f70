"""Dense vectors for articles and sentences (all-MiniLM-L6-v2, normalised, float32).

Article vectors (title and lead) are computed in the cheap pass, for story assignment;
sentence vectors in the deep pass, stored, and read by fuse (which never loads a model).
Sentence vectors are kept as float16: half the store, and cosines change by < 1e-3.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsweave.annotate.minilm import DIM
from newsweave.annotate.models import load_embedder
from newsweave.model import Article

# MiniLM reads only the first 256 word pieces; more text costs time and changes nothing.
ARTICLE_CHARS = 1500
# Long texts run fastest in small batches on one thread (measured: bench/embed_compare.py).
BATCH = 8


def article_view(article: Article) -> str:
    """The text an article's vector is computed from: title and lead."""
    head = f"{article.title}. " if article.title else ""
    return (head + article.text)[:ARTICLE_CHARS]


def embed_texts(texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty input gives shape (0, dim))."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return load_embedder().encode(list(texts), batch_size=batch_size)


def embed_articles(articles: Sequence[Article], batch_size: int = BATCH) -> np.ndarray:
    return embed_texts([article_view(a) for a in articles], batch_size=batch_size)


def embed_sentences(texts: Sequence[str]) -> np.ndarray:
    """Stored sentence vectors: unit-length rows as float16."""
    return embed_texts(texts, batch_size=32).astype(np.float16)
