"""A sample of the soak (bench/soak.py): ten real articles of each corpus under ../shared/data
and examples/, ingested into one store in batches: no crash, no batch lost, every input
accounted for, the store consistent."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO, shared_path


def test_soak_sample_of_every_corpus() -> None:
    for corpus in ("ecbplus", "polnear", "timeline17"):
        shared_path("data", corpus)
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "soak.py"),
            "--sample",
            "10",
            "--batch",
            "8",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["corpora"] == {"ecbplus": 10, "polnear": 10, "timeline17": 10}
    assert result["crashes"] == 0 and result["batches_lost"] == 0, result["crash_traces"]
    assert result["inputs"] == result["ingested"] + result["duplicate"] + result["rejected"]
    assert result["ingested"] >= 30, result  # the 30 corpus articles and examples/
    assert result["integrity"]["ok"], result["integrity"]["problems"]
    assert result["annotation_errors"] == 0, result["annotation_errors_by_stage"]
