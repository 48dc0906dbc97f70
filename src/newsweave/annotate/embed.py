"""Dense vectors for articles and sentences (all-MiniLM-L6-v2, normalised, float32).

Article vectors (title and lead) are computed in the cheap pass, for story assignment;
sentence vectors in the deep pass, stored, and read by fuse (which never loads a model).
Sentence vectors are kept as float16: half the store, and cosines change by < 1e-3.
Article vectors come from MiniLM quantized per channel (~2x faster; a story decision is not a
close call at the third decimal); sentence vectors, which the brief's paraphrase and copy
thresholds read, from the float network (:mod:`newsweave.annotate.quantized`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsweave.annotate.minilm import DIM, MAX_TOKENS
from newsweave.annotate.models import load_embedder
from newsweave.model import Article

# MiniLM reads only the first 256 word pieces; more text costs time and changes nothing.
ARTICLE_CHARS = 1500
# Long texts run fastest in small batches on one thread (measured: bench/embed_compare.py).
BATCH = 8
# Article vectors go in batches of about this many word pieces: one lead of 256 pieces alone
# costs ~0.10 CPU-s, in batches of 8 ~0.15 (Timeline17 leads, 1 thread, same vectors up to
# float rounding); at 128 pieces batches of 1 to 8 cost the same.
ARTICLE_BATCH_PIECES = 256


def article_view(article: Article) -> str:
    """The text an article's vector is computed from: title and lead."""
    head = f"{article.title}. " if article.title else ""
    return (head + article.text)[:ARTICLE_CHARS]


def embed_texts(
    texts: Sequence[str], batch_size: int = BATCH, pieces: int = MAX_TOKENS, quantized: bool = True
) -> np.ndarray:
    """Unit-length float32 vectors of the first ``pieces`` word pieces of each text, one row
    per text (an empty input gives shape (0, dim)); ``quantized``: from the int8 network
    (:func:`newsweave.annotate.models.load_embedder`)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    embedder = load_embedder(quantized)
    return embedder.encode(list(texts), batch_size=batch_size, max_tokens=pieces)


def embed_articles(articles: Sequence[Article], pieces: int = MAX_TOKENS) -> np.ndarray:
    """The article vectors: title and lead, the first ``pieces`` word pieces, in batches of
    about :data:`ARTICLE_BATCH_PIECES` pieces."""
    size = max(1, ARTICLE_BATCH_PIECES // max(1, pieces))
    return embed_texts([article_view(a) for a in articles], batch_size=size, pieces=pieces)


def embed_sentences(texts: Sequence[str]) -> np.ndarray:
    """Stored sentence vectors: unit-length rows as float16, one per text.

    A sentence that occurs more than once (wire copy reprinted by several outlets of one
    story, a repeated dateline or sign-off) is encoded once. Sentences run in batches of
    :data:`BATCH` too: ~15% less CPU than batches of 32 on Timeline17 sentences, the same
    vectors up to float rounding (cosine > 0.99999).
    """
    unique = list(dict.fromkeys(texts))
    vectors = embed_texts(unique, batch_size=BATCH, quantized=False).astype(np.float16)
    if len(unique) == len(texts):
        return vectors
    row = {text: n for n, text in enumerate(unique)}
    return vectors[[row[text] for text in texts]]
