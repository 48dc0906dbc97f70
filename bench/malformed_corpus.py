"""Malformed inputs through the whole ingest path: nothing crashes, every item accounted for.

    .venv/bin/python bench/malformed_corpus.py [--small] [--keep DIR] [-v]

Writes the corpus of :mod:`tests.support.malformed` (200+ cases: broken encodings,
binary files with text names, pages with no text or megabytes of script, 10k-deep HTML,
entity bombs, bad JSON lines, truncated and gzip-corrupt WARC, FIFOs, symlink loops, other
languages ...) to a temp folder and runs ``newsweave.pipeline.ingest`` (read, annotate,
cluster, store) on each case into one SQLite store. Prints the inputs tried, how many were
ingested, duplicate and rejected, the crashes (exceptions that escaped ``ingest``), whether the
counts add up to the number of input items, the language codes given to non-English
articles, the store's integrity check, peak RSS and time. ``--small`` leaves out the
megabyte cases. Exit status 1 when anything crashed or did not add up.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from newsweave.model import IngestOutcome, IngestStatus
from newsweave.pipeline import ingest
from newsweave.store import SQLiteStore

# The corpus and crash driver live with the tests (tests/support), not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.malformed import Case, build_corpus, problems, unlock


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(root: Path, big: bool, verbose: bool) -> int:
    started = time.perf_counter()
    cases = build_corpus(root / "corpus", big=big)
    built = time.perf_counter() - started
    store = SQLiteStore(root / "store.sqlite")
    totals: Counter[str] = Counter()
    crashes: list[str] = []
    wrong: list[str] = []
    languages: dict[str, str | None] = {}
    expected_known = 0
    outcomes_known = 0
    slowest: list[tuple[float, str]] = []
    ingest_started = time.perf_counter()
    try:
        for case in cases:
            t0 = time.perf_counter()
            try:
                report = ingest(list(case.paths), store)
            except Exception as exc:  # what the bench is looking for
                crashes.append(f"{case.name}: {type(exc).__name__}: {exc}")
                if verbose:
                    traceback.print_exc()
                continue
            slowest.append((time.perf_counter() - t0, case.name))
            outcomes: list[IngestOutcome] = list(report.outcomes)
            totals.update(o.status.value for o in outcomes)
            wrong.extend(problems(case, outcomes))
            if case.items is not None:
                expected_known += case.items
                outcomes_known += len(outcomes)
            if case.name.startswith("lang-"):
                languages[case.name[5:]] = _language(store, outcomes)
            if verbose:
                print(f"{case.name:34s} {dict(Counter(o.status.value for o in outcomes))}")
        ingest_time = time.perf_counter() - ingest_started
        articles = store.article_count()
        hashes = _distinct_hashes(root / "store.sqlite")
        integrity = _integrity(root / "store.sqlite")
    finally:
        store.close()
        unlock(root / "corpus")
    _print(cases, totals, crashes, wrong, languages, expected_known, outcomes_known)
    print(f"store: {articles} articles, {hashes} distinct content hashes, integrity {integrity}")
    print(f"slowest cases: {', '.join(f'{n} {t:.1f} s' for t, n in sorted(slowest)[-4:])}")
    print(f"time: corpus written in {built:.1f} s, ingested in {ingest_time:.1f} s")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB")
    ok = not crashes and not wrong and integrity == "ok" and articles == hashes
    return 0 if ok else 1


def _language(store: SQLiteStore, outcomes: list[IngestOutcome]) -> str | None:
    for outcome in outcomes:
        if outcome.article is not None:
            return outcome.article.language
        if outcome.duplicate_of:
            return store.get(outcome.duplicate_of).article.language
    return None


def _distinct_hashes(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0])


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _print(
    cases: list[Case],
    totals: Counter[str],
    crashes: list[str],
    wrong: list[str],
    languages: dict[str, str | None],
    expected_known: int,
    outcomes_known: int,
) -> None:
    by_reader = Counter(case.reader for case in cases)
    files = sum(len(case.paths) for case in cases)
    outcomes = sum(totals.values())
    print(f"cases: {len(cases)} ({', '.join(f'{k} {v}' for k, v in sorted(by_reader.items()))})")
    print(f"paths handed to ingest: {files}")
    print(
        f"input items: {outcomes} outcomes = {totals[IngestStatus.INGESTED.value]} ingested + "
        f"{totals[IngestStatus.DUPLICATE.value]} duplicate + "
        f"{totals[IngestStatus.REJECTED.value]} rejected"
    )
    adds_up = outcomes_known == expected_known and not wrong
    print(
        f"counts add up: {'yes' if adds_up else 'NO'} (cases with a known item count: "
        f"{outcomes_known} outcomes for {expected_known} items; "
        f"{sum(c.items is None for c in cases)} cases where recovery decides, each >= 1)"
    )
    print(f"crashes (exceptions that escaped ingest): {len(crashes)}")
    for line in crashes:
        print(f"  CRASH {line}")
    print(f"outcomes that break the rules: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")
    shown = ", ".join(f"{k}->{v}" for k, v in sorted(languages.items()))
    print(f"other languages (written in -> language code stored): {shown}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--small", action="store_true", help="leave out the megabyte cases")
    parser.add_argument("--keep", type=Path, help="write the corpus and store here, keep them")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args.keep, not args.small, args.verbose)
    with tempfile.TemporaryDirectory(prefix="newsweave-malformed-") as folder:
        return run(Path(folder), not args.small, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
