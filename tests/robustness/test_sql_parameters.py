"""SQL is built only with parameters: an AST scan of every execute() call in src/newsweave.

The SQL text handed to ``execute``, ``executemany`` or ``executescript`` must be made of
string constants. The only pieces allowed in an f-string or a ``+`` are those in
:data:`SAFE_PARTS`, each with the reason it cannot carry input; a name is followed to its
assignment or ``for`` loop in the same function or module. ``%`` formatting is never allowed.
A helper that takes a SQL fragment as a parameter (``where``) is allowed only when every call
of it passes constants, which is checked too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "newsweave"
EXECUTE = frozenset({"execute", "executemany", "executescript"})

SAFE_PARTS: dict[str, str] = {
    "_SELECT_ANNOTATED": "store/sqlite.py: a module constant, a SELECT over fixed columns",
    "', '.join(_ARTICLE_FIELDS)": "store/sqlite.py: the fixed column names (module tuple)",
    "', '.join('?' * len(_ARTICLE_FIELDS))": "one ? placeholder per fixed column",
    "', '.join((f'{k} = ?' for k in fields))": "update_article: columns of _ARTICLE_FIELDS",
    "int(number) + 1": "store/schema.py: the migration number, an int (PRAGMA takes no ?)",
    "where": "a WHERE clause parameter; every caller passes a constant (see SQL_PARAMETERS)",
}
# Helpers whose parameter is a SQL fragment: (function name, parameter position).
SQL_PARAMETERS = {"_stories": 0, "_states": 0}


@dataclass
class _Scope:
    """What names mean in one function (or the module): assigned values, loop sources."""

    values: dict[str, list[ast.expr]] = field(default_factory=dict)
    parent: _Scope | None = None

    def lookup(self, name: str) -> list[ast.expr] | None:
        if name in self.values:
            return self.values[name]
        return self.parent.lookup(name) if self.parent else None


def _bind(scope: _Scope, target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        scope.values.setdefault(target.id, []).append(value)
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:  # "for name, sql in (...)": each gets the whole source
            _bind(scope, element, value)


def _scope_of(node: ast.AST, parent: _Scope | None) -> _Scope:
    scope = _Scope(parent=parent)
    body = node.body if isinstance(node, ast.Module | ast.FunctionDef) else []
    for child in body:
        for sub in ast.walk(child):
            if sub is not child and isinstance(sub, ast.FunctionDef | ast.Lambda):
                continue
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    _bind(scope, target, sub.value)
            elif isinstance(sub, ast.AnnAssign) and sub.value is not None:
                _bind(scope, sub.target, sub.value)
            elif isinstance(sub, ast.For):
                _bind(scope, sub.target, sub.iter)
    return scope


def _safe(node: ast.expr, scope: _Scope, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``node`` is SQL text that no input can reach."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | int)
    if ast.unparse(node) in SAFE_PARTS:
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe(part, scope, seen) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        return _safe(node.value, scope, seen)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left, scope, seen) and _safe(node.right, scope, seen)
    if isinstance(node, ast.Tuple | ast.List):  # a literal a loop runs over
        return all(_safe(element, scope, seen) for element in node.elts)
    if isinstance(node, ast.Name) and node.id not in seen:
        values = scope.lookup(node.id) or []
        return bool(values) and all(_safe(v, scope, seen | {node.id}) for v in values)
    return False  # % formatting, calls, attributes, subscripts: anything else


def unsafe_sql(source: str, filename: str = "<src>") -> list[str]:
    """``file:line: SQL`` for every execute() whose SQL is not built from constants."""
    tree = ast.parse(source, filename)
    module = _scope_of(tree, None)
    found: list[str] = []

    def visit(node: ast.AST, scope: _Scope) -> None:
        for child in ast.iter_child_nodes(node):
            inner = _scope_of(child, scope) if isinstance(child, ast.FunctionDef) else scope
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                name = child.func.attr
                position = 0 if name in EXECUTE else SQL_PARAMETERS.get(name)
                if position is not None and len(child.args) > position:
                    sql = child.args[position]
                    if not _safe(sql, scope):
                        found.append(f"{filename}:{child.lineno}: {ast.unparse(sql)[:80]}")
            visit(child, inner)

    visit(tree, module)
    return found


def test_every_execute_in_src_uses_parameters() -> None:
    checked = 0
    problems: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "execute" not in source:
            continue
        checked += 1
        problems.extend(unsafe_sql(source, str(path.relative_to(SRC))))
    assert checked >= 2, "expected the SQLite store and its schema to run SQL"
    assert not problems, "SQL built from non-constant pieces:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "def f(c, name):\n    c.execute(f'SELECT * FROM t WHERE name = {name}')",
        "def f(c, name):\n    c.execute('SELECT * FROM t WHERE name = ' + name)",
        "def f(c, name):\n    c.execute('SELECT * FROM t WHERE name = %s' % name)",
        "def f(c, name):\n    c.execute('SELECT * FROM t WHERE name = {}'.format(name))",
        "def f(c, name):\n    sql = 'SELECT ' + name\n    c.executemany(sql, [])",
        "def f(self, name):\n    self._stories(f'WHERE id = {name}', ())",
        "def f(c, rows):\n    for sql in rows:\n        c.executescript(sql)",
    ],
    ids=["f-string", "concat", "percent", "format", "via-name", "fragment-helper", "loop"],
)
def test_the_scan_catches_sql_built_from_input(source: str) -> None:
    assert unsafe_sql(source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(c, name):\n    c.execute('SELECT * FROM t WHERE name = ?', (name,))",
        "Q = ('CREATE TABLE a (x)', 'CREATE TABLE b (y)')\n"
        "def f(c):\n    for statement in Q:\n        c.execute(statement)",
        "def f(c):\n    sql = ('SELECT 1 ' 'FROM t')\n    c.execute(sql + ' LIMIT ?', (1,))",
    ],
    ids=["parameter", "module-tuple", "constant-name"],
)
def test_the_scan_accepts_constants(source: str) -> None:
    assert unsafe_sql(source) == []
