"""SIGKILL ``newsweave ingest`` at random points, re-run it, and count what was lost.

    .venv/bin/python bench/crash_safety.py [--kills 20] [--seed 7] [--per-event 8] [--fresh]

Corpus: examples/ plus ``--per-event`` reports of each of six fictional events (59 articles
by default). One uninterrupted run fills a baseline store. Then, until ``--kills`` kills are
done: a fresh store, ``newsweave ingest`` killed with SIGKILL at a uniformly random point of a
run (half the kills 0-100% of the baseline's duration after the start, half 0-3 s after the
run stored its first article), half the time its re-run killed too, then a re-run
to completion; each finished store is checked: ``PRAGMA integrity_check``, articles lost
(ingestable inputs not stored), duplicated (rows minus distinct content hashes) and stories
(ids and members) against the baseline.

The child is the real ``newsweave.cli.main`` forked from a driver with the models already
loaded (a fresh ``newsweave`` process spends ~10 s loading them); ``--fresh`` runs the
installed command instead. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The corpus and crash driver live with the tests (tests/support), not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.crashes import (
    Runner,
    check_store,
    expected_hashes,
    stories_of,
    write_crash_corpus,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _state(db: Path) -> tuple[int, int]:
    """Articles stored and articles in a story, as a killed run left them."""
    if not db.exists():
        return 0, 0
    with sqlite3.connect(db) as conn:
        try:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            placed = conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the schema was written
            return 0, 0
    return int(articles), int(placed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-event", type=int, default=8)
    parser.add_argument("--fresh", action="store_true", help="run the installed command")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="newsweave-crash-") as folder:
        root = Path(folder)
        corpus = write_crash_corpus(root / "corpus", EXAMPLES, args.per_event)
        started = time.perf_counter()
        runner = Runner(fresh=args.fresh)
        warm = time.perf_counter() - started
        want = expected_hashes(corpus)
        baseline = root / "baseline.sqlite"
        full = runner.run(corpus, baseline)
        print(
            f"corpus: {len(want)} ingestable articles; baseline run {full:.1f} s "
            f"(models loaded once in {warm:.1f} s), {len(stories_of(baseline))} stories"
        )
        kills = trials = failed = lost = duplicated = changed = 0
        partial = 0  # kills that left articles stored but not all in stories
        reruns: list[float] = []
        while kills < args.kills:
            trials += 1
            db = root / f"trial{trials}.sqlite"
            for _ in range(2 if rng.random() < 0.5 else 1):
                # half the kills anywhere in a run, half once it has begun to write
                writing = rng.random() < 0.5
                at = rng.uniform(0.0, 1.0) * (3.0 if writing else full)
                if runner.kill_after(corpus, db, at, from_first_write=writing):
                    kills += 1
                    stored, placed = _state(db)
                    partial += stored > placed
                    print(
                        f"  trial {trials}: killed {at:5.1f} s after "
                        f"{'its first write' if writing else 'start'}, with {stored} articles "
                        f"stored, {placed} in stories"
                    )
            reruns.append(runner.run(corpus, db))
            check = check_store(db, want, baseline)
            lost += check.lost
            duplicated += check.articles - check.distinct_hashes + check.extra
            changed += not check.stories_same
            if not check.ok:
                failed += 1
                print(f"  trial {trials} FAILED: {check}")
        print(f"kills: {kills} in {trials} trials ({partial} left articles outside stories)")
        print(f"re-run to completion: median {statistics.median(reruns):.1f} s")
        print(
            f"integrity failures: {failed}; articles lost: {lost}; duplicated: {duplicated}; "
            f"trials with different stories: {changed}"
        )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
