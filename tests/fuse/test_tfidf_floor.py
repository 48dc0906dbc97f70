"""The story's TF-IDF pairs: only those at or above ``fuse.context.min_similarity`` are kept,
computed a block of rows at a time, each kept entry exactly as the whole product has it.

Every sentence pair that shares a term grew x4 per doubling of a story (800,000 pairs for 160
Timeline17 articles of 12 sentences); copies, alignment and the wire-edit pass looped over all
of them in Python although each reads only pairs above 0.25. Counted and measured in bytes,
not timed.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest
from tests.conftest import shared_path

from newsweave.config import load_settings
from newsweave.errors import OptionError
from newsweave.fuse import FuseOptions
from newsweave.fuse.context import ContextOptions
from newsweave.fuse.tfidf import similarity, tfidf_matrix

FLOOR = ContextOptions().min_similarity


def _sentences(articles: int) -> list[str]:
    """The first 12 lines of ``articles`` Timeline17 H1N1 articles (a line is a sentence)."""
    path = shared_path("data", "timeline17", "articles.jsonl")
    out: list[str] = []
    seen = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record.get("text", "")
            if record.get("topic") != "H1N1" or len(text.split()) < 150:
                continue
            out += [s for s in text.split("\n") if len(s.split()) >= 4][:12]
            seen += 1
            if seen == articles:
                break
    return out


def _whole(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coo = similarity(texts, 0.0, block=len(texts)).tocoo()
    return coo.row, coo.col, coo.data


def test_kept_pairs_are_the_whole_products_entries_above_the_floor() -> None:
    texts = _sentences(40)
    row, col, data = _whole(texts)
    keep = data >= FLOOR
    for block in (1, 7, 256):
        pruned = similarity(texts, FLOOR, block=block).tocoo()
        # Same pairs, same order, same values bit for bit: no threshold above the floor moves.
        assert np.array_equal(pruned.row, row[keep]), block
        assert np.array_equal(pruned.col, col[keep]), block
        assert np.array_equal(pruned.data, data[keep]), block
    assert not np.any(row == col)  # zero diagonal


def test_pairs_kept_stay_few_per_sentence() -> None:
    texts = _sentences(80)
    every = similarity(texts, 0.0).nnz
    kept = similarity(texts, FLOOR).nnz
    # Measured: 194,290 pairs share a term (207 per sentence), 1,196 are kept (1.3 per sentence).
    assert every > 50 * len(texts)
    assert kept < 4 * len(texts)


def test_memory_holds_one_block_not_every_pair() -> None:
    texts = _sentences(160)
    similarity(texts[:50], FLOOR)  # warm any one-off allocation (stop words)

    def peak(run: Callable[[], object]) -> int:
        tracemalloc.start()
        run()
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    weights = peak(lambda: tfidf_matrix(texts))
    # Measured: 8.3 MB to weigh the terms; the whole product at once (800,000 pairs sharing a
    # term) peaks at 18.9 MB, blocks of 64 rows add nothing over the weighing.
    assert peak(lambda: similarity(texts, FLOOR, block=len(texts))) > 1.8 * weights
    assert peak(lambda: similarity(texts, FLOOR, block=64)) < 1.2 * weights


@pytest.mark.parametrize(
    "override",
    ["fuse.align.link=0.3", "fuse.copies.pair_similarity=0.2", "fuse.context.min_similarity=0.4"],
)
def test_a_floor_above_a_reader_is_refused(override: str) -> None:
    with pytest.raises(OptionError, match=r"fuse\.context\.min_similarity"):
        load_settings(None, None, [override], environ={})


def test_default_floor_is_below_every_reader() -> None:
    FuseOptions()  # raises when a default threshold sits under the floor
    assert 0.6 * FuseOptions().align.link >= FLOOR
