"""Whether two quotations render the same words, and which of their words line up.

Two renderings are one quotation only when their quoted words align: most of the shorter one's
content words appear in the longer one in the same order, close together. Contractions are
expanded first ("won't" = "will not"), so a rendering that spells them out is the same
wording. Different sentences of one statement share a few words at most and do not align.

The alignment says which part of each rendering corresponds to the other (``window_a``,
``window_b``) and which words differ inside it (``changed_a``, ``changed_b``): a negation or a
tense counts as a change of meaning only there, never in words one rendering has and the other
simply does not quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*(?:'[a-z]+)?")
_CONTRACTIONS = {
    "won't": ("will", "not"),
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}
_SUFFIXES = {"'ll": "will", "'re": "are", "'ve": "have", "'m": "am", "'d": "would"}
FUNCTION_WORDS = frozenset(
    """
    a an the and or but if of to in on at by for with from as into than that this these those
    it its it's is are was were be been being am do does did doing have has had having will
    would shall should can could may might must not no i me my we us our you your he him his
    she her they them their there here what which who whom whose so very just also too then
    about up out over all any some such own same other more most s t
    """.split()
)


def words(text: str) -> list[str]:
    """Lower-case words with contractions expanded: "We won't" -> ["we", "will", "not"]."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower().replace("’", "'").replace("‘", "'")):
        if tok in _CONTRACTIONS:
            out.extend(_CONTRACTIONS[tok])
        elif tok.endswith("n't"):
            out.extend((tok[:-3] or "not", "not"))
        elif "'" in tok and tok[tok.index("'") :] in _SUFFIXES:
            out.extend((tok[: tok.index("'")], _SUFFIXES[tok[tok.index("'") :]]))
        elif tok.endswith("'s"):
            out.append(tok[:-2])
        else:
            out.append(tok)
    return out


def _stem(word: str) -> str:
    """A crude stem so that "reach" and "reached", "talk" and "talks" line up."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content(ws: list[str]) -> list[str]:
    return [w for w in ws if w not in FUNCTION_WORDS]


def vocabulary(text: str) -> set[str]:
    """Stems of the content words: a bound on how much two renderings can align."""
    return {_stem(w) for w in content(words(text))}


@dataclass(frozen=True, slots=True)
class Alignment:
    """How two renderings line up (word indices into ``words`` of each text).

    share: matched content words / content words of the shorter rendering.
    density: matched content words / content words inside the longer one's aligned window
        (low when the matches are scattered over a longer text).
    """

    words_a: tuple[str, ...]
    words_b: tuple[str, ...]
    window_a: tuple[int, int]
    window_b: tuple[int, int]
    changed_a: tuple[str, ...]
    changed_b: tuple[str, ...]
    share: float
    density: float
    matched: int  # matched content words
    shorter: int  # content words of the shorter rendering

    @property
    def contained(self) -> bool:
        """The shorter rendering is (nearly) all inside the longer one."""
        return self.share >= 0.9


def align(a: str, b: str) -> Alignment | None:
    """The alignment of two renderings, or None when they share no content word."""
    wa, wb = words(a), words(b)
    ca, cb = content(wa), content(wb)
    if not ca or not cb:
        return None
    sa, sb = [_stem(w) for w in wa], [_stem(w) for w in wb]
    matcher = SequenceMatcher(None, sa, sb, autojunk=False)
    every = [bl for bl in matcher.get_matching_blocks() if bl.size]
    # Function words matched far from any matched content word say nothing about alignment.
    blocks = [bl for bl in every if content(wa[bl.a : bl.a + bl.size])]
    if not blocks:
        return None
    kept = list(blocks)
    for bl in every:
        if bl in kept:
            continue
        if any(abs(bl.a - k.a) <= 4 + k.size and abs(bl.b - k.b) <= 4 + k.size for k in blocks):
            kept.append(bl)
    blocks = sorted(kept, key=lambda bl: bl.a)
    matched = sum(len(content(wa[bl.a : bl.a + bl.size])) for bl in blocks)
    window_a = (blocks[0].a, blocks[-1].a + blocks[-1].size)
    window_b = (blocks[0].b, blocks[-1].b + blocks[-1].size)
    inner_a = len(content(wa[window_a[0] : window_a[1]]))
    inner_b = len(content(wb[window_b[0] : window_b[1]]))
    shorter = min(len(ca), len(cb))
    changed_a: list[str] = []
    changed_b: list[str] = []
    sub = SequenceMatcher(
        None, sa[window_a[0] : window_a[1]], sb[window_b[0] : window_b[1]], autojunk=False
    )
    for op, i1, i2, j1, j2 in sub.get_opcodes():
        if op != "equal":
            changed_a.extend(wa[window_a[0] + i1 : window_a[0] + i2])
            changed_b.extend(wb[window_b[0] + j1 : window_b[0] + j2])
    return Alignment(
        tuple(wa),
        tuple(wb),
        window_a,
        window_b,
        tuple(changed_a),
        tuple(changed_b),
        matched / shorter,
        matched / max(inner_a, inner_b, 1),
        matched,
        shorter,
    )


def same_quotation(a: str, b: str, share: float = 0.6, density: float = 0.5) -> bool:
    """True when ``a`` and ``b`` render one quotation (see the module docstring)."""
    found = align(a, b)
    return (
        found is not None
        and found.shorter >= 2
        and found.share >= share
        and found.density >= density
    )


_NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "neither", "nor"})
_FUTURE = frozenset({"will", "shall", "going"})
_PAST = frozenset({"was", "were", "did", "had"})
_CONDITIONAL = frozenset({"would"})
_NUMBER = re.compile(r"^\d")


def meaning_change(al: Alignment) -> str | None:
    """Why the aligned parts differ in meaning (negation, tense, a number), or None."""
    ca, cb = al.changed_a, al.changed_b
    neg_a = sum(w in _NEGATIONS for w in ca)
    neg_b = sum(w in _NEGATIONS for w in cb)
    if neg_a % 2 != neg_b % 2:
        return "one rendering negates what the other states"
    tense_a = _tense(ca)
    tense_b = _tense(cb)
    if tense_a and tense_b and tense_a != tense_b:
        return "the renderings differ in tense"
    if (tense_a or tense_b) and not (tense_a and tense_b) and _verb_swapped(ca, cb):
        return "the renderings differ in tense"
    nums_a = {w.replace(",", "") for w in ca if _NUMBER.match(w)}
    nums_b = {w.replace(",", "") for w in cb if _NUMBER.match(w)}
    if nums_a and nums_b and nums_a != nums_b:
        return "the renderings give different numbers"
    return None


def _tense(changed: tuple[str, ...]) -> str | None:
    ws = set(changed)
    if ws & _FUTURE:
        return "future"
    if "would" in ws and "have" in ws:
        return "past conditional"
    if ws & _CONDITIONAL:
        return "conditional"
    if ws & _PAST:
        return "past"
    return None


def _verb_swapped(ca: tuple[str, ...], cb: tuple[str, ...]) -> bool:
    """A tense marker on one side against a bare changed word on the other: "we'll have" vs
    "we had" leaves "will" against "had" (caught above); "will reach" vs "reached" leaves
    "will reach" against "reached" — a past form replacing the future."""
    marked, bare = (ca, cb) if _tense(ca) else (cb, ca)
    return (
        bool(bare)
        and len(bare) <= 2
        and any(w.endswith("ed") for w in bare)
        and bool(set(marked) & _FUTURE)
    )
