"""What every detector shares: sides of a discrepancy, clauses, content words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsweave.model import Sentence

_CLAUSE_BREAK = re.compile(
    r";|:|\s[-–—]\s|\(|\)|,\s+(?:while|whereas|but|and|compared|against|up from|down from)\b"
    r"|\s(?:while|whereas|but|compared with|versus|vs\.?)\s"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
STOP = frozenset(
    """
    a an the and or but if of to in on at by for with from as into than that this these those
    it its is are was were be been being am do does did have has had will would shall should
    can could may might must not no he him his she her they them their there here what which
    who whom whose so very just also then about up out over all any some such said says say
    told according more most other per cent percent people year years day days week weeks
    month months new last first one two three four five six seven eight nine ten
    """.split()
)


def unique(sentences: Sequence[Sentence]) -> list[Sentence]:
    return list({(s.span.article_id, s.span.start): s for s in sentences}.values())


def clearest(sentences: Sequence[Sentence]) -> str:
    return min(sentences, key=lambda s: (len(s.text) > 320, len(s.text))).text


def clause_at(sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The clause of ``sentence`` holding article offsets ``[start, end)``, as offsets into
    the sentence text: cut at semicolons, colons, dashes, brackets and contrastive joins."""
    text = sentence.text
    local_start, local_end = start - sentence.span.start, end - sentence.span.start
    lo, hi = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= local_start:
            lo = m.end()
        elif m.start() >= local_end:
            hi = m.start()
            break
    return lo, hi


def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def content_words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in STOP and len(w) > 2}


def years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def overlap(a: set[str], b: set[str]) -> float:
    """Shared share of the smaller set (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
