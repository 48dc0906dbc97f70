"""Fixtures of the service tests: a store of the example corpus, the real server on loopback,
and a small local web site (feeds, pages) that the test controls."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from tests.support.loopback import QuietHandler, running

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "test-token-5f1e"
MAX_BODY = 200_000

# An article of our own whose title, text and quote carry markup and script: the web page must
# show it as text and run none of it.
XSS_ARTICLE = "\n".join(
    [
        'title: Harbour museum <script>window.__xss = 1</script> opens <img src=x onerror="'
        'window.__xss = 2">',
        "date: 2026-04-02",
        "source: Pen <b>Test</b> Gazette",
        "",
        "The maritime museum on Varnholm's old pier opened its doors on Thursday after a "
        "two-year restoration, showing model ships, diving suits and a lighthouse lens rescued "
        "from the sea.",
        "",
        '"We wanted every visitor to feel the weather <img src=x onerror=window.__xss=3> on the '
        "old pier,\" said Ingrid Solberg, the museum's director.",
        "",
        "Tickets cost 12 euros <script>window.__xss = 4</script> and children under twelve "
        "enter free. The museum expects about 40,000 visitors in its first year.",
    ]
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    url: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path
    token: str = TOKEN
    max_body: int = MAX_BODY

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120.0, trust_env=False, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def service_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of examples/ plus the XSS article, ingested in this process (real models)."""
    from newsweave.pipeline import ingest
    from newsweave.store import open_store

    root = tmp_path_factory.mktemp("service")
    corpus = root / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "README.md").unlink()
    museum = root / "museum-xss.txt"
    museum.write_text(XSS_ARTICLE, encoding="utf-8")
    db = root / "store.sqlite"
    with open_store(db) as store:
        assert ingest([corpus], store).counts["ingested"] == 11
        assert ingest([museum], store).counts["ingested"] == 1
    return db


@pytest.fixture(scope="session")
def service(service_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``newsweave serve`` in its own process on a free loopback port, shared by the tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "NEWSWEAVE_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable,
        "-m",
        "newsweave.cli",
        "serve",
        "--db",
        str(service_db),
        "--port",
        str(port),
        "--allow-private",
        "--max-body",
        str(MAX_BODY),
        "--brief-wait",
        "300",  # the tests read whole briefs; test_builds covers 202 and progress
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=2, trust_env=False).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    served = Service(url, service_db, process, log)
    yield served
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the server did not stop within 20 s of SIGTERM")
    # uvicorn finishes its shutdown, then re-raises the signal it caught.
    assert code in (0, -signal.SIGTERM), log.read_text(errors="replace")
    assert "Application shutdown complete" in log.read_text(errors="replace")


@dataclass
class Site:
    """A local web site: ``routes[path] = (status, headers, body)``; requests are logged."""

    url: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Site(f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            if state.delay:
                time.sleep(state.delay)
            status, headers, body = state.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"not here")
            )
            etag = headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with running(server, Handler):
        yield state


@pytest.fixture(scope="session")
def unbuilt_db(service_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the service store made before any brief is cached in it."""
    import sqlite3

    copy = tmp_path_factory.mktemp("unbuilt") / "store.sqlite"
    with sqlite3.connect(service_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("DELETE FROM briefs")  # what the other tests' reads may have cached
        conn.execute("PRAGMA journal_mode=DELETE")  # one file, so a plain copy has it all
    finally:
        conn.close()
    return copy


@contextmanager
def inprocess_server(app: object) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in this process (the models the
    session fixtures loaded are reused); yields the base URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="critical")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the in-process server did not start"
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def fresh_db(unbuilt_db: Path, tmp_path: Path) -> Path:
    """A store of the examples with no brief built yet, one per test."""
    copy = tmp_path / "fresh.sqlite"
    shutil.copyfile(unbuilt_db, copy)
    return copy


@pytest.fixture
def cheap_db(fresh_db: Path) -> Path:
    """:func:`fresh_db` as an ingest leaves single-source stories: cheap-pass annotations only,
    so building a brief runs the deep pass too and takes seconds (long enough to watch)."""
    import sqlite3

    with sqlite3.connect(fresh_db) as conn:
        conn.execute("UPDATE annotations SET data = json_set(data, '$.depth', 'lead')")
        conn.execute("DELETE FROM sentence_vectors")
    return fresh_db


@pytest.fixture
def inprocess() -> object:
    """:func:`inprocess_server`, for the tests (the folder is not a package)."""
    return inprocess_server
