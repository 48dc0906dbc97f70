"""Property: reading arbitrary bytes never raises, and every article has text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.ingest import IngestOptions, read_path
from newsweave.model import IngestStatus

OPTIONS = IngestOptions(min_chars=1)

# Bytes that look a little like each format, so the readers get past the first checks.
_FRAGMENTS = st.sampled_from(
    [
        b"title: T\n", b"date: 2024-01-01\n", b" date 2025-10-26 ", b"\n\n", b"KUALA LUMPUR: ",
        b"<p>", b"</p>", b"<html><body>", b"<a href='/x'>", b"<script>", b"{\"text\": \"",
        b"\"}\n", b"<?xml version='1.0'?><rss><channel><item><description>", b"</item>",
        b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"Advertisement\n", "caf\u00e9 \u2014 ".encode(),
        b"The council voted on Tuesday. ",
    ]
)  # fmt: skip
_CONTENT = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=20)), max_size=25).map(b"".join),
    st.text(max_size=300).map(lambda s: s.encode("utf-8")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=_CONTENT, suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".xml", ""]))
def test_read_path_never_raises(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        outcomes = read_path(path, OPTIONS)
    assert outcomes
    for outcome in outcomes:
        if outcome.status is IngestStatus.REJECTED:
            assert outcome.reason
        else:
            assert outcome.article is not None
            assert outcome.article.text.strip()
            assert outcome.article.text == outcome.article.text.strip()
