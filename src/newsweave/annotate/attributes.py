"""spaCy's attribute ruler, applied from a table.

The English pipeline's ``attribute_ruler`` maps each token's tag (and for a few exceptions its
lower-case form, dependency label or the next token) to its coarse part of speech,
morphology and some lemmas, through spaCy's ``Matcher`` over 179 patterns: a tenth of the deep
pass. Almost every pattern is one token with an equality on ``TAG`` or ``LOWER``, so the
rules are indexed by those values and each token is tested only against the rules its tag or
its lower-case form selects (and the few that need neither). The rules are the component's
own, read from it, and applied in its order (a later rule overrides an earlier one, as in
``AttributeRuler.match``); the values are the ones it would set (tests compare).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsweave.annotate.models import load_nlp

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc

_Test = Callable[[Any], bool]
_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")


@dataclass(frozen=True, slots=True)
class _Rule:
    order: int  # the rule's position among the component's patterns
    tokens: tuple[tuple[tuple[int, _Test], ...], ...]  # per pattern token: (key, test) pairs
    index: int  # the token of the match the values are set on
    values: tuple[tuple[int, int], ...]  # (attribute id, value)


def _test(value: Any) -> _Test:
    if isinstance(value, dict):
        ((op, arg),) = value.items()
        if op == "IN":
            allowed = frozenset(arg)
            return lambda v: v in allowed
        if op == "NOT_IN":
            banned = frozenset(arg)
            return lambda v: v not in banned
        if op == "REGEX":
            pattern = re.compile(arg)
            return lambda v: pattern.search(v) is not None
        raise ValueError(f"attribute ruler: predicate {op!r} is not supported")
    return lambda v: v == value


@dataclass(frozen=True, slots=True)
class _Table:
    by_tag: dict[str, tuple[_Rule, ...]]
    by_lower: dict[str, tuple[_Rule, ...]]
    general: tuple[_Rule, ...]  # rules whose first token tests neither tag nor form by value


def _index_values(first: dict[str, Any], key: str) -> list[str] | None:
    value = first.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return None


@lru_cache(maxsize=1)
def _table() -> _Table:
    ruler: Any = load_nlp().get_pipe("attribute_ruler")
    by_tag: dict[str, list[_Rule]] = defaultdict(list)
    by_lower: dict[str, list[_Rule]] = defaultdict(list)
    general: list[_Rule] = []
    for order, spec in enumerate(ruler.patterns):
        values = tuple((int(a), int(v)) for a, v in ruler.attrs[order].items())
        for pattern in spec["patterns"]:
            if any(set(tok) - set(_KEYS) for tok in pattern):
                raise ValueError(f"attribute ruler: pattern {pattern!r} is not supported")
            tokens = tuple(
                tuple((_KEYS.index(k), _test(v)) for k, v in tok.items()) for tok in pattern
            )
            rule = _Rule(order, tokens, int(spec["index"]), values)
            lowers = _index_values(pattern[0], "LOWER")
            tags = _index_values(pattern[0], "TAG")
            if lowers is not None:
                for word in lowers:
                    by_lower[word].append(rule)
            elif tags is not None:
                for tag in tags:
                    by_tag[tag].append(rule)
            else:
                general.append(rule)
    return _Table(
        {k: tuple(v) for k, v in by_tag.items()},
        {k: tuple(v) for k, v in by_lower.items()},
        tuple(general),
    )


def _matches(rule: _Rule, start: int, keys: Sequence[tuple[str, str, str, bool]]) -> bool:
    if start + len(rule.tokens) > len(keys):
        return False
    return all(test(keys[start + n][key]) for n, tok in enumerate(rule.tokens) for key, test in tok)


def apply_attributes(doc: Doc, attrs: Sequence[int], values: Any) -> None:
    """Write what the attribute ruler would set on ``doc`` (tagged and parsed) into
    ``values``, the rows of ``doc``'s tokens for the attribute ids ``attrs`` (which must
    hold every attribute a rule sets)."""
    table = _table()
    keys = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in doc]
    column = {a: n for n, a in enumerate(attrs)}
    found: list[tuple[int, int, _Rule]] = []
    for i, (tag, lower, _dep, _space) in enumerate(keys):
        for rule in (*table.by_lower.get(lower, ()), *table.by_tag.get(tag, ()), *table.general):
            if _matches(rule, i, keys):
                found.append((rule.order, i, rule))
    found.sort(key=lambda item: (item[0], item[1]))
    for _order, start, rule in found:
        row = start + rule.index
        for attr, value in rule.values:
            values[row, column[attr]] = value
