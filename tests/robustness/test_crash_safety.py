"""SIGKILL ``newsweave ingest`` three times at seeded random points; re-runs repair everything.

Each kill is followed by a re-run to completion; the store must then pass SQLite's integrity
check, hold every ingestable input exactly once, and have the same stories (ids and
members) as one uninterrupted run. The CLI child is forked from a driver with the models
loaded (see :mod:`tests.support.crashes`); bench/crash_safety.py does 20+ kills.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.support.crashes import (
    Runner,
    check_store,
    expected_hashes,
    stories_of,
    write_crash_corpus,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_killed_ingests_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    corpus = write_crash_corpus(tmp_path / "corpus", EXAMPLES, per_event=2)
    want = expected_hashes(corpus)
    runner = Runner()
    baseline = tmp_path / "baseline.sqlite"
    full = runner.run(corpus, baseline)
    assert len(stories_of(baseline)) >= 7  # the example stories and the six events
    rng = random.Random(6)
    killed = 0
    # one kill in the middle of a run, two while it writes (articles, outcomes, stories)
    # (the write phase of this small corpus lasts a fraction of a second on a quiet machine)
    kills = ((0.5 * full, False), (0.0, True), (rng.uniform(0.0, 0.1), True))
    for trial, (seconds, from_first_write) in enumerate(kills):
        db = tmp_path / f"killed{trial}.sqlite"
        killed += runner.kill_after(corpus, db, seconds, from_first_write=from_first_write)
        runner.run(corpus, db)
        check = check_store(db, want, baseline)
        assert check.ok, check
    assert killed >= 2  # a run that finished before its kill still checks the re-run
