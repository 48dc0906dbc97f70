"""The web assets route serves its own folder and nothing else, however the path is spelled.

Requests go out through ``http.client`` so the request target reaches the server byte for byte
(httpx would resolve the ``..`` segments before sending). Each answer must be a 404 with the
error envelope, and must not carry the text of the file it aimed at.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]

# Text that only the targeted files hold.
LEAKS = ("[project]", "root:x:0:", "def create_app", "__all__")

UP = ["../" * n for n in (1, 3, 6)]
TARGETS = [
    *(f"/web/{up}pyproject.toml" for up in UP),
    *(f"/web/{up}etc/passwd" for up in ("../" * 8,)),
    "/web/../api/app.py",
    "/web/../__init__.py",
    "/web/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/web/%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/web/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/web/%2e%2e%2fapi%2fapp.py",
    "/web/..%2fapi/app.py",
    "/web/%252e%252e%252f%252e%252e%252f%252e%252e%252fpyproject.toml",
    "/web/%252e%252e/%252e%252e/%252e%252e/pyproject.toml",
    "/web//etc/passwd",
    "/web/%2fetc%2fpasswd",
    f"/web/{REPO / 'pyproject.toml'}",
    f"/web/%2f{str(REPO / 'pyproject.toml').lstrip('/').replace('/', '%2f')}",
    "/web/..\\..\\..\\pyproject.toml",
    "/web/..%5c..%5c..%5cpyproject.toml",
    "/web/%5c..%5capi%5capp.py",
    "/web/\\etc\\passwd",
    "/web/app.js/../../api/app.py",
    "/web/./../api/app.py",
    "/web/.%2e/api/app.py",
    "/../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/web/..;/api/app.py",
    "/web/%c0%ae%c0%ae/%c0%ae%c0%ae/pyproject.toml",
]


def raw_get(url: str, target: str) -> tuple[int, bytes]:
    """GET ``target`` exactly as written (no client-side normalisation)."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_assets_are_served(service: Any) -> None:
    """The control: the same route does serve what is in the web folder."""
    status, body = raw_get(service.url, "/web/app.js")
    assert status == 200 and body
    status, body = raw_get(service.url, "/web/./style.css")
    assert status == 200 and body


@pytest.mark.parametrize("target", TARGETS)
def test_nothing_outside_the_assets_is_served(service: Any, target: str) -> None:
    status, body = raw_get(service.url, target)
    text = body.decode("utf-8", errors="replace")
    assert not any(leak in text for leak in LEAKS), (target, status, text[:200])
    assert status == 404, (target, status, text[:200])
    envelope = json.loads(body)
    assert envelope["error"]["code"] == "not_found"
    assert set(envelope["error"]) == {"code", "message", "detail"}
