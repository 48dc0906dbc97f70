"""A network backend for httpx whose every connect, read and write ends by one deadline.

httpx's timeouts are per operation: a server that sends its headers or its body one byte
every few seconds never trips them, and holds a fetch for as long as it likes. Giving each
socket operation at most the time left until the fetch's deadline bounds the whole fetch,
headers included (:func:`newsweave.fetch.fetch`).
"""

from __future__ import annotations

import ssl
import time
import typing

import httpcore
import httpx


def _left(ends: float, timeout: float | None, kind: type[Exception]) -> float:
    left = ends - time.monotonic()
    if left <= 0:
        raise kind("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream that refuses to wait past ``ends`` (a ``time.monotonic()`` value)."""

    def __init__(self, inner: httpcore.NetworkStream, ends: float) -> None:
        self._inner = inner
        self._ends = ends

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(self._ends, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(self._ends, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(self._ends, timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait), self._ends)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own synchronous backend, with every stream bounded by ``ends``."""

    def __init__(self, ends: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._ends = ends

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(self._ends, timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return DeadlineStream(stream, self._ends)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(self._ends, timeout, httpcore.ConnectTimeout)
        return DeadlineStream(
            self._inner.connect_unix_socket(path, wait, socket_options), self._ends
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bounded_transport(ends: float) -> httpx.HTTPTransport:
    """An httpx transport (no proxies from the environment) whose sockets end by ``ends``."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx takes no network backend of its own; its pool keeps it in one attribute, and
    # tests/service/test_fetch_limits.py fails if a new httpx moves it.
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # pragma: no cover - a future httpcore
        raise RuntimeError("httpcore's ConnectionPool no longer has _network_backend")
    pool._network_backend = DeadlineBackend(ends)
    return transport
