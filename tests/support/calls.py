"""Counting Python function calls: a measure of work that a loaded machine does not move, for
the tests that hold a stage linear (calls at size n and 2n, not wall time)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any


def count_calls(fn: Callable[[], object], skip: CodeType | None = None) -> int:
    """Python function calls made while ``fn`` runs, those under ``skip`` left out."""
    count = 0
    inside = 0

    def hook(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count, inside
        if frame.f_code is skip:
            inside += 1 if event == "call" else -1 if event == "return" else 0
        elif event == "call" and not inside:
            count += 1

    sys.setprofile(hook)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def count_lines(fn: Callable[[], object], within: str | None = None) -> int:
    """Python lines executed while ``fn`` runs, each turn of a loop counted again (comprehensions
    included): unlike calls, this sees a loop over a whole list inside one call. ``within``: only
    the lines of that source file (a stage's own loops, not the helpers it calls)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return tracer if within is None or frame.f_code.co_filename == within else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count
