"""Kill ``newsweave ingest`` with SIGKILL at random points, re-run it, check nothing was lost.

The CLI is run as a child process. Loading the models takes ~10 s, so by default the child is
forked from a driver that has already imported newsweave and loaded the models (the child
calls the real ``newsweave.cli.main`` with ``ingest PATH --db FILE``); ``fresh=True`` runs the
installed ``newsweave`` command instead. After each kill the same command is run again to
completion, and :func:`check_store` compares the store with the inputs and with a store
filled by one uninterrupted run.

Example:
    >>> corpus = write_crash_corpus(tmp_path / "in", EXAMPLES)  # doctest: +SKIP
    >>> base = ingest_once(corpus, tmp_path / "base.sqlite")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from tests.support.malformed import ARTICLES

_SOURCES = ("Velmora Herald", "Coastal Wire", "Morning Ledger", "Harbour Post", "Daily Ostrel")
_EXTRA = (
    "Officials said more details would follow later in the week.",
    "The announcement was welcomed by some residents and criticised by others.",
    "Local media reported that the decision had been expected for months.",
    "A spokesperson declined to comment further on the matter.",
)


def write_crash_corpus(folder: Path, examples: Path, per_event: int = 8) -> Path:
    """``examples`` plus ``per_event`` reports of each of six fictional events, as text files.

    Each report of an event carries its own source, date and closing sentence, so every file
    is a distinct article, and the reports of one event form one story.
    """
    shutil.copytree(examples, folder / "examples")
    made = folder / "generated"
    made.mkdir(parents=True)
    for event, text in enumerate(ARTICLES):
        day = date(2025, 11, 3) + timedelta(days=event)
        for n in range(per_event):
            source = _SOURCES[n % len(_SOURCES)]
            body = f"{text}\n\n{_EXTRA[n % len(_EXTRA)]} (Report {n + 1} from {source}.)"
            (made / f"event{event}-report{n}.txt").write_text(
                f"title: Event {event} report {n}\ndate: {day + timedelta(days=n % 2)}\n"
                f"source: {source}\n\n{body}\n",
                encoding="utf-8",
            )
    return folder


class Runner:
    """Runs ``newsweave ingest CORPUS --db STORE`` as a child process that can be killed."""

    def __init__(self, fresh: bool = False) -> None:
        self.fresh = fresh
        if not fresh:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from newsweave.annotate.models import load_embedder, load_nlp

            load_nlp()  # loaded, never run here: the children run them after the fork
            load_embedder()

    def start(self, corpus: Path, db: Path) -> int:
        if self.fresh:
            exe = Path(sys.executable).with_name("newsweave")
            process = subprocess.Popen(
                [str(exe), "ingest", str(corpus), "--db", str(db)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._popen = process
            return process.pid
        pid = os.fork()
        if pid == 0:  # the child: the real CLI, warm models
            code = 1
            try:
                # torch's thread pool does not survive a fork once the parent has run a
                # model: one thread in the child avoids the deadlock (newsweave itself no
                # longer loads torch; a caller may have).
                torch = sys.modules.get("torch")
                if torch is not None:
                    torch.set_num_threads(1)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                from newsweave.cli import main

                main(["ingest", str(corpus), "--db", str(db)], standalone_mode=False)
                code = 0
            finally:
                os._exit(code)
        return pid

    def wait(self, pid: int) -> int:
        if self.fresh:
            return self._popen.wait()
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def run(self, corpus: Path, db: Path) -> float:
        """Run to completion; the seconds it took. Raises RuntimeError when it fails."""
        started = time.perf_counter()
        code = self.wait(self.start(corpus, db))
        if code != 0:
            raise RuntimeError(f"newsweave ingest {corpus} --db {db} exited with {code}")
        return time.perf_counter() - started

    def _finished(self, pid: int) -> bool:
        if self.fresh:
            return self._popen.poll() is not None
        return os.waitpid(pid, os.WNOHANG)[0] != 0

    def kill_after(
        self, corpus: Path, db: Path, seconds: float, *, from_first_write: bool = False
    ) -> bool:
        """Start a run and SIGKILL it after ``seconds``; False when it finished first.

        With ``from_first_write`` the clock starts when the run has stored more articles than
        the store held before, so the kill lands while it writes articles, logs outcomes or
        forms stories (the windows where a kill can do harm).
        """
        pid = self.start(corpus, db)
        before = stored_articles(db)
        started = not from_first_write
        deadline = time.perf_counter() + seconds
        while not started or time.perf_counter() < deadline:
            if self._finished(pid):
                return False
            if not started and stored_articles(db) > before:
                started = True
                deadline = time.perf_counter() + seconds
            time.sleep(0.005)
        os.kill(pid, signal.SIGKILL)
        self.wait(pid)
        return True


def stored_articles(db: Path) -> int:
    """Articles in the store at ``db`` (0 when it does not exist or has no schema yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """What a store holds compared with the inputs and with an uninterrupted run."""

    integrity: str
    articles: int
    distinct_hashes: int
    lost: int  # ingestable inputs whose text is not in the store
    extra: int  # stored texts that are not among the inputs
    stories_same: bool
    story_diff: str

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.lost == 0
            and self.extra == 0
            and self.articles == self.distinct_hashes
            and self.stories_same
        )


def stories_of(db: Path) -> dict[str, tuple[str, ...]]:
    """Story id -> sorted member article ids, read straight from the SQLite file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT story_id, article_id FROM story_articles").fetchall()
        empty = conn.execute(
            "SELECT story_id FROM stories WHERE story_id NOT IN "
            "(SELECT story_id FROM story_articles)"
        ).fetchall()
    members: dict[str, list[str]] = {str(s): [] for (s,) in empty}
    for story_id, article_id in rows:
        members.setdefault(str(story_id), []).append(str(article_id))
    return {k: tuple(sorted(v)) for k, v in members.items()}


def check_store(db: Path, expected_hashes: set[str], baseline: Path) -> StoreCheck:
    """Integrity, lost and duplicated articles, and stories against the ``baseline`` store."""
    with sqlite3.connect(db) as conn:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        hashes = [str(r[0]) for r in conn.execute("SELECT content_hash FROM articles")]
    got, want = stories_of(db), stories_of(baseline)
    diff = ""
    if got != want:
        only_got = {k: v for k, v in got.items() if want.get(k) != v}
        only_want = {k: v for k, v in want.items() if got.get(k) != v}
        diff = f"this store: {only_got}; uninterrupted: {only_want}"
    return StoreCheck(
        integrity=integrity,
        articles=len(hashes),
        distinct_hashes=len(set(hashes)),
        lost=len(expected_hashes - set(hashes)),
        extra=len(set(hashes) - expected_hashes),
        stories_same=got == want,
        story_diff=diff,
    )


def expected_hashes(corpus: Path) -> set[str]:
    """Content hashes of every input the reader accepts: what a finished store must hold."""
    from newsweave.ingest import read_inputs
    from newsweave.model import IngestStatus

    return {
        o.article.content_hash
        for o in read_inputs([corpus])
        if o.status is IngestStatus.INGESTED and o.article is not None
    }
