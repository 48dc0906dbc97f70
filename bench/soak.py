"""Soak: every real corpus under ../shared/data and examples/ ingested into one store.

    .venv/bin/python bench/soak.py                      # everything (~3,000 articles)
    .venv/bin/python bench/soak.py --sample 10 --json   # 10 per corpus, one JSON line

The corpora are converted in a temporary folder into the shapes newsweave reads from the web:
ECB+ documents as one JSONL file per topic (no dates, as ECB+ has none), PolNeAR articles as
text files with ``title:``/``date:``/``source:`` header lines, Timeline17 articles as JSONL
with their ``date``, each text detokenised; examples/ is read as it is. The inputs are then
ingested into one temporary store in batches (one ``pipeline.ingest`` call per batch of
files, as separate runs of ``newsweave ingest`` would), and the store is checked.

Printed: inputs and their outcomes (ingested / duplicate / rejected), crashes (an exception
out of a batch) and batches lost (a batch that stored none of its articles because of one),
articles kept with annotation errors and what failed (a limit reached, or a bug: an
annotator's exception caught as that article's outcome), error records in the log, the
integrity check (SQLite's own, and that the counts add up: one outcome per record written for
each corpus, ingested + duplicate + rejected = outcomes, stored articles = ingested outcomes,
every article in exactly one story, one log row per outcome), peak RSS (this process and the
largest forked worker) and wall time, then a verdict: the run fails (exit status 1) on any
crash, batch lost, bug, error record or count that does not add up.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data"

from _common import detokenize  # noqa: E402


def _text(tokenised_lines: list[str]) -> str:
    return "\n".join(detokenize(line.split())[0] for line in tokenised_lines if line.strip())


def _pick(items: list[Any], sample: int | None, seed: int) -> list[Any]:
    if sample is None or sample >= len(items):
        return items
    return random.Random(seed).sample(items, sample)


def write_ecbplus(folder: Path, sample: int | None, seed: int) -> int:
    with (DATA / "ecbplus" / "documents.jsonl").open(encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines if line.strip()]
    docs = _pick(docs, sample, seed)
    by_topic: dict[int, list[str]] = {}
    for doc in docs:
        text = _text([s["text"] for s in doc["sentences"]])
        by_topic.setdefault(doc["topic"], []).append(json.dumps({"text": text}))
    out = folder / "ecbplus"
    out.mkdir()
    for topic, rows in by_topic.items():
        (out / f"topic-{topic}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(docs)


def write_polnear(folder: Path, sample: int | None, seed: int) -> int:
    meta: dict[str, dict[str, str]] = {}
    with (DATA / "polnear" / "metadata.tsv").open(encoding="utf-8") as rows:
        header = next(rows).rstrip("\n").split("\t")
        for row in rows:
            fields = dict(zip(header, row.rstrip("\n").split("\t"), strict=False))
            meta[fields["filename"]] = fields
    paths = sorted((DATA / "polnear").glob("*/text/*.txt"))
    paths = _pick(paths, sample, seed)
    out = folder / "polnear"
    out.mkdir()
    for path in paths:
        fields = meta.get(path.stem, {})
        head = [
            f"{key}: {fields[name]}"
            for key, name in (
                ("title", "title"),
                ("date", "publication_date"),
                ("source", "publisher"),
            )
            if fields.get(name) and fields[name] != "None"
        ]
        body = path.read_text(encoding="utf-8", errors="replace")
        text = ("\n".join(head) + "\n\n" + body) if head else body
        (out / f"{path.parent.parent.name}-{path.name}").write_text(text, encoding="utf-8")
    return len(paths)


def write_timeline17(folder: Path, sample: int | None, seed: int) -> int:
    with (DATA / "timeline17" / "articles.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    records = _pick(records, sample, seed)
    out = folder / "timeline17"
    out.mkdir()
    rows = [
        json.dumps(
            {"text": _text(r["text"].split("\n")), "date": r.get("date"), "source": r.get("source")}
        )
        for r in records
    ]
    (out / "articles.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(records)


def _batches(inputs: list[Path], size: int) -> tuple[list[list[Path]], int]:
    """The files ``newsweave ingest`` would read from ``inputs``, in batches, and how many
    items it rejects before reading (a README in a folder)."""
    from newsweave.ingest.paths import expand_paths

    files, problems = expand_paths(inputs)
    return [files[k : k + size] for k in range(0, len(files), size)], len(problems)


class _Errors(logging.Handler):
    """Counts the error records newsweave logs (``bug: ...``) while the soak runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}"[:300])


def _accounted(
    written: dict[str, int], folders: dict[str, Path], wheres: list[str]
) -> dict[str, dict[str, int]]:
    """For each corpus, the records written and the outcomes whose ``where`` lies in its
    folder: a reader that skipped or doubled a record shows as a difference."""
    out: dict[str, dict[str, int]] = {}
    for name, folder in folders.items():
        prefix = str(folder) + "/"
        seen = sum(1 for where in wheres if where.startswith(prefix))
        out[name] = {"written": written[name], "outcomes": seen}
    return out


def _peak_rss_mb() -> dict[str, int]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"self": round(own / 1024), "largest_worker": round(workers / 1024)}


def _integrity(db: Path, ingested: int, outcomes: int) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        placed = conn.execute("SELECT count(*) FROM story_articles").fetchone()[0]
        distinct = conn.execute("SELECT count(DISTINCT article_id) FROM story_articles").fetchone()[
            0
        ]
        logged = conn.execute("SELECT count(*) FROM ingest_log").fetchone()[0]
        log_ingested = conn.execute(
            "SELECT count(*) FROM ingest_log WHERE status = 'ingested'"
        ).fetchone()[0]
    problems = []
    if check != "ok":
        problems.append(f"sqlite integrity_check: {check}")
    if articles != ingested:
        problems.append(f"{articles} stored articles, {ingested} ingested outcomes")
    if placed != articles or distinct != articles:
        problems.append(f"{articles} articles, {placed} story places, {distinct} placed")
    if logged != outcomes or log_ingested != ingested:
        problems.append(f"{logged} log rows ({log_ingested} ingested) for {outcomes} outcomes")
    return {"ok": not problems, "problems": problems, "articles": articles}


def soak(sample: int | None, batch: int, seed: int, keep: Path | None = None) -> dict[str, Any]:
    from newsweave.pipeline import ingest
    from newsweave.store import SQLiteStore

    started = time.monotonic()
    errors = _Errors()
    logging.getLogger("newsweave").addHandler(errors)
    with tempfile.TemporaryDirectory(prefix="newsweave-soak-") as tmp:
        work = Path(tmp)
        corpora = {
            "ecbplus": write_ecbplus(work, sample, seed),
            "polnear": write_polnear(work, sample, seed),
            "timeline17": write_timeline17(work, sample, seed),
        }
        inputs = [work / "ecbplus", work / "polnear", work / "timeline17", ROOT / "examples"]
        db = (keep or work) / "soak.sqlite"
        counts: Counter[str] = Counter()
        crashes: list[str] = []
        lost = 0
        failed: Counter[str] = Counter()
        outcomes = 0
        wheres: list[str] = []
        batches, refused = _batches(inputs, batch)
        for number, files in enumerate(batches, start=1):
            try:
                with SQLiteStore(db) as store:
                    report = ingest(files, store)
            except Exception:  # exactly what the soak is for: it must never happen
                crashes.append(traceback.format_exc(limit=8))
                lost += 1
                continue
            outcomes += len(report.outcomes)
            wheres.extend(outcome.where for outcome in report.outcomes)
            counts.update(report.counts)
            for outcome in report.outcomes:
                for error in outcome.annotation_errors:
                    failed[error.split(":", 1)[0]] += 1
            print(
                f"  batch {number}/{len(batches)}: {report.summary_line()}",
                file=sys.stderr,
                flush=True,
            )
        integrity = _integrity(db, counts["ingested"], outcomes)
        folders = {name: work / name for name in corpora}
        accounted = _accounted(corpora, folders, wheres)
    logging.getLogger("newsweave").removeHandler(errors)
    for name, seen in accounted.items():
        if seen["written"] != seen["outcomes"]:
            integrity["ok"] = False
            integrity["problems"].append(
                f"{name}: {seen['written']} records written, {seen['outcomes']} outcomes"
            )
    if sum(counts.values()) != outcomes:
        integrity["ok"] = False
        integrity["problems"].append(f"{dict(counts)} do not add up to {outcomes} outcomes")
    bugs = sum(n for stage, n in failed.items() if stage != "limit")
    rss = _peak_rss_mb()
    result = {
        "corpora": corpora,
        "inputs": outcomes + refused,
        "ingested": counts["ingested"],
        "duplicate": counts["duplicate"],
        "rejected": counts["rejected"] + refused,
        "crashes": len(crashes),
        "batches": len(batches),
        "batches_lost": lost,
        "annotation_errors": sum(failed.values()),
        "annotation_errors_by_stage": dict(failed),
        "bugs": bugs,
        "error_records": len(errors.records),
        "error_record_samples": errors.records[:10],
        "accounted": accounted,
        "integrity": integrity,
        "peak_rss_mb": max(rss.values()),
        "peak_rss_by_process_mb": rss,
        "seconds": round(time.monotonic() - started, 1),
        "crash_traces": crashes,
    }
    result["ok"] = not crashes and not lost and not bugs and not errors.records and integrity["ok"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="articles per corpus (default: all)")
    parser.add_argument("--batch", type=int, default=20, help="files per ingest call")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="one JSON line instead of a table")
    parser.add_argument("--keep", type=Path, help="write the store into this folder and keep it")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA} (the shared evaluation data)")
    if args.keep is not None and (args.keep / "soak.sqlite").exists():
        sys.exit(f"{args.keep / 'soak.sqlite'} exists: the soak needs an empty store")
    result = soak(args.sample, args.batch, args.seed, args.keep)
    if args.json:
        print(json.dumps(result))
        sys.exit(0 if result["ok"] else 1)
    corpora = ", ".join(f"{name} {n}" for name, n in result["corpora"].items())
    print(f"corpora: {corpora}, examples/")
    print(
        f"inputs {result['inputs']}: {result['ingested']} ingested, "
        f"{result['duplicate']} duplicate, {result['rejected']} rejected"
    )
    print(
        f"crashes {result['crashes']}, batches lost {result['batches_lost']} of {result['batches']}"
    )
    print(f"annotation errors {result['annotation_errors']} {result['annotation_errors_by_stage']}")
    print(f"bugs caught in a stage {result['bugs']}, error log records {result['error_records']}")
    for line in result["error_record_samples"]:
        print(f"  {line}")
    accounted = ", ".join(
        f"{name} {n['outcomes']}/{n['written']}" for name, n in result["accounted"].items()
    )
    print(f"outcomes per records written: {accounted}")
    integrity = result["integrity"]
    print(f"integrity {'ok' if integrity['ok'] else 'FAILED'} {integrity['problems']}")
    rss = result["peak_rss_by_process_mb"]
    print(
        f"peak RSS {result['peak_rss_mb']} MB (this process {rss['self']} MB, largest worker "
        f"{rss['largest_worker']} MB), {result['seconds']} s"
    )
    for trace in result["crash_traces"]:
        print(trace)
    print("soak ok" if result["ok"] else "soak FAILED")
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
