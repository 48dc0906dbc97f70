#!/usr/bin/env bash
# The figures of the scale-out work in one run: story quality (ECB+, Timeline17), assignment
# cost at 1k/10k/100k stored articles, and per-stage throughput. Takes 30-60 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
echo "== story clustering quality"; "$PY" bench/cluster_quality.py
echo "== assignment cost and memory"; "$PY" bench/cluster_speed.py --n 101000
echo "== throughput per stage"; "$PY" bench/pipeline_speed.py --n 200
