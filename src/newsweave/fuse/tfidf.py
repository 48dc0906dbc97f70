"""Sentence TF-IDF similarity without scikit-learn: importing it costs ~1 s of start-up
(it pulls in scipy.stats), more than a brief of five articles spends on TF-IDF.

The weighting is the one scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2),
stop_words="english", sublinear_tf=True)`` computes: lower-cased word tokens, stop words
dropped, unigrams and bigrams of what is left, ``1 + log(tf)``, smoothed idf
``1 + log((1 + n) / (1 + df))``, rows of unit length. The stop words are scikit-learn's own
list, read from its file without importing the package.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import numpy as np
from scipy import sparse

# A token starts with a word character and may go on through word characters, %, . and -;
# the class run is bounded by the token, so matching stays linear in the text.
TOKEN = re.compile(r"(?u)\b\w[\w%.-]*\b")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (the list its ``stop_words="english"`` uses)."""
    found = importlib.util.find_spec("sklearn")  # a top-level name: found, not imported
    origin = found.origin if found is not None else None
    path = Path(origin).parent / "feature_extraction" / "_stop_words.py" if origin else None
    module: ModuleType
    if path is not None and path.is_file():
        spec = importlib.util.spec_from_file_location("_newsweave_stop_words", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # the slow way

    return frozenset(ENGLISH_STOP_WORDS)


def terms(text: str, stop: frozenset[str]) -> list[str]:
    """Unigrams and bigrams of ``text``'s tokens that are not stop words."""
    words = [w for w in TOKEN.findall(text.lower()) if w not in stop]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def tfidf_matrix(texts: Sequence[str]) -> sparse.csr_matrix | None:
    """Unit-length TF-IDF rows, one per text (columns: terms in sorted order); ``None`` when
    the texts have no term at all (only stop words)."""
    stop = stop_words()
    counted: list[dict[str, int]] = []
    for text in texts:
        counts: dict[str, int] = {}
        for term in terms(text, stop):
            counts[term] = counts.get(term, 0) + 1
        counted.append(counts)
    vocabulary = sorted({t for counts in counted for t in counts})
    if not vocabulary:
        return None
    column = {t: j for j, t in enumerate(vocabulary)}
    indptr = [0]
    indices: list[int] = []
    values: list[int] = []
    for counts in counted:
        row = sorted((column[t], c) for t, c in counts.items())
        indices.extend(j for j, _ in row)
        values.extend(c for _, c in row)
        indptr.append(len(indices))
    cols = np.asarray(indices, dtype=np.int64)
    tf = np.log(np.asarray(values, dtype=np.float64)) + 1.0
    df = np.bincount(cols, minlength=len(vocabulary))
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    data = tf * idf[cols]
    bounds = np.asarray(indptr, dtype=np.int64)
    rows = np.repeat(np.arange(len(texts)), np.diff(bounds))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
    data = data / np.where(norms > 0, norms, 1.0)[rows]
    shape = (len(texts), len(vocabulary))
    return sparse.csr_matrix((data, cols, bounds), shape=shape)


def similarity(texts: Sequence[str], floor: float = 0.0, block: int = 256) -> sparse.csr_matrix:
    """Cosine TF-IDF similarity between ``texts`` (sparse, zero diagonal), entries below
    ``floor`` dropped.

    The product is taken ``block`` rows at a time and pruned before the next block, so memory
    holds the kept entries and one block's pairs, not every pair of sentences that share a
    term. Each row is computed exactly as in the whole product (same entries, same values,
    same order), so for any threshold at or above ``floor`` a reader sees what it saw before.
    """
    n = len(texts)
    matrix = tfidf_matrix(texts) if n >= 2 else None
    if matrix is None:
        return sparse.csr_matrix((n, n))
    other = matrix.T.tocsr()
    data: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for start in range(0, n, block):
        part = (matrix[start : start + block] @ other).tocsr()
        rows = np.repeat(np.arange(start, start + part.shape[0]), np.diff(part.indptr))
        keep = (part.indices != rows) & (part.data > 0.0) & (part.data >= floor)
        data.append(part.data[keep])
        indices.append(part.indices[keep])
        counts.append(np.bincount(rows[keep] - start, minlength=part.shape[0]))
    indptr = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.int64)
    return sparse.csr_matrix((np.concatenate(data), np.concatenate(indices), indptr), shape=(n, n))
