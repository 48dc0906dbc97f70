"""The README's architecture table ("How it works") matches the tree: every file it names
exists where its row says, and every module and package of src/newsweave, and every module
inside a package (static files aside), is named in it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "newsweave"
_NAME = re.compile(r"`([\w./-]+)`")
_FILE = re.compile(r"^[\w/]+\.(?:py|css|js|html)$|^\w+/$")
_SKIP = {"__init__.py", "py.typed", "__pycache__"}


def _rows() -> list[tuple[list[str], list[str]]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## How it works") : text.index("## Example corpus")]
    rows = []
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not cells[1].strip().startswith("`"):
            continue
        owners = [n for n in _NAME.findall(cells[1]) if _FILE.match(n)]
        named = [n for n in _NAME.findall(cells[2]) if _FILE.match(n)]
        rows.append((owners, named))
    assert rows, "the architecture table was not found in README.md"
    return rows


def test_every_named_path_exists() -> None:
    missing = []
    for owners, named in _rows():
        folders = [PACKAGE / o for o in owners if o.endswith("/")] + [PACKAGE]
        missing += [o for o in owners if not (PACKAGE / o).exists()]
        missing += [n for n in named if not any((f / n).exists() for f in folders)]
    assert not missing, f"README names paths that src/newsweave does not have: {missing}"


def test_every_module_and_package_is_described() -> None:
    rows = _rows()
    top = {o.rstrip("/") for owners, _ in rows for o in owners}
    entries = {p.name for p in PACKAGE.iterdir() if p.name not in _SKIP}
    assert not entries - top, f"not in the README's table: {sorted(entries - top)}"
    undescribed = []
    for owners, named in rows:
        for owner in (o for o in owners if o.endswith("/")):
            folder = PACKAGE / owner
            if not (folder / "__init__.py").exists():
                continue  # web/: the page's static files
            for path in sorted(folder.iterdir()):
                if path.name in _SKIP:
                    continue
                name = f"{path.name}/" if path.is_dir() else path.name
                if (path.is_dir() or path.suffix == ".py") and name not in named:
                    undescribed.append(f"{owner}{name}")
    assert not undescribed, f"modules the README's table does not name: {undescribed}"
