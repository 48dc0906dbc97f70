"""The HTTP API in its real server process on loopback: every endpoint, paging, search,
filters, auth on writes, the size limit, and one error envelope for every kind of error."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from newsweave.api import ApiConfig, create_app
from newsweave.api.schema import BriefOut, ErrorOut, Health, StoryPage
from newsweave.codec import brief_to_dict
from newsweave.pipeline import stored_brief
from newsweave.store import open_store

ENVELOPE_KEYS = {"code", "message", "detail"}


def envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the one error envelope with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ENVELOPE_KEYS
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and len(body["error"]["message"]) > 10
    return dict(body["error"])


@pytest.fixture(scope="module")
def client(service: Any) -> Iterator[httpx.Client]:
    with service.client() as c:
        yield c


@pytest.fixture(scope="module")
def rows(client: httpx.Client) -> list[dict[str, Any]]:
    body = client.get("/api/stories", params={"limit": 100}).json()
    return list(body["stories"])


@pytest.fixture(scope="module")
def named(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Story ids by name: the strike (most articles), the decoy inquiry, the museum."""
    return {
        "strike": max(rows, key=lambda r: r["articles"])["story_id"],
        "decoy": next(r["story_id"] for r in rows if "Crane collapse inquiry" in r["headline"]),
        "museum": next(r["story_id"] for r in rows if "Harbour museum" in r["headline"]),
    }


def test_health_and_openapi(client: httpx.Client) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["writes"] is True
    assert health["articles"] == 12 and health["stories"] >= 3
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/stories", "/api/stories/{story_id}", "/api/articles"} <= set(paths)
    assert "post" in paths["/api/articles"] and "get" in paths["/api/articles/{article_id}"]
    Health.model_validate(health)


def test_openapi_documents_the_brief_and_the_real_error_envelope(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(spec)  # FastAPI's shape is never sent
    brief = spec["paths"]["/api/stories/{story_id}"]["get"]["responses"]
    ok = brief["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/BriefOut") and {"article_id", "text", "start", "end"} <= set(
        schemas["Citation"]["properties"]
    )
    assert "code points" in schemas["Citation"]["properties"]["start"]["description"]
    assert {"202", "404", "503"} <= set(brief)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)
    assert set(ErrorOut.model_json_schema()["properties"]) == {"error"}
    body = spec["paths"]["/api/articles"]["post"]["requestBody"]["content"]["application/json"]
    assert {"text", "html", "url"} <= set(body["schema"]["properties"])


def test_api_pages_are_served_by_the_server_itself(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text.replace(
        "https://fastapi.tiangolo.com", ""
    )
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


def test_story_list_rows_newest_first(rows: list[dict[str, Any]], named: dict[str, str]) -> None:
    assert set(rows[0]) == {
        "story_id",
        "headline",
        "lede",
        "articles",
        "sources",
        "independent",
        "discrepancies",
        "first",
        "last",
        "entities",
        "built",
    }
    StoryPage.model_validate(
        {"stories": rows, "total": len(rows), "limit": 100, "offset": 0, "next_offset": None}
    )
    dated = [r["last"] for r in rows if r["last"]]
    assert dated == sorted(dated, reverse=True)
    assert [r["story_id"] for r in rows[:1]] == [named["museum"]]  # 2026-04-02, the newest
    assert sum(r["articles"] for r in rows) == 12


def test_pagination_walks_every_story_once(
    client: httpx.Client, rows: list[dict[str, Any]]
) -> None:
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get("/api/stories", params={"limit": 2, "offset": offset}).json()
        assert page["total"] == len(rows) and page["limit"] == 2 and len(page["stories"]) <= 2
        seen += [r["story_id"] for r in page["stories"]]
        offset = page["next_offset"]
    assert seen == [r["story_id"] for r in rows]
    past = client.get("/api/stories", params={"offset": 50}).json()
    assert past["stories"] == [] and past["next_offset"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "inspections"}, ["decoy"]),
        ({"q": "museum"}, ["museum"]),
        ({"q": "arbitration"}, ["strike"]),
        ({"q": "zzzunheardof"}, []),
        ({"q": '"unbalanced AND ('}, []),  # FTS syntax errors never fail
        ({"since": "2026-03-12", "until": "2026-03-31"}, ["strike"]),
        ({"until": "2026-02-28"}, ["decoy"]),
        ({"source": "gazette"}, ["museum"]),
        ({"entity": "petra han"}, ["strike"]),
        ({"q": "museum", "source": "Courier"}, []),
    ],
)
def test_search_and_filters(
    client: httpx.Client, named: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    body = client.get("/api/stories", params=params).json()
    found = [r["story_id"] for r in body["stories"]]
    assert found[: len(expected)] == [named[name] for name in expected]
    if not expected:
        assert body["total"] == 0
    if "q" in params and expected:
        assert all(r["matches"] >= 1 for r in body["stories"])


def test_brief_is_the_cli_schema(
    client: httpx.Client, service: Any, rows: list[dict[str, Any]], named: dict[str, str]
) -> None:
    got = client.get(f"/api/stories/{named['strike']}").json()
    with open_store(service.db) as store:
        expected = brief_to_dict(stored_brief(store, named["strike"]))
    assert got == expected
    BriefOut.model_validate(got)  # the documented schema, field for field
    # Every citation carries the words it cites: the stored text's code points [start, end).
    texts: dict[str, str] = {}

    def cited(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if {"article_id", "start", "end"} <= set(node) and "text" in node:
                yield node
            for value in node.values():
                yield from cited(value)
        elif isinstance(node, list):
            for value in node:
                yield from cited(value)

    citations = list(cited(got))
    assert len(citations) > 50
    for c in citations:
        if c["article_id"] not in texts:
            article = client.get(f"/api/articles/{c['article_id']}", params={"annotations": False})
            texts[c["article_id"]] = article.json()["article"]["text"]
        assert texts[c["article_id"]][c["start"] : c["end"]] == c["text"]
    assert "code points" in got["offsets"]
    # Once the brief exists, the list shows its headline.
    fresh = client.get("/api/stories", params={"limit": 100}).json()["stories"]
    row = next(r for r in fresh if r["story_id"] == named["strike"])
    assert got["headline"] == row["headline"]
    assert len(got["articles"]) == row["articles"] and got["summary"] and got["timeline"]


def test_article_with_and_without_annotations(client: httpx.Client, named: dict[str, str]) -> None:
    brief = client.get(f"/api/stories/{named['strike']}").json()
    cite = brief["summary"][0]["citations"][0]
    full = client.get(f"/api/articles/{cite['article_id']}").json()
    assert {"article", "sentences", "entities", "quotes", "quantities", "times", "story_id"} <= set(
        full
    )
    assert full["story_id"] == brief["story_id"]
    text = full["article"]["text"]
    assert text[cite["start"] : cite["end"]] == brief["summary"][0]["text"]
    lean = client.get(f"/api/articles/{cite['article_id']}", params={"annotations": "false"})
    assert set(lean.json()) == {"article", "story_id"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/api/nothing-here", {}, 404, "not_found"),
        ("GET", "/api/stories/s-000000000000", {}, 404, "not_found"),
        ("GET", "/api/articles/0000000000000000", {}, 404, "not_found"),
        ("DELETE", "/api/stories", {}, 405, "method_not_allowed"),
        ("GET", "/api/stories", {"params": {"limit": 0}}, 422, "invalid_request"),
        ("GET", "/api/stories", {"params": {"since": "yesterday"}}, 422, "invalid_request"),
        (
            "GET",
            "/api/stories",
            {"params": {"since": "2026-03-02", "until": "2026-03-01"}},
            422,
            "invalid_request",
        ),
        ("POST", "/api/articles", {"json": {"text": "x"}}, 401, "unauthorized"),
        # Without the token, a bad body is refused as unauthorised before it is looked at.
        ("POST", "/api/articles", {"content": b"{not json"}, 401, "unauthorized"),
        ("POST", "/api/articles", {"json": {"colour": "red"}}, 401, "unauthorized"),
        ("POST", "/api/articles", {"json": []}, 401, "unauthorized"),
    ],
)
def test_error_envelope(
    client: httpx.Client,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    error = envelope(client.request(method, path, **kwargs), status, code)
    if status == 422 and "since" not in str(kwargs):
        assert error["detail"] and {"where", "problem"} <= set(error["detail"][0])


def test_errors_never_show_server_paths_or_command_hints(
    client: httpx.Client, service: Any
) -> None:
    answers = [
        client.get("/api/stories/s-000000000000"),
        client.get("/api/articles/0000000000000000"),
        client.get("/api/nothing-here"),
        client.post("/api/articles", json={"text": "Too short."}, headers=auth(service)),
        client.post("/api/articles", json={"text": "x"}),
        client.post("/api/articles", json={"url": "file:///etc/passwd"}, headers=auth(service)),
        client.post("/api/articles", content=b"{bad", headers=auth(service)),
    ]
    for answer in answers:
        message = answer.json()["error"]["message"]
        assert answer.status_code >= 400
        for leak in (str(service.db), str(service.db.parent), "/tmp", "NEWSWEAVE_", "--"):
            assert leak not in message, (answer.request.url, message)
        assert "newsweave " not in message, message


def auth(service: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.token}"}


def test_writes_need_the_token(client: httpx.Client, service: Any) -> None:
    body = {"text": "An article."}
    missing = client.post("/api/articles", json=body)
    assert "token" in envelope(missing, 401, "unauthorized")["message"]
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
    envelope(wrong, 401, "unauthorized")
    # A body the schema rejects still gets 401 first: no validation details without the token.
    for bad in ({"colour": "red"}, {"text": 5}, "not json"):
        sent = {"content": bad} if isinstance(bad, str) else {"json": bad}
        refused = client.post("/api/articles", **sent)
        assert "colour" not in envelope(refused, 401, "unauthorized")["message"]
        assert refused.json()["error"]["detail"] is None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({}, "invalid_request", "exactly one"),
        ({"text": "a", "url": "http://example.org/"}, "invalid_request", "exactly one"),
        ({"text": "a", "colour": "red"}, "invalid_request", "colour"),
        ({"text": "Too short to be news."}, "rejected", "fewer than the minimum"),
        ({"url": "file:///etc/passwd"}, "unsafe_url", "only http and https"),
    ],
)
def test_bad_submissions(
    client: httpx.Client, service: Any, body: dict[str, str], code: str, words: str
) -> None:
    response = client.post("/api/articles", json=body, headers=auth(service))
    error = envelope(response, 422, code)
    assert words in error["message"] or words in json.dumps(error["detail"])


def test_body_size_limit(client: httpx.Client, service: Any) -> None:
    big = {"text": "word " * (service.max_body // 4)}
    error = envelope(
        client.post("/api/articles", json=big, headers=auth(service)), 413, "too_large"
    )
    assert f"{service.max_body:,}" in error["message"]


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 16_384):
        yield data[start : start + 16_384]


def test_body_size_limit_without_length(client: httpx.Client, service: Any) -> None:
    data = json.dumps({"text": "word " * (service.max_body // 4)}).encode()
    response = client.post(
        "/api/articles",
        content=_chunks(data),
        headers={**auth(service), "Content-Type": "application/json"},
    )
    envelope(response, 413, "too_large")


PAGE = """<!doctype html><html><head><title>Ferry timetable returns to normal</title>
<meta property="og:site_name" content="Kessel Evening Post">
<meta property="article:published_time" content="2026-03-16T08:00:00+00:00"></head>
<body><nav>Home | News | Sport</nav><article><h1>Ferry timetable returns to normal</h1>
<p>The Kessel ferry company restored its full timetable on Monday after the end of the
Varnholm port strike, adding four crossings a day to clear the queue of lorries.</p>
<p>Chief executive Anja Berg said the backlog of freight would be gone by Wednesday and that
the company had hired twenty temporary deckhands for the week.</p></article>
<footer>Cookies help us deliver our services.</footer></body></html>"""


def test_submit_text_html_and_url(client: httpx.Client, service: Any, site: Any) -> None:
    text = (
        "Varnholm's harbour pilots said on Monday that they would hold a ballot on new rosters "
        "next month, after the port strike left many of them working double shifts."
    )
    made = client.post(
        "/api/articles",
        json={"text": text, "title": "Pilots to ballot on rosters", "source": "Tide Radio"},
        headers=auth(service),
    )
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["status"] == "ingested" and created["story_id"]
    stored = client.get(f"/api/articles/{created['article_id']}").json()["article"]
    assert stored["title"] == "Pilots to ballot on rosters" and stored["source"] == "Tide Radio"
    again = client.post("/api/articles", json={"text": text}, headers=auth(service))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["article_id"] == created["article_id"]

    site.routes["/ferry.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode())
    by_url = client.post(
        "/api/articles", json={"url": f"{site.url}/ferry.html"}, headers=auth(service)
    )
    assert by_url.status_code == 201, by_url.text
    article = client.get(f"/api/articles/{by_url.json()['article_id']}").json()["article"]
    assert article["url"] == f"{site.url}/ferry.html"
    assert article["title"] == "Ferry timetable returns to normal"
    assert "twenty temporary deckhands" in article["text"] and "Cookies" not in article["text"]
    assert site.requests[0][1]["user-agent"].startswith("newsweave/")

    missing = client.post(
        "/api/articles", json={"url": f"{site.url}/gone.html"}, headers=auth(service)
    )
    assert "HTTP 404" in envelope(missing, 502, "fetch_failed")["message"]

    as_html = client.post(
        "/api/articles",
        json={"html": PAGE.replace("Monday", "Tuesday")},
        headers=auth(service),
    )
    assert as_html.status_code == 201, as_html.text


# --- an in-process server (real uvicorn on loopback) for what the shared one cannot show -----


@pytest.fixture(scope="module")
def tokenless(service: Any) -> Iterator[str]:
    """The same store served with no token configured, plus a route that fails."""
    import uvicorn

    app = create_app(ApiConfig(db=service.db, token=""))

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_no_token_refuses_writes_and_bugs_get_the_envelope(tokenless: str) -> None:
    with httpx.Client(base_url=tokenless, trust_env=False) as c:
        refused = c.post("/api/articles", json={"text": "x"}, headers={"Authorization": "Bearer a"})
        assert "no token is configured" in envelope(refused, 403, "forbidden")["message"]
        assert c.get("/api/health").json()["writes"] is False
        error = envelope(c.get("/api/boom"), 500, "internal")
        assert "a bug" not in error["message"]  # internals stay in the server log
