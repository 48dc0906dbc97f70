"""Processes that open one new store file at the same moment (two `ingest` runs, `watch` and
`serve` started together) all get it: SQLite answers "database is locked" at once, without
waiting, to one of two openers that both need the write lock to set up the file."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

from newsweave.store import open_store

OPENERS = 6
TRIALS = 20  # the race was lost in about 1 trial of 5 before the store retried


def _open_at(path: str, start: float, answers: Any) -> None:
    while time.time() < start:  # every opener leaves the gate at the same instant
        pass
    try:
        with open_store(path) as store:
            answers.put(("ok", store.info()["articles"]))
    except Exception as exc:  # reported to the test, which names it
        answers.put((type(exc).__name__, str(exc)))


def test_openers_of_one_new_file_at_once_all_get_the_store(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(TRIALS):
        path = str(tmp_path / f"store-{trial}.sqlite")
        answers = context.Queue()
        start = time.time() + 0.3
        openers = [
            context.Process(target=_open_at, args=(path, start, answers)) for _ in range(OPENERS)
        ]
        for opener in openers:
            opener.start()
        results = [answers.get(timeout=60) for _ in openers]
        for opener in openers:
            opener.join(60)
        failures += [(trial, r) for r in results if r != ("ok", 0)]
    assert not failures, failures
