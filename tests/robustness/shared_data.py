"""Readers of ../shared/data for tests: each skips the test with a one-line reason when absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared evaluation data), which is absent")
    return path


def ecbplus_documents() -> list[dict[str, Any]]:
    """Every ECB+ document record (see ../shared/data/README.md)."""
    path = _require(DATA / "ecbplus" / "documents.jsonl")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
