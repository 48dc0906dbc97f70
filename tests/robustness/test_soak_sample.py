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
    assert run.stdout.strip(), run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["corpora"] == {"ecbplus": 10, "polnear": 10, "timeline17": 10}
    assert result["crashes"] == 0 and result["batches_lost"] == 0, result["crash_traces"]
    # One outcome per record written: a reader that skipped or doubled one would show here.
    assert all(n["written"] == n["outcomes"] == 10 for n in result["accounted"].values()), result
    assert result["inputs"] == result["ingested"] + result["duplicate"] + result["rejected"]
    # The 30 corpus articles and examples/ (12 items, one of them with no text; its README).
    assert result["inputs"] == 30 + 12 + 1, result
    assert result["ingested"] + result["duplicate"] == 30 + 11, result
    assert result["integrity"]["ok"], result["integrity"]["problems"]
    assert result["annotation_errors"] == 0, result["annotation_errors_by_stage"]
    assert result["bugs"] == 0 and result["error_records"] == 0, result["error_record_samples"]
    assert result["ok"] and run.returncode == 0, run.stderr[-3000:]
