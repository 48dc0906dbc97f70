"""The static distilled vectors (newsweave.static_vectors) against MiniLM on ECB+.

    .venv/bin/python bench/static_vectors.py [--cache DIR]

Reads the ECB+ cheap-pass annotations cached by bench/cluster_quality.py (same ``--cache``;
they are computed there when absent) and prints: CPU-s per article of a static vector; how
the pairwise cosines of the two models agree (correlation, linear fit and its residual);
whether the static top-k neighbours hold an article's MiniLM nearest neighbour (a candidate
filter); the share of article pairs whose same-story decision (combined score against the
threshold, ``cluster.evidence.combine``) the static cosine settles without MiniLM when it is
given the fit's 99th-percentile residual as margin, how often those settled decisions agree
with MiniLM's, and the share of articles all of whose pairs are settled (an article that
would need no MiniLM vector at all); and online story quality (B-cubed, dev/test topics as
in cluster_quality.py) with the static vector in place of MiniLM's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_quality as cq
from newsweave.annotate.embed import article_view
from newsweave.cluster.evidence import (
    ClusterOptions,
    combine,
    participants,
    weighted_jaccard,
)
from newsweave.static_vectors import load_static


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "newsweave-bench-cache"
    )
    args = parser.parse_args()
    articles, gold, topic = cq.ecbplus()
    items = cq.annotated("ecbplus", articles, args.cache)
    static = load_static()
    start = time.process_time()
    s_vec = static.encode([article_view(i.article) for i in items])
    per = (time.process_time() - start) / len(items)
    m_vec = np.stack([i.embedding for i in items]).astype(np.float32)
    print(f"ECB+ {len(items)} documents; static vector {per * 1000:.2f} ms CPU per article")

    upper = np.triu_indices(len(items), 1)
    cs, cm = (s_vec @ s_vec.T)[upper], (m_vec @ m_vec.T)[upper]
    slope, offset = np.polyfit(cs, cm, 1)
    resid = cm - (slope * cs + offset)
    margin = float(np.quantile(np.abs(resid), 0.99))
    print(
        f"pair cosines: correlation {np.corrcoef(cs, cm)[0, 1]:.3f}; MiniLM ~ {slope:.3f} x "
        f"static {offset:+.3f}, residual sd {resid.std():.3f}, 99th pct |residual| {margin:.3f}"
    )

    sims_s, sims_m = s_vec @ s_vec.T, m_vec @ m_vec.T
    np.fill_diagonal(sims_s, -2.0)
    np.fill_diagonal(sims_m, -2.0)
    nearest = sims_m.argmax(axis=1)
    ranked = np.argsort(-sims_s, axis=1)
    for k in (1, 5, 10, 20):
        held = np.mean([nearest[i] in ranked[i, :k] for i in range(len(items))])
        print(f"static top-{k} holds the MiniLM nearest neighbour: {held:.3f}")

    opts = ClusterOptions()
    keys = [participants(i, opts) for i in items]
    settled = agree = 0
    needs = np.zeros(len(items), dtype=bool)
    for i, j in zip(*upper, strict=True):
        jac = weighted_jaccard(keys[i], keys[j])
        estimate = slope * float(sims_s[i, j]) + offset
        low = combine(opts, estimate - margin, jac, 0.0)
        high = combine(opts, estimate + margin, jac, 0.0)
        if high < opts.threshold or low >= opts.threshold:
            settled += 1
            exact = combine(opts, float(sims_m[i, j]), jac, 0.0) >= opts.threshold
            agree += exact == (low >= opts.threshold)
        else:
            needs[i] = needs[j] = True
    pairs = len(upper[0])
    print(
        f"pair decisions settled by the static cosine (margin {margin:.3f}): "
        f"{settled / pairs:.3f} of {pairs}; of those, agreeing with MiniLM: {agree / settled:.4f}"
    )
    print(
        "articles with every pair settled (no MiniLM vector needed in a pairwise cascade): "
        f"{1 - needs.mean():.3f}"
    )

    dev = {i for i, t in topic.items() if t in cq.DEV_TOPICS}
    test = set(gold) - dev
    swapped = [replace(i, embedding=v) for i, v in zip(items, s_vec, strict=True)]
    print(f"\nonline, file order   {'dev B3 F1':>9} {'test B3 P':>9} {'R':>6} {'F1':>6}")
    for name, chosen in (("MiniLM", items), ("static", swapped)):
        for threshold in (0.5, 0.55):
            labels = cq.ours_online(chosen, threshold)
            p, r, f = cq.bcubed(labels, gold, test)
            dev_f = cq.bcubed(labels, gold, dev)[2]
            print(f"{name:<8} t={threshold:<10}{dev_f:>9.3f} {p:>9.3f} {r:>6.3f} {f:>6.3f}")


if __name__ == "__main__":
    main()
