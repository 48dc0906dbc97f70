"""Loopback HTTP servers for tests: run one on a thread for the length of a block, and answer
a body one byte at a time (a server that drips, as slow real ones do)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BufferedIOBase


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output free of access-log lines."""

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def running(
    server: HTTPServer, handler: type[BaseHTTPRequestHandler] | None = None
) -> Iterator[None]:
    """Serve on a daemon thread until the block ends, then shut the server down and close it.
    ``handler``: the request handler to answer with (made after the server, once its port is
    known)."""
    if handler is not None:
        server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def drip(out: BufferedIOBase, data: bytes, gap: float) -> None:
    """Write ``data`` one byte at a time, ``gap`` seconds apart."""
    for byte in data:
        out.write(bytes([byte]))
        out.flush()
        time.sleep(gap)
