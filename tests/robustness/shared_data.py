"""Readers of ../shared/data for tests; each skips (or fails under CI) when the data is absent."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import shared_path


def ecbplus_documents() -> list[dict[str, Any]]:
    """Every ECB+ document record (see ../shared/data/README.md)."""
    path = shared_path("data", "ecbplus", "documents.jsonl")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
