"""Safe fetching: addresses that are not public are refused before any request is sent, and
timeouts, size, content type, redirects and HTTP errors end in clear FetchErrors."""

from __future__ import annotations

from typing import Any

import pytest

from newsweave import __version__
from newsweave.fetch import FEED_TYPES, FetchError, FetchOptions, UnsafeURLError, check_url, fetch

LOCAL = FetchOptions(allow_private=True, timeout=2.0)


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("http://127.0.0.1:{port}/page.html", "loopback"),
        ("http://localhost:{port}/page.html", "loopback"),
        ("http://[::1]:{port}/page.html", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/page.html", "loopback"),
        ("http://0.0.0.0:{port}/page.html", "unspecified"),
        ("http://10.1.2.3/page.html", "private"),
        ("http://192.168.0.10/page.html", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/page.html", "link-local"),
        ("http://224.0.0.1/page.html", "multicast"),
        ("http://100.64.0.1/page.html", "non-public"),
    ],
)
def test_non_public_addresses_are_refused_before_connecting(
    site: Any, template: str, words: str
) -> None:
    site.routes["/page.html"] = (200, {"Content-Type": "text/html"}, b"<p>secret</p>")
    url = template.format(port=site.url.rsplit(":", 1)[1])
    with pytest.raises(UnsafeURLError, match=words) as caught:
        fetch(url, FetchOptions(timeout=1.0))
    assert "--allow-private" in str(caught.value)
    assert site.requests == []  # nothing was sent


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.org/feed.xml", "only http and https"),
        ("http://user:pw@example.org/", "user name or password"),
        ("http:///nohost", "no host"),
    ],
)
def test_other_refusals(url: str, words: str) -> None:
    with pytest.raises(UnsafeURLError, match=words):
        check_url(url)


def test_allow_private_fetches_with_a_polite_user_agent(site: Any) -> None:
    site.routes["/page.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>hi</p>")
    got = fetch(f"{site.url}/page.html", LOCAL)
    assert got.status == 200 and got.content == b"<p>hi</p>" and got.content_type == "text/html"
    assert site.requests[0][1]["user-agent"].startswith(f"newsweave/{__version__}")


def test_redirects_are_followed_and_checked(site: Any) -> None:
    site.routes["/old"] = (302, {"Location": "/new"}, b"")
    site.routes["/new"] = (200, {"Content-Type": "text/html"}, b"<p>moved</p>")
    assert fetch(f"{site.url}/old", LOCAL).url == f"{site.url}/new"
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{site.url}/loop", LOCAL)


@pytest.mark.parametrize(
    ("route", "options", "words", "transient"),
    [
        ((404, {"Content-Type": "text/html"}, b"gone"), LOCAL, "HTTP 404", False),
        ((503, {"Content-Type": "text/html"}, b"busy"), LOCAL, "HTTP 503", True),
        ((200, {"Content-Type": "image/png"}, b"\x89PNG"), LOCAL, "content type image/png", False),
        (
            (200, {"Content-Type": "text/html"}, b"x" * 5000),
            FetchOptions(allow_private=True, max_bytes=1000),
            "over the 1,000-byte limit",
            False,
        ),
    ],
)
def test_fetch_errors(
    site: Any, route: Any, options: FetchOptions, words: str, transient: bool
) -> None:
    site.routes["/thing"] = route
    with pytest.raises(FetchError, match=words) as caught:
        fetch(f"{site.url}/thing", options)
    assert caught.value.transient is transient
    assert caught.value.url == f"{site.url}/thing"


def test_timeout_and_refused_connection_are_transient(site: Any) -> None:
    site.routes["/slow"] = (200, {"Content-Type": "text/html"}, b"late")
    site.delay = 1.0
    with pytest.raises(FetchError, match=r"no answer within 0\.3 s") as caught:
        fetch(f"{site.url}/slow", FetchOptions(allow_private=True, timeout=0.3))
    assert caught.value.transient
    with pytest.raises(FetchError, match="connection failed") as refused:
        fetch("http://127.0.0.1:9/", LOCAL)
    assert refused.value.transient


def test_feed_types_accept_feeds(site: Any) -> None:
    site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
    assert fetch(f"{site.url}/feed", FetchOptions(allow_private=True, content_types=FEED_TYPES))
