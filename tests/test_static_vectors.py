"""The static vectors distilled from MiniLM: weights, shape, and agreement with MiniLM on real
news (ECB+ documents from ../shared)."""

from __future__ import annotations

import json

import numpy as np

from newsweave.annotate.minilm import MiniLM
from newsweave.static_vectors import STATIC_DIM, _weights, load_static
from tests.conftest import shared_path


def test_rare_pieces_weigh_more_and_special_tokens_nothing() -> None:
    vocab = load_static().tokenizer.get_vocab(with_added_tokens=True)
    tokens = [""] * (max(vocab.values()) + 1)
    for token, index in vocab.items():
        tokens[index] = token
    weights = _weights(len(tokens), tokens)
    assert weights[vocab["[CLS]"]] == 0.0 and weights[vocab["[PAD]"]] == 0.0
    assert weights[vocab["the"]] < weights[vocab["earthquake"]]
    assert weights[vocab[","]] < weights[vocab["earthquake"]]


def test_rows_are_unit_length_and_empty_input_has_no_rows() -> None:
    static = load_static()
    assert static.encode([]).shape == (0, STATIC_DIM)
    rows = static.encode(["A strong earthquake struck off the coast.", "", "Talks resumed."])
    norms = np.linalg.norm(rows, axis=1)
    assert np.allclose(norms[[0, 2]], 1.0, atol=1e-5)
    assert norms[1] == 0.0  # nothing to average: no direction


def test_static_cosines_track_minilm_on_real_news(embedder: MiniLM) -> None:
    path = shared_path("data", "ecbplus", "documents.jsonl")
    texts: list[str] = []
    stories: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["topic"] not in (1, 3, 4):
                continue
            texts.append(" ".join(s["text"] for s in doc["sentences"])[:1500])
            stories.append(str(doc["story_id"]))
    assert len(set(stories)) >= 4, "expected two events for each of the three topics"
    static = load_static().encode(texts)
    dense = embedder.encode(texts)
    upper = np.triu_indices(len(texts), 1)
    cs, cm = (static @ static.T)[upper], (dense @ dense.T)[upper]
    assert np.corrcoef(cs, cm)[0, 1] >= 0.6
    same = np.array([stories[i] == stories[j] for i, j in zip(*upper, strict=True)])
    # Same-event pairs are closer than the rest, by a clear margin, in the static space too.
    assert cs[same].mean() - cs[~same].mean() >= 0.2
