"""A static word-piece model distilled from our MiniLM: article vectors in microseconds.

Built from the all-MiniLM-L6-v2 int8 ONNX network newsweave already runs (Apache-2.0, like
the model; see :mod:`newsweave.annotate.minilm`), in the manner of model2vec: every word piece
of MiniLM's vocabulary is run through the network alone (``[CLS] piece [SEP]``, mean-pooled,
the vector MiniLM gives that piece as a sentence), the table is centred and reduced by PCA to
:data:`STATIC_DIM` dimensions, and each row is weighted by how rare its piece is (smooth
inverse frequency, with frequencies estimated from the vocabulary's rank order, which is by
frequency for BERT's word pieces). A text's vector is the mean of its pieces' rows, unit length.

It is a candidate filter, not a replacement: its cosines track MiniLM's on news text but
blur close calls (``bench/static_vectors.py`` prints the figures: on ECB+ the pairwise cosine
correlation is ~0.74 and story quality drops slightly when it replaces MiniLM), so it is meant
to filter candidates and leave close calls to MiniLM; no stage uses it yet.

The table is derived data: :func:`build_table` computes it from the installed model in about a
minute of CPU (``make install`` runs :func:`main`); a process that finds
no table next to this module builds it once and saves it there (or keeps it in memory when
the folder is read-only). Nothing is fetched from the network.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger("newsweave.static_vectors")

STATIC_DIM = 128
"""Dimensions kept by the PCA (the table is 30,522 x 128 float16: 7.8 MB)."""
TABLE_VERSION = 1
"""Raised whenever :func:`build_table` changes what it computes (the file name carries it)."""
_SIF = 1e-4
"""Smooth inverse frequency: a piece of estimated frequency p weighs a / (a + p)."""
_FIRST_WORD = 1996
"""In BERT's uncased vocabulary, ids below this are special, unused or single characters;
from here on pieces come in order of frequency ("the" is 1996)."""
_BATCH = 512
TABLE = Path(__file__).with_name(f"static-minilm-v{TABLE_VERSION}.npy")


def _weights(vocab_size: int, tokens: Sequence[str]) -> np.ndarray:
    """Smooth inverse frequency weights per piece, from Zipf's law over the rank order."""
    ranks = np.arange(vocab_size, dtype=np.float64) - _FIRST_WORD + 1
    # Single characters: punctuation and digits are among the most frequent pieces there are.
    ranks[:_FIRST_WORD] = 1.0
    ranks = np.maximum(ranks, 1.0)
    harmonic = float(np.log(vocab_size) + 0.5772)
    frequency = 1.0 / (ranks * harmonic)
    weights = _SIF / (_SIF + frequency)
    for n, token in enumerate(tokens):
        if token.startswith("[") and token.endswith("]"):  # [PAD], [CLS], [unused17], ...
            weights[n] = 0.0
    return weights.astype(np.float32)


def build_table(threads: int = 0) -> np.ndarray:
    """The static table, (vocabulary size, STATIC_DIM) float16, from the installed MiniLM."""
    from newsweave.annotate.minilm import MiniLM
    from newsweave.annotate.models import _model_files

    model, tokenizer_file = _model_files()
    minilm = MiniLM(model, tokenizer_file, threads=threads or (os.cpu_count() or 1))
    vocab: dict[str, int] = minilm.tokenizer.get_vocab(with_added_tokens=True)
    size = max(vocab.values()) + 1
    tokens = [""] * size
    for token, index in vocab.items():
        tokens[index] = token
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    raw = np.zeros((size, 384), dtype=np.float32)
    for first in range(0, size, _BATCH):
        ids = [
            np.array([cls, i, sep], dtype=np.int64) for i in range(first, min(size, first + _BATCH))
        ]
        raw[first : first + len(ids)] = minilm._run(ids)
    weights = _weights(size, tokens)
    used = weights > 0
    mean = raw[used].mean(axis=0)
    centred = raw - mean
    _, _, components = np.linalg.svd(centred[used], full_matrices=False)
    reduced = centred @ components[:STATIC_DIM].T
    reduced *= weights[:, None]
    table: np.ndarray = reduced.astype(np.float16)
    return table


def _save(table: np.ndarray, path: Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".partial", delete=False) as out:
            np.save(out, table)
        Path(out.name).replace(path)
        return True
    except OSError:
        return False


@lru_cache(maxsize=1)
def load_table() -> np.ndarray:
    """The static table as float32, built (and saved next to this module) when absent."""
    if TABLE.is_file():
        try:
            return np.asarray(np.load(TABLE), dtype=np.float32)
        except (OSError, ValueError):
            logger.warning("the static vector table %s is damaged; building it again", TABLE)
    logger.info("building the static vector table (once, about a minute of CPU)")
    table = build_table()
    if not _save(table, TABLE):
        logger.warning("could not save the static vector table at %s; kept in memory", TABLE)
    return np.asarray(table, dtype=np.float32)


class StaticEmbedder:
    """``encode(texts) -> (n, STATIC_DIM) float32`` unit rows: the weighted mean of the rows
    of a text's word pieces (the same 256 pieces MiniLM reads)."""

    def __init__(self, table: np.ndarray, tokenizer: Any) -> None:
        self.table = table
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        if not texts:
            return out
        for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts))):
            ids = encoding.ids
            if ids:
                out[row] = self.table[ids].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.asarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


@lru_cache(maxsize=1)
def load_static() -> StaticEmbedder:
    """The static embedder, loaded once per process (tokenizer of our MiniLM)."""
    from tokenizers import Tokenizer

    from newsweave.annotate.minilm import MAX_TOKENS
    from newsweave.annotate.models import _model_files

    tokenizer = Tokenizer.from_file(str(_model_files()[1]))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return StaticEmbedder(load_table(), tokenizer)


def main() -> None:
    """Build the table and save it next to this module (``make install`` runs this)."""
    table = build_table()
    if not _save(table, TABLE):
        raise SystemExit(f"could not write {TABLE}; check that the folder is writable")
    print(f"wrote {TABLE} ({table.shape[0]} x {table.shape[1]}, {TABLE.stat().st_size:,} bytes)")
