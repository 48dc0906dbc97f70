"""No regular expression in newsweave backtracks without limit on untrusted text.

Every pattern of the package (compiled at module level, or a literal handed to a ``re``
function anywhere in ``src``) runs over adversarial strings at two sizes, 16x apart: runs of
one character, and runs of the pattern's own words and punctuation, each ending in a character
that makes the match fail. A linear pattern takes about 16x longer on the longer string; one
that backtracks quadratically takes about 256x and is reported, with the string that shows it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsweave

SRC = Path(newsweave.__file__).resolve().parent
SMALL, LARGE = 1_000, 16_000
# CPU seconds on the large string below which a pattern is fast whatever its ratio (timer noise
# and a loaded machine: a linear pattern with a match every two characters takes ~50 ms here).
# CPU time, not wall time: the machine is shared.
FLOOR = 0.15
MAX_RATIO = 64.0  # 16x the size; linear gives ~16 (more under load), quadratic ~256
# Patterns that are super-linear but only ever see text of bounded length, and that bound.
BOUNDED = {
    "newsweave.annotate.entities._TITLE_TAIL": "the 80 characters before a name",
    "newsweave.fuse.clauses._LEANING": "match() at one clause start: the length of one word",
    "newsweave.ingest.detect._WIRE": "the first 400 characters (DATELINE_CHARS), with match()",
    "newsweave.ingest.detect._CAPS": "the first 400 characters (DATELINE_CHARS), with match()",
    "newsweave.ingest.detect._LINE": "the first 400 characters (DATELINE_CHARS), with match()",
}
_RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "split"}


def _module_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for info in pkgutil.walk_packages(newsweave.__path__, "newsweave."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue
        for name, value in vars(module).items():
            for item in _flatten(value):
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    yield f"{info.name}.{name}", item


def _flatten(value: object, depth: int = 0) -> Iterator[object]:
    yield value
    if depth >= 2:
        return
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _flatten(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item, depth + 1)


def _literal_patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Patterns written inline: ``re.sub(r"...", ...)`` with a literal first argument."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _RE_FUNCTIONS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            flags = 0
            given = [k.value for k in node.keywords if k.arg == "flags"]
            if node.func.attr == "compile" and len(node.args) > 1:
                given.append(node.args[1])
            for value in given:
                for flag in ast.walk(value):
                    if isinstance(flag, ast.Attribute):
                        flags |= getattr(re, flag.attr, 0)
            name = f"{path.relative_to(SRC)}:{node.lineno}"
            yield name, re.compile(node.args[0].value, flags)


def _all_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}
    for name, pattern in (*_module_patterns(), *_literal_patterns()):
        found.setdefault((pattern.pattern, pattern.flags), (name, pattern))
    return {name: pattern for name, pattern in found.values()}


_PATTERNS = _all_patterns()


def _pieces(pattern: str) -> list[str]:
    """Characters and words of the pattern's own source, and some usual suspects."""
    words = re.findall(r"[A-Za-z]{2,}", pattern)[:12]
    punctuation = sorted(set(re.findall(r"[^\w\s\\]", pattern)))[:12]
    usual = [" ", "a", "A", "1", ".", "-", "'", '"', "\t", "a ", "1 ", "A. ", "\u201c", "\xa0"]
    return list(dict.fromkeys([*usual, *words, *(w + " " for w in words), *punctuation]))


def _adversarial(piece: str, size: int) -> Iterator[str]:
    run = piece * max(1, size // len(piece))
    yield run + "\x00"
    yield "x: " + run + "\x00y"
    yield "title: x" + run + "y"  # a header line padded with 200,000 spaces once took 193 s
    yield "A " + run + "\x00"


def _seconds(pattern: re.Pattern[str], text: str) -> float:
    started = time.process_time()
    for _ in pattern.finditer(text):
        pass
    pattern.match(text)
    return time.process_time() - started


def test_the_package_has_patterns_to_check() -> None:
    assert len(_PATTERNS) > 50, sorted(_PATTERNS)
    assert any(n.startswith("newsweave.ingest.text") for n in _PATTERNS)


@pytest.mark.parametrize("name", sorted(_PATTERNS))
def test_pattern_is_linear_on_adversarial_text(name: str) -> None:
    if name in BOUNDED:
        pytest.skip(f"super-linear, but only run on {BOUNDED[name]}")
    pattern = _PATTERNS[name]
    for piece in _pieces(pattern.pattern):
        for small, large in zip(
            _adversarial(piece, SMALL), _adversarial(piece, LARGE), strict=True
        ):
            slow = _seconds(pattern, large)
            if slow < FLOOR:
                continue
            # Confirm before blaming: the best of three timings of each size.
            slow = min(slow, _seconds(pattern, large), _seconds(pattern, large))
            fast = max(min(_seconds(pattern, small) for _ in range(3)), 1e-6)
            assert slow < FLOOR or slow / fast < MAX_RATIO, (
                f"{name} ({pattern.pattern!r}) takes {slow:.2f} s on {len(large):,} characters "
                f"built from {piece!r}, {slow / fast:.0f}x its time on {len(small):,}: it "
                "backtracks super-linearly; rewrite it (strip in Python, possessive or atomic "
                "groups, no nested quantifiers)"
            )
