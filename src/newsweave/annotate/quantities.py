"""Quantities: a number, its unit, its qualifier, and the phrase it measures.

Figures that look alike mean different things ("145%" peak, "100%" threatened, "about 55%"
after a truce), so a figure is only comparable across articles together with what it
measures and how it is hedged. This module finds numbers with one regular expression over
the text (digits, "1,234", "1.5", number words, currency symbols, scale words, units such as
"%", "percent", "hours", "-day"), keeps those with a unit, and keeps plain counts only where
spaCy tags them CARDINAL/QUANTITY/MONEY/PERCENT (which filters ordinals and dates). It
skips years, days of months, ordinals ("fifth", "47th"), numbers inside names ("Merdeka
118", "Air Force One") and numbers inside time expressions.

Qualifier: the hedge right before the number ("up to", "more than", "about", "nearly",
"at least", "over", ...). "over"/"under"/"above"/"below" count only before a percentage or
an amount of money (otherwise they are prepositions: "over four meetings").

Measure, from the dependency parse, first rule that applies to the quantity's head token:

1. "N of X" -> X ("90% of the global supply" -> "global supply");
2. the quantity modifies a noun (nummod/compound/amod) -> that noun with its compounds and
   adjectives after the number and its first "on/of/for/against/over" phrase ("new 100%
   tariffs on Chinese goods" -> "tariffs on Chinese goods"; "a 90-day truce" -> "truce");
3. the noun under "worth"/"valued at" ("relationship, worth $660 billion" ->
   "important trade relationship");
4. the quantity is the object of a preposition attached to a noun -> that noun and its
   phrase without the quantity ("tariffs on US goods up to 125 percent" ->
   "tariffs on US goods");
5. the object of a preposition (or a bare adverbial) of a verb: a duration measures the
   verb ("met for more than five hours" -> "met"); anything else the verb's direct object,
   else the noun the verb's clause describes, else its subject ("raised tariffs to 145
   percent" -> "tariffs"); a conjunct ("... to 55% ... and 30%") is read like the first.

Otherwise ``measure`` is ``None``. The phrase is a contiguous run of the text, never holds
the quantity itself, leaves out conjuncts, relative clauses, nested phrases and leading
determiners, and is at most eight words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsweave.annotate.doccache import doc_text
from newsweave.annotate.times import resolve_times
from newsweave.model import Quantity, Span

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc, Token

__all__ = ["extract_quantities", "parse_number", "quantity_spans"]

_SMALL_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_SMALL_WORDS += ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
_SMALL_WORDS += ["seventeen", "eighteen", "nineteen"]
_SMALL = {w: i for i, w in enumerate(_SMALL_WORDS)}
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS = {w: 10 * i for i, w in enumerate(_TENS_WORDS, 2)}
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "tn": 1e12,
}
_SHORT_SCALES = frozenset({"k", "m", "mn", "mln", "bn", "b", "tn"})
_CURRENCY_SYMBOLS = {
    "US$": "USD",
    "HK$": "HKD",
    "A$": "AUD",
    "C$": "CAD",
    "S$": "SGD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "RM": "MYR",
}
_CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "RMB", "MYR", "KRW", "INR", "CHF")
_UNIT_WORDS = {
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "pct": "percent",
    "percentage point": "percentage points",
    "percentage points": "percentage points",
    "basis points": "basis points",
    "bps": "basis points",
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "ringgit": "MYR",
    "won": "KRW",
    "rupees": "INR",
    "francs": "CHF",
    "tonnes": "tonnes",
    "tons": "tonnes",
    "barrels": "barrels",
    "miles": "miles",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "kg": "kg",
    "kilograms": "kg",
}
for _code in _CURRENCY_CODES:
    _UNIT_WORDS[_code] = "CNY" if _code == "RMB" else _code
_DURATIONS = ("second", "minute", "hour", "day", "week", "month", "year", "decade")
# A unit word that is also a common English word counts only inside a spaCy MONEY entity.
_NEEDS_MONEY_ENTITY = frozenset({"won", "pounds", "yen"})

_NUM_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(list(_SMALL)[1:10])}))?"
    rf"|{'|'.join(sorted(_SMALL, key=len, reverse=True))})"
)
_NUM_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_UNIT_ALT = "|".join(
    [re.escape(u) for u in sorted(_UNIT_WORDS, key=len, reverse=True) if u != "%"]
    + [rf"{d}s?" for d in _DURATIONS]
)
_QUANTITY_RE = re.compile(
    rf"(?:(?P<cur>{'|'.join(re.escape(s) for s in _CURRENCY_SYMBOLS)}"
    rf"|{'|'.join(_CURRENCY_CODES)})\s?)?"
    rf"(?<![\w.,])(?P<num>{_NUM_DIGITS}|(?i:{_NUM_WORD})(?![\w]))"
    r"(?!(?:st|nd|rd|th)\b|:\d|[.,]\d)"
    rf"(?:\s?(?P<scale>(?i:hundred|thousand|million|billion|trillion)|mln|mn|bn|tn|[kmb])\b)?"
    rf"(?:(?P<pct>\s?%)|(?:\s|-)(?P<unit>(?i:{_UNIT_ALT}))(?![\w]))?"
)
_QUALIFIERS = (
    "as much as",
    "as many as",
    "as high as",
    "as low as",
    "as little as",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "at most",
    "up to",
    "close to",
    "just over",
    "just under",
    "well over",
    "well above",
    "nearly",
    "almost",
    "about",
    "around",
    "roughly",
    "approximately",
    "an estimated",
    "some",
    "over",
    "under",
    "above",
    "below",
)
_PREPOSITION_LIKE = frozenset({"over", "under", "above", "below", "some"})
_QUALIFIER_RE = re.compile(
    rf"(?<![\w])(?P<q>(?i:{'|'.join(re.escape(q) for q in _QUALIFIERS)}))\s+$"
)
_COUNT_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_NAME_LABELS = frozenset(
    {"ORG", "PERSON", "WORK_OF_ART", "FAC", "PRODUCT", "LAW", "EVENT", "GPE", "LOC", "NORP"}
)
_PHRASE_PREPS = frozenset({"on", "of", "for", "against", "over"})
_CUT_DEPS = frozenset({"conj", "cc", "acl", "relcl", "appos", "punct", "advcl"})
_MAX_MEASURE_WORDS = 8


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words ("1,234", "1.5", "twenty-five").

    Returns ``None`` for anything else.

    >>> parse_number("1,234.5"), parse_number("twenty-five"), parse_number("a few")
    (1234.5, 25.0, None)
    """
    cleaned = text.strip().lower().replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[- ]+", cleaned):
        if part in _SMALL:
            total += _SMALL[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return float(total)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # includes the qualifier
    end: int
    value: float
    unit: str
    qualifier: str | None


def _unit_of(m: re.Match[str], money_entity: bool) -> str | None:
    """The normalised unit of a match, or None when it has none (a bare count)."""
    if m["cur"]:
        symbol = m["cur"].strip()
        return _CURRENCY_SYMBOLS.get(symbol) or _UNIT_WORDS.get(symbol)
    if m["pct"]:
        return "percent"
    word = (m["unit"] or "").lower()
    if not word:
        return None
    for duration in _DURATIONS:
        if word in (duration, duration + "s"):
            return duration + "s"
    if word in _NEEDS_MONEY_ENTITY and not money_entity:
        return None
    return _UNIT_WORDS.get(word) or _UNIT_WORDS.get(word.upper())


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _is_year(m: re.Match[str]) -> bool:
    num = m["num"]
    return bool(re.fullmatch(r"(1[5-9]|20)\d\d", num)) and not (m["cur"] or m["scale"])


def _match_quantity(m: re.Match[str], doc: Doc) -> _Found | None:
    token = _token_at(doc, m.start("num"))
    if token is None or token.ent_type_ in _NAME_LABELS:
        return None
    value = parse_number(m["num"])
    if value is None:
        return None
    money = token.ent_type_ == "MONEY"
    unit = _unit_of(m, money)
    scale = m["scale"]
    end = m.end()
    if scale and scale.lower() in _SHORT_SCALES and not m["cur"]:
        # "5m" or "3k" without a currency: metres? thousands? leave the scale out
        if unit is None:
            return None
        scale = None
    if scale:
        value *= _SCALES[scale.lower()]
    if unit is None:
        # a bare count: trust spaCy to tell cardinals from dates and ordinals
        if m["scale"] and not scale:
            return None
        if token.ent_type_ not in _COUNT_LABELS or _is_year(m):
            return None
        previous = doc[token.i - 1] if token.i > 0 else None
        if previous is not None and previous.pos_ == "PROPN":
            return None  # "Merdeka 118 tower", "Route 66"
        if m["num"].lower() == "one" and token.dep_ != "nummod":
            return None  # "the fifth one"
        unit = "count"
        end = m.end("scale") if m["scale"] else m.end("num")
    start, qualifier = _qualifier(doc, m.start(), unit, token)
    return _Found(start, end, value, unit, qualifier)


def _qualifier(doc: Doc, start: int, unit: str, token: Token) -> tuple[int, str | None]:
    window = doc_text(doc)[max(0, start - 20) : start]
    q = _QUALIFIER_RE.search(window)
    if q is None:
        return start, None
    word = q["q"].lower()
    if word in _PREPOSITION_LIKE:
        priced = unit == "percent" or (len(unit) == 3 and unit.isupper())
        if word == "some" and token.ent_type_ == "":
            return start, None
        if word != "some" and not priced:
            return start, None
    return start - len(window) + q.start("q"), word


def _head_in(doc: Doc, found: _Found) -> Token | None:
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _phrase(
    noun: Token, lo: int, hi: int, with_prep: bool = True, attached: Token | None = None
) -> str | None:
    """``noun`` with its compounds and adjectives and its first prepositional phrase.

    ``lo``/``hi`` are the quantity's token bounds: those tokens never enter the phrase, and
    modifiers on the far side of the quantity are left out ("new 100% tariffs" -> "tariffs").
    The result is the contiguous run of kept tokens that holds ``noun``, as written.
    ``attached`` is the verb ``noun`` is the object of: a phrase the parser hung on the verb
    right after the object counts as the noun's ("raised its tariffs on US goods").
    """
    keep: set[int] = {noun.i}
    for child in noun.lefts:
        if child.dep_ in ("compound", "amod", "nmod") and (child.i >= hi or noun.i < lo):
            keep.update(t.i for t in child.subtree if t.dep_ not in ("advmod", "det"))
    preps = [c for c in noun.rights if c.dep_ == "prep" and c.lower_ in _PHRASE_PREPS]
    if attached is not None and not preps:
        preps = [
            c
            for c in attached.rights
            if c.dep_ == "prep"
            and c.i == noun.i + 1
            and c.lower_ in _PHRASE_PREPS
            and not any(o.ent_type_ in ("DATE", "TIME") for o in c.children)
        ]
    if with_prep and preps:
        keep.add(preps[0].i)
        for obj in preps[0].children:
            if obj.dep_ == "pobj":
                keep.update(t.i for t in _flat_subtree(obj))
    doc = noun.doc
    first = last = noun.i
    while first - 1 in keep and not lo <= first - 1 < hi:
        first -= 1
    while last + 1 in keep and not lo <= last + 1 < hi:
        last += 1
    while first < last and doc[first].dep_ in ("det", "poss", "case"):
        first += 1
    while last > first and doc[last].dep_ in ("prep", "case", "det"):
        last -= 1
    if last - first + 1 > _MAX_MEASURE_WORDS:
        last = first + _MAX_MEASURE_WORDS - 1
    return doc[first : last + 1].text or None


def _flat_subtree(token: Token) -> list[Token]:
    """``token`` and its modifiers, without nested clauses, conjuncts or further phrases."""
    out = [token]
    for child in token.children:
        if child.dep_ not in _CUT_DEPS and child.dep_ != "prep":
            out.extend(_flat_subtree(child))
    return out


def _measure(doc: Doc, found: _Found) -> str | None:
    head = _head_in(doc, found)
    if head is None:
        return None
    span = doc.char_span(found.start, found.end, alignment_mode="expand")
    assert span is not None
    lo, hi = span.start, span.end
    for child in head.children:  # 1. "90% of the global supply"
        if child.dep_ == "prep" and child.lower_ == "of" and child.i >= hi:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return _phrase(objects[0], lo, hi, with_prep=False)
    while head.dep_ == "conj" and head.head.i != head.i and head.head.pos_ not in ("VERB",):
        head = head.head
    parent = head.head
    if head.dep_ in ("nummod", "compound", "amod", "quantmod") and parent.pos_ in (
        "NOUN",
        "PROPN",
    ):
        return _phrase(parent, lo, hi)  # 2.
    if parent.lower_ in ("worth", "valued") or (
        parent.lower_ == "at" and parent.head.lower_ == "valued"
    ):
        described = parent.head if parent.lower_ != "at" else parent.head.head
        return _phrase(described, lo, hi) if described.pos_ in ("NOUN", "PROPN") else None  # 3.
    verb: Token | None = None
    if head.dep_ == "pobj" and parent.dep_ == "prep":
        holder = parent.head
        if holder.pos_ in ("NOUN", "PROPN"):
            return _phrase(holder, lo, hi)  # 4.
        if holder.pos_ in ("VERB", "AUX"):
            verb = holder
    elif head.dep_ in ("npadvmod", "advmod", "conj") and parent.pos_ in ("VERB", "AUX"):
        verb = parent
    if verb is None:
        return None
    if found.unit.endswith("s") and found.unit.rstrip("s") in _DURATIONS:
        return verb.text  # 5. a duration measures the verb
    for dep in ("dobj", "nsubjpass"):
        objects = [c for c in verb.children if c.dep_ == dep and c.pos_ in ("NOUN", "PROPN")]
        if objects:
            return _phrase(objects[0], lo, hi, attached=verb)
    if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        return _phrase(verb.head, lo, hi)
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
    return _phrase(subjects[0], lo, hi) if subjects else None


def quantity_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where :func:`extract_quantities` reads the parse: each candidate number of ``text``
    (with the character before it: the token before a bare count is read too)."""
    for m in _QUANTITY_RE.finditer(text):
        yield max(0, m.start() - 1), m.end()


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one of ``spans`` (disjoint, sorted) overlaps ``[start, end)``: its two
    neighbours are tested, not every span (a scan per number was quadratic in a long text)."""
    at = bisect_left(spans, (end, end))
    return at > 0 and spans[at - 1][1] > start


def extract_quantities(doc: Doc, article_id: str) -> list[Quantity]:
    """Every quantity in ``doc`` with its value, unit, qualifier and measure.

    Args:
        doc: the spaCy parse of the whole article text (offsets are into ``Article.text``).
        article_id: the article the spans cite.

    Returns:
        Quantities in text order (see the module docstring for the rules).

    Example:
        >>> from newsweave.annotate.models import load_nlp
        >>> doc = load_nlp()("Trump raised tariffs to 145 percent.")
        >>> [(q.value, q.unit, q.measure) for q in extract_quantities(doc, "a1")]
        [(145.0, 'percent', 'tariffs')]
    """
    times = sorted((t.span.start, t.span.end) for t in resolve_times(doc, article_id, None))
    out: list[Quantity] = []
    last_end = -1
    for m in _QUANTITY_RE.finditer(doc_text(doc)):
        if _overlaps(times, m.start(), m.end()):
            continue
        found = _match_quantity(m, doc)
        if found is None or found.start < last_end:
            continue
        last_end = found.end
        out.append(
            Quantity(
                span=Span(article_id, found.start, found.end),
                text=doc_text(doc)[found.start : found.end],
                value=found.value,
                unit=found.unit,
                qualifier=found.qualifier,
                measure=_measure(doc, found),
            )
        )
    return out
