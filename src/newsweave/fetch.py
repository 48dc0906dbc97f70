"""Fetching URLs safely: the only place newsweave opens a connection to someone else's server.

A URL given to the API or found in a feed is untrusted, so before any request the host is
resolved and *every* address it resolves to is checked: private, loopback, link-local,
multicast, reserved and unspecified addresses are refused unless ``allow_private`` is set (a
URL must not turn the server into a way into the network it sits in). The request then goes to
the address that was checked (the Host header and TLS name stay the original host), so a DNS
answer that changes between check and connect cannot slip past. Redirects are followed by hand
and each target is checked again. Timeouts, a size limit and a content-type check bound what a
page can cost; the User-Agent names newsweave and its version.

Example:
    >>> check_url("http://127.0.0.1/feed.xml")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    newsweave.fetch.UnsafeURLError: ...
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsweave import __version__
from newsweave.errors import NewsweaveError

if TYPE_CHECKING:  # httpx is imported by fetch(): reading files needs no HTTP client
    import httpx

__all__ = [
    "FEED_TYPES",
    "PAGE_TYPES",
    "FetchError",
    "FetchOptions",
    "Fetched",
    "UnsafeURLError",
    "check_url",
    "fetch",
]

USER_AGENT = f"newsweave/{__version__} (+https://github.com/newsweave/newsweave)"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
    # Many servers send feeds as HTML or plain text; the feed reader decides what it is.
    "text/html",
    "text/plain",
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(NewsweaveError):
    """A URL could not be fetched. ``transient`` is True when retrying later may succeed
    (timeouts, refused connections, 5xx and 429 answers)."""

    def __init__(self, url: str, problem: str, *, transient: bool = False) -> None:
        self.url = url
        self.problem = problem
        self.transient = transient
        super().__init__(f"{url}: {problem}")


class UnsafeURLError(FetchError):
    """A URL that newsweave refuses to request (scheme, or an address that is not public).

    Raised before any connection is opened."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits for one fetch.

    Args:
        timeout: seconds for connecting and for each read.
        deadline: seconds for the whole fetch, redirects included: a server that trickles
            its answer a byte at a time is cut off here (checked between reads, so a fetch
            ends within ``deadline + timeout``).
        max_bytes: a body larger than this is refused (checked on the header and while reading).
        content_types: accepted media types (without parameters); empty accepts any.
        allow_private: also fetch private, loopback and link-local addresses (tests, intranets).
        max_redirects: how many redirects to follow, each target checked again.
    """

    timeout: float = 10.0
    deadline: float = 30.0
    max_bytes: int = 5_000_000
    content_types: tuple[str, ...] = PAGE_TYPES
    allow_private: bool = False
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """What came back: the final URL after redirects, status, headers and body bytes.

    ``status`` is 200-299, or 304 for a conditional request whose resource did not change
    (then ``content`` is empty)."""

    url: str
    status: int
    content_type: str
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215 local-use prefix


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and routes to: IPv4-mapped, 6to4
    (2002::/16), Teredo (2001::/32, server and client) and NAT64 (64:ff9b::/96)."""
    out: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        out.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        out.append(address.sixtofour)
    if address.teredo is not None:
        out.extend(address.teredo)
    if address in _NAT64 or address in _NAT64_LOCAL:
        out.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return out


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(address):
            reason = _refusal(inner)
            if reason:
                return f"{reason} (embedded in {address.compressed})"
    for test, name in (
        (address.is_loopback, "a loopback"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        (address.is_unspecified, "an unspecified"),
        (address.is_private, "a private"),
        (address.is_reserved, "a reserved"),
        (not address.is_global, "a non-public"),
    ):
        if test:
            return name
    return None


def _resolve(url: str, host: str, port: int) -> list[str]:
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r} ({exc})", transient=True) from None
    # The scope id of a link-local IPv6 answer ("fe80::1%eth0") is dropped before checking.
    found = [str(info[4][0]).split("%", 1)[0] for info in infos]
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    host: str
    address: str  # the checked address the request goes to


def check_url(url: str, allow_private: bool = False) -> _Target:
    """Check a URL before requesting it; returns where to connect.

    Raises:
        UnsafeURLError: not http(s), no host, credentials in the URL, or the host resolves to
            an address that is not public (unless ``allow_private``). No request is sent.
        FetchError: the host cannot be resolved.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(url, f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        shown = parts.scheme or "none"
        raise UnsafeURLError(url, f"only http and https URLs are fetched (scheme: {shown})")
    host = parts.hostname
    if not host:
        raise UnsafeURLError(url, "the URL has no host")
    if parts.username or parts.password:
        raise UnsafeURLError(url, "URLs with a user name or password are not fetched")
    addresses = _resolve(url, host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise FetchError(url, f"host {host!r} has no address", transient=True)
    if not allow_private:
        for text in addresses:
            reason = _refusal(ipaddress.ip_address(text))
            if reason:
                raise UnsafeURLError(
                    url,
                    f"host {host!r} resolves to {text}, {reason} address; newsweave only "
                    "fetches public addresses (pass --allow-private / allow_private=True "
                    "to fetch from your own network)",
                )
    return _Target(url, host, addresses[0])


def _direct_url(url: str, address: str) -> str:
    """The URL with its host replaced by the checked address."""
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{host}]" if ":" in host else host
    return literal if parts.port is None else f"{literal}:{parts.port}"


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def fetch(
    url: str, options: FetchOptions | None = None, headers: Mapping[str, str] | None = None
) -> Fetched:
    """GET ``url`` within the limits of ``options``; ``headers`` are added (e.g. If-None-Match).

    Returns:
        The final response (2xx, or 304 when a conditional request found no change).

    Raises:
        UnsafeURLError: the URL or a redirect target is refused (before it is requested).
        FetchError: timeout, connection failure, non-2xx answer, too many redirects, a body
            over ``max_bytes`` or a content type outside ``content_types``; ``transient``
            says whether retrying later may help.
    """
    import httpx

    from newsweave.fetch_deadline import bounded_transport

    opts = options or FetchOptions()
    current = url
    ends = time.monotonic() + opts.deadline
    with httpx.Client(
        timeout=httpx.Timeout(opts.timeout),
        follow_redirects=False,
        trust_env=False,
        transport=bounded_transport(ends),
    ) as client:
        for _ in range(opts.max_redirects + 1):
            target = check_url(current, opts.allow_private)
            request_headers = {
                "User-Agent": opts.user_agent,
                "Accept": ", ".join(opts.content_types) + ", */*;q=0.1",
                **(headers or {}),
                "Host": _host_header(current),
            }
            left = ends - time.monotonic()
            if left <= 0:
                raise _overdue(current, opts)
            try:
                with client.stream(
                    "GET",
                    _direct_url(current, target.address),
                    headers=request_headers,
                    extensions={"sni_hostname": target.host},
                    timeout=httpx.Timeout(min(opts.timeout, left)),
                ) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    return _read(current, response, opts, ends)
            except httpx.TimeoutException:
                if time.monotonic() >= ends:
                    raise _overdue(current, opts) from None
                raise FetchError(
                    current, f"no answer within {opts.timeout:g} s", transient=True
                ) from None
            except httpx.HTTPError as exc:
                raise FetchError(
                    current, f"connection failed ({type(exc).__name__}: {exc})", transient=True
                ) from None
    raise FetchError(url, f"more than {opts.max_redirects} redirects; the last went to {current}")


def _overdue(url: str, opts: FetchOptions) -> FetchError:
    return FetchError(
        url,
        f"the server took more than {opts.deadline:g} s in all (FetchOptions.deadline); "
        "it answers too slowly",
        transient=True,
    )


def _read(url: str, response: httpx.Response, opts: FetchOptions, ends: float) -> Fetched:
    status = response.status_code
    found = {k.lower(): v for k, v in response.headers.items()}
    if status == 304:
        return Fetched(url, status, "", b"", found)
    if not 200 <= status < 300:
        raise FetchError(
            url,
            f"the server answered HTTP {status} {response.reason_phrase}",
            transient=status >= 500 or status == 429,
        )
    media = _media_type(found.get("content-type", ""))
    if opts.content_types and media not in opts.content_types:
        raise FetchError(
            url,
            f"content type {media or '(none)'} is not one of {', '.join(opts.content_types)}",
        )
    declared = found.get("content-length", "")
    if declared.isdigit() and int(declared) > opts.max_bytes:
        raise FetchError(
            url, f"the body is {int(declared):,} bytes, over the {opts.max_bytes:,}-byte limit"
        )
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if time.monotonic() > ends:
            raise _overdue(url, opts)
        if len(body) > opts.max_bytes:
            raise FetchError(url, f"the body is over the {opts.max_bytes:,}-byte limit")
    return Fetched(url, status, media, bytes(body), found)
