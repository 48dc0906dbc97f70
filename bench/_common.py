"""Helpers shared by the benchmark scripts: detokenising corpus text, tokenising for ROUGE.

Research corpora ship their text tokenised ("the actress 's rep", "`` We appreciate ... ''",
"-LRB- WHO -RRB-"). newsweave reads news as written, so the benchmarks feed it a reasonable
reconstruction of the original text and keep, for every token, where it lies in that text,
so gold annotations that point at tokens can be located in what newsweave saw.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Penn Treebank escapes and quote tokens -> the characters a news site prints.
_REPLACE = {
    "``": "“",
    "''": "”",
    "`": "‘",
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
}
# Tokens written against the previous token (no space before them).
_ATTACH_LEFT = frozenset(
    {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "”", "'", "...", "n't", "N'T"}
)
_CLITIC = re.compile(r"^'(?:s|S|re|RE|ve|VE|ll|LL|d|D|m|M)$")
# Tokens written against the next token (no space after them).
_ATTACH_RIGHT = frozenset({"(", "[", "{", "“", "‘", "$", "#"})


def detokenize(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join ``tokens`` as running text; return the text and each token's ``(start, end)``.

    Empty tokens get an empty range at the current position.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    glue_next = True  # no space before the first token
    for raw in tokens:
        tok = _REPLACE.get(raw, raw)
        if not tok:
            offsets.append((pos, pos))
            continue
        glue = glue_next or tok in _ATTACH_LEFT or bool(_CLITIC.match(tok))
        if not glue:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
        glue_next = tok in _ATTACH_RIGHT
    return "".join(parts), offsets


_ROUGE_TOKEN = re.compile(
    r"``|''|\d+(?:,\d{3})+(?:\.\d+)?|\w+(?=n't\b)|n't|'(?:s|re|ve|ll|d|m)\b"
    r"|\w+(?:[-.]\w+)*|[^\w\s]"
)


def rouge_tokens(text: str) -> str:
    """``text`` split into space-separated tokens in the corpora's style, for ROUGE counts.

    Quote characters become the PTB forms the gold timelines use, so they are treated alike.
    """
    text = text.replace("“", "``").replace("”", "''").replace("’", "'").replace("‘", "`")
    return " ".join(_ROUGE_TOKEN.findall(text))


def bcubed(pred: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering; ``pred[i]``/``gold[i]`` are the
    cluster ids of item ``i``. Items of different groups (stories) must use distinct ids."""
    if not pred:
        return 0.0, 0.0, 0.0
    pred_members: dict[object, set[int]] = {}
    gold_members: dict[object, set[int]] = {}
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pred_members.setdefault(p, set()).add(i)
        gold_members.setdefault(g, set()).add(i)
    precision = recall = 0.0
    for p, g in zip(pred, gold, strict=True):
        both = len(pred_members[p] & gold_members[g])
        precision += both / len(pred_members[p])
        recall += both / len(gold_members[g])
    precision /= len(pred)
    recall /= len(pred)
    return precision, recall, f1(precision, recall)


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
