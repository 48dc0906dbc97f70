"""Entities across a story's articles: one name per person, every role seen.

The tagger works one article at a time and errs in ways the rest of the story corrects:
it tags "Trump" as an organisation in one sentence and a person in the next, writes "XI" for
Xi, misses "He Lifeng" in one report, and never reads the surname "He" as a name. Names seen
as full person names anywhere in the story decide what the short forms mean.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from newsweave.annotate.entities import title_in_text
from newsweave.errors import OptionError
from newsweave.fuse.readable import merge_variants
from newsweave.model import AnnotatedArticle, EntityMention, EntitySummary, Span


@dataclass(frozen=True, slots=True)
class EntityOptions:
    """Args:
    spelling_min_chars: names shorter than this must be spelled the same ("Joan" is not
        "John"); longer ones may differ in spelling ("Gaddafi" / "Gadhafi")...
    spelling_same_initial: ...when their ratio (0..100) reaches this and they start with the
        same letter...
    spelling: ...or their ratio reaches this.
    max_entities: people and organisations listed in a brief.
    max_citations: citations kept per listed name (those with a role first).
    min_mentions: names other than people's are listed only with this many mentions.
    """

    spelling_min_chars: int = 5
    spelling_same_initial: float = 70.0
    spelling: float = 85.0
    max_entities: int = 25
    max_citations: int = 6
    min_mentions: int = 2

    def __post_init__(self) -> None:
        for name in ("spelling_same_initial", "spelling"):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise OptionError(f"fuse.entities.{name} is a ratio in 0..100; got {value}")
        if self.max_citations < 1:
            raise OptionError(
                f"fuse.entities.max_citations must be 1 or more; got {self.max_citations}"
            )


# Title words that make a following "He" a surname ("Vice Premier He").
_TITLE_WORDS = frozenset(
    {
        "premier",
        "vice-premier",
        "minister",
        "president",
        "mr",
        "mr.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "secretary",
        "chairman",
        "general",
    }
)
_NAME_TOKEN = re.compile(r"^[A-Z][A-Za-z'’.-]+$")


def _display(name: str) -> str:
    """ "XI" -> "Xi", "Mara LINDQVIST" -> "Mara Lindqvist"; mixed case stays as written."""
    words = [w.title() if w.isupper() and len(w) > 1 and "." not in w else w for w in name.split()]
    return " ".join(words).replace("’", "'")


def _is_full_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and all(_NAME_TOKEN.match(w) for w in words) and "-" not in name


_HONORIFICS = frozenset(
    {
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "sir",
        "dame",
        "lord",
        "lady",
        "prof",
        "prof.",
        "rev",
        "rev.",
    }
)


def _strip_titles(name: str) -> str:
    """ "Comedian Ellen DeGeneres" -> "Ellen DeGeneres"; "Dr Sanjay Gupta" -> "Sanjay Gupta"."""
    from newsweave.annotate.entities import ROLE_NOUNS

    words = name.split()
    while len(words) > 2 and (
        words[0].lower() in _HONORIFICS
        or words[0].lower() in ROLE_NOUNS
        or words[0].lower() in _TITLE_WORDS
        or words[0].lower() in {"comedian", "actor", "actress", "singer", "rapper", "star"}
    ):
        words.pop(0)
    return " ".join(words)


_GENERATIONS = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

# Familiar forms of first names, each group one given name ("Dick Durbin" = "Richard Durbin").
_FAMILIAR = [
    "richard dick rick rich",
    "william bill will billy",
    "robert bob rob bobby",
    "james jim jimmy",
    "joseph joe",
    "michael mike",
    "thomas tom",
    "charles chuck charlie",
    "edward ted ed eddie",
    "elizabeth liz beth",
    "katherine kathy kate catherine",
    "christopher chris",
    "anthony tony",
    "nicholas nick",
    "daniel dan danny",
    "stephen steven steve",
    "jonathan jon",
    "timothy tim",
    "patrick pat",
    "samuel sam",
    "benjamin ben",
    "matthew matt",
    "andrew andy",
    "alexander alex",
    "gerald jerry",
    "lawrence larry",
    "ronald ron",
    "kenneth ken",
    "gregory greg",
    "jeffrey jeff",
    "douglas doug",
    "frederick fred",
    "john jack",
    "margaret peggy maggie",
    "susan sue",
    "deborah debbie",
    "jennifer jen",
    "theodore ted",
    "mitchell mitch",
    "albert al",
    "harold harry",
    "henry hank",
    "newton newt",
]
_GIVEN = {form: group.split()[0] for group in _FAMILIAR for form in group.split()}


def _given(first: str) -> str:
    return _GIVEN.get(first, first)


def _spelled_alike(a: str, b: str, opts: EntityOptions) -> bool:
    """Transliterations and misspellings of one name ("Gaddafi" / "Gadhafi", "Moammar" /
    "Muammar"); short names must be equal ("Joan" is not "John")."""
    if a == b:
        return True
    if min(len(a), len(b)) < opts.spelling_min_chars:
        return False
    from rapidfuzz import fuzz

    ratio = fuzz.ratio(a, b)
    return (ratio >= opts.spelling_same_initial and a[0] == b[0]) or ratio >= opts.spelling


def _same_person(a: str, b: str, opts: EntityOptions) -> bool:
    """Written forms of one person: one is a word-suffix of the other ("Lifeng" aside), or the
    first and last names agree ("Regina M. Benjamin" / "Regina Benjamin"), up to a familiar
    form of the first name ("Dick" / "Richard") and the spelling of a long name."""
    wa, wb = a.lower().split(), b.lower().split()
    short, long_ = sorted((wa, wb), key=len)
    if long_[-len(short) :] == short:
        return True
    # A headline glued to a name: "Lindsay Lohan Checks Into Rehab" (but "Jr" is a son).
    extra = long_[len(short) :]
    if len(short) >= 2 and long_[: len(short)] == short and not set(extra) & _GENERATIONS:
        return True
    if len(wa) < 2 or len(wb) < 2:
        return False
    first_a, first_b = _given(wa[0]), _given(wb[0])
    last_a, last_b = wa[-1], wb[-1]
    if last_a in _GENERATIONS or last_b in _GENERATIONS:
        return False
    if first_a == first_b and _spelled_alike(last_a, last_b, opts):
        return True
    if len(wa) != 2 or len(wb) != 2:
        return False
    if last_a == last_b:
        return _spelled_alike(first_a, first_b, opts)
    return min(len(first_a), len(first_b)) >= opts.spelling_min_chars and (
        _spelled_alike(first_a, first_b, opts) and _spelled_alike(last_a, last_b, opts)
    )


def _alike_words(
    word: str, words: Sequence[str], opts: EntityOptions, present: Container[str]
) -> set[str]:
    """The ``words`` spelled like ``word`` (:func:`_spelled_alike`), found by rapidfuzz over
    all of them at once: only a word at or above the lower ratio threshold can be one.
    ``present`` holds the same words, for the test of ``word`` itself without a scan."""
    found = {word} if word in present else set()
    if len(word) < opts.spelling_min_chars or not words:
        return found
    from rapidfuzz import fuzz, process

    cutoff = min(opts.spelling_same_initial, opts.spelling) - 1e-6
    near = process.extract(
        word, words, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
    )
    found.update(w for w, _, _ in near if _spelled_alike(word, w, opts))
    return found


class _People:
    """The story's people (representative full names) in order, indexed so that the first one
    :func:`_same_person` holds for a name is found among a few candidates, not by a test of
    each: the rules of ``_same_person`` need the same last word, the same first name (up to
    familiar forms), or (two-word names) a last name spelled alike."""

    def __init__(self, opts: EntityOptions) -> None:
        self._opts = opts
        self.names: list[str] = []
        self._by_last: dict[str, list[int]] = defaultdict(list)
        self._by_given: dict[str, list[int]] = defaultdict(list)
        self._two_by_last: dict[str, list[int]] = defaultdict(list)
        self._two_lasts: list[str] = []  # the keys of ``_two_by_last``, in order

    def add(self, name: str) -> None:
        k = len(self.names)
        self.names.append(name)
        words = name.lower().split()
        self._by_last[words[-1]].append(k)
        self._by_given[_given(words[0])].append(k)
        if len(words) == 2:
            if words[-1] not in self._two_by_last:
                self._two_lasts.append(words[-1])
            self._two_by_last[words[-1]].append(k)

    def first_same(self, name: str) -> str | None:
        """The first name of the story ``name`` is a written form of (``None``: none)."""
        words = name.lower().split()
        if not words:
            return None
        found = set(self._by_last.get(words[-1], ())) | set(
            self._by_given.get(_given(words[0]), ())
        )
        if len(words) == 2 and len(_given(words[0])) >= self._opts.spelling_min_chars:
            alike = _alike_words(words[-1], self._two_lasts, self._opts, self._two_by_last)
            for last in alike:
                found.update(self._two_by_last[last])
        return next(
            (self.names[k] for k in sorted(found) if _same_person(self.names[k], name, self._opts)),
            None,
        )


class NameResolver:
    """Maps any written form of a person's name to the story's canonical full name.

    Written forms of one person form an alias class whose representative is its most
    mentioned full name, so "Ellen DeGeneres" (29 mentions) stays the name even when a
    headline once writes "Comedian Ellen DeGeneres"; ``canonical`` is idempotent.

    Args:
        items: the story's annotated articles.
        options: how far two spellings of one name may differ (``fuse.entities``).

    Attributes learned from the story (read-only after construction):
        full_names_: canonical full names of people, most mentioned first.
    """

    def __init__(
        self, items: Sequence[AnnotatedArticle], options: EntityOptions | None = None
    ) -> None:
        self._opts = opts = options or EntityOptions()
        counts: Counter[str] = Counter()
        for item in items:
            for ent in item.entities:
                name = _strip_titles(_display(ent.text))
                if ent.label == "PERSON" and _is_full_name(name):
                    counts[name] += 1
        self._alias: dict[str, str] = {}
        self._people = _People(opts)
        for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])):
            rep = self._people.first_same(name)
            if rep is None:
                self._people.add(name)
                rep = name
            self._alias[name] = rep
        self.full_names_: list[str] = self._people.names
        self._full_names = set(self.full_names_)
        by_last: dict[str, list[str]] = defaultdict(list)
        by_first: dict[str, list[str]] = defaultdict(list)
        for name in self.full_names_:
            words = name.split()
            by_last[words[-1].lower()].append(name)
            by_first[words[0].lower()].append(name)
        self._by_last = by_last
        self._by_first = by_first
        self._last_words = list(by_last)
        self._memo: dict[str, str] = {}
        self.finder_ = _NameFinder(self.full_names_)
        # Surnames that read as English words ("He"): the first word of a full name.
        self.short_forms_ = {n.split()[0]: n for n in self.full_names_ if n.split()[0] == "He"}

    def canonical(self, written: str) -> str:
        # Read-only after construction: each written form is resolved once (a story repeats
        # its names; resolving scans the story's full names).
        known = self._memo.get(written)
        if known is None:
            known = self._memo[written] = self._resolve(written)
        return known

    def _resolve(self, written: str) -> str:
        name = _strip_titles(_display(written.strip()))
        if name in self._alias:
            return self._alias[name]
        if _is_full_name(name):
            return self._people.first_same(name) or name
        key = name.lower()
        if key in self._by_last:
            return self._by_last[key][0]
        if key in self._by_first and len(self._by_first[key]) == 1:
            return self._by_first[key][0]  # "Xi", "Li", "He": surname first
        if " " not in key:  # a surname spelled another way ("Gadhafi" for "Gaddafi")
            near = _alike_words(key, self._last_words, self._opts, self._by_last)
            # (the order of ``alike`` is not read: only a single match is taken)
            alike = [n for last in near for n in self._by_last[last]]
            if len(alike) == 1:
                return alike[0]
        return name

    def is_person(self, written: str) -> bool:
        return self.canonical(written) in self._full_names


def _surname_mentions(item: AnnotatedArticle, resolver: NameResolver) -> list[EntityMention]:
    """Mentions the tagger missed: known full names, and surnames like "He" read as pronouns."""
    text = item.article.text
    taken = _Taken((e.span.start, e.span.end) for e in item.entities)
    free = taken.free

    found: list[EntityMention] = []
    for full, start in resolver.finder_.occurrences(text):
        end = start + len(full)
        if free(start, end):
            span = Span(item.article_id, start, end)
            role = title_in_text(text, start)
            found.append(EntityMention(span, full, "PERSON", full, role))
            taken.add(start, end)
    # Surnames that read as English words ("He") count only mid-sentence or after a title.
    sentence_starts = {s.span.start for s in item.sentences}
    for surname, full in resolver.short_forms_.items():
        for match in re.finditer(rf"\b{surname}\b", text):
            start, end = match.start(), match.end()
            if not free(start, end) or start in sentence_starts:
                continue
            before = text[max(0, start - 20) : start].split()
            after_title = bool(before) and before[-1].lower().strip(",") in _TITLE_WORDS
            preceded_by_quote = text[max(0, start - 2) : start].strip() in ("“", '"')
            if preceded_by_quote:
                continue
            if after_title or not _starts_clause(text, start):
                span = Span(item.article_id, start, end)
                found.append(EntityMention(span, surname, "PERSON", full, None))
                taken.add(start, end)
    return found


class _Taken:
    """Character ranges already named, for overlap tests in time bounded by the longest range
    (a scan of every range per test is quadratic in a long article)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self._ranges = sorted(ranges)
        self._longest = max((e - s for s, e in self._ranges), default=0)

    def free(self, start: int, end: int) -> bool:
        """No range overlaps ``[start, end)``."""
        ranges = self._ranges
        k = bisect_left(ranges, (start - self._longest, -1))
        while k < len(ranges) and ranges[k][0] < end:
            s, e = ranges[k]
            if not (end <= s or start >= e):
                return False
            k += 1
        return True

    def add(self, start: int, end: int) -> None:
        insort(self._ranges, (start, end))
        self._longest = max(self._longest, end - start)


# Where a name may begin (a capital after a word boundary); one character is consumed, so
# a name inside a hyphenated word ("pro-Barack Obama") is still seen.
_CAPITAL = re.compile(r"\b[A-Z]")


class _NameFinder:
    """Whole-word occurrences of a story's names (as ``re.finditer(rf"\b{name}\b")`` finds
    them) in one pass over a text: a name (two words or more) is looked up by its first word,
    and the index of first words is built once per story, not once per article."""

    def __init__(self, names: Sequence[str]) -> None:
        self._order = {name: k for k, name in enumerate(dict.fromkeys(names))}
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for name in self._order:
            first, space, _ = name.partition(" ")
            if space:
                self._by_first[first].append(name)
        self._longest = max(map(len, self._by_first), default=0)

    def occurrences(self, text: str) -> list[tuple[str, int]]:
        """Each name's occurrences in ``text``, name by name in the story's order, each name's
        in text order."""
        by_first, longest = self._by_first, self._longest
        hits: dict[str, list[int]] = defaultdict(list)
        for match in _CAPITAL.finditer(text) if by_first else ():
            start = match.start()
            word = text[start : start + longest + 1].partition(" ")[0]
            for name in by_first.get(word, ()):
                found = hits[name]
                if found and start < found[-1] + len(name):
                    continue  # inside the name's previous occurrence (non-overlapping)
                if _whole(name).match(text, start):
                    found.append(start)
        order = self._order
        return [
            (name, start) for name in sorted(hits, key=order.__getitem__) for start in hits[name]
        ]


@lru_cache(maxsize=4096)
def _whole(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name)}\b")


_LOCATIVE = re.compile(r"\b(?:in|at|to|from|off|near|into|outside|across)\s+([A-Z][a-z]+)\b")


def _place_words(items: Sequence[AnnotatedArticle]) -> set[str]:
    """Lower-cased single words the story uses as places: after "in/at/off…", or as the first
    word of an organisation or place name ("Varnholm Port Authority")."""
    words: set[str] = set()
    for item in items:
        words.update(m.group(1).lower() for m in _LOCATIVE.finditer(item.article.text))
        for ent in item.entities:
            if ent.label in ("ORG", "GPE", "FAC", "LOC") and " " in ent.text:
                words.add(ent.text.split()[0].lower())
    return words


def _is_title_word(text: str, ent: EntityMention) -> bool:
    from newsweave.annotate.entities import ROLE_NOUNS

    following = text[ent.span.end : ent.span.end + 30].split()
    return (
        len(ent.text.split()) == 1
        and bool(following)
        and following[0].lower().strip(",.") in ROLE_NOUNS
    )


def _starts_clause(text: str, start: int) -> bool:
    """True when the word at ``start`` follows sentence punctuation or a line break."""
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?:;\n"“”'


def normalise_entities(
    items: Sequence[AnnotatedArticle], options: EntityOptions | None = None
) -> tuple[list[AnnotatedArticle], NameResolver]:
    """Correct labels and canonical names across the story and add the mentions it reveals."""
    resolver = NameResolver(items, options)
    places = _place_words(items)
    orgs = _other_names(items)
    out: list[AnnotatedArticle] = []
    for item in items:
        fixed: list[EntityMention] = []
        for ent in item.entities:
            label = ent.label
            canonical = ent.canonical
            if label in ("PERSON", "ORG", "GPE", "NORP") and resolver.is_person(ent.text):
                label = "PERSON"
                canonical = resolver.canonical(ent.text)
            elif label == "PERSON":
                canonical = resolver.canonical(ent.text)
                if " " not in canonical.strip() and not resolver.is_person(canonical):
                    # News introduces people by full name; a lone word that never
                    # resolves to one is a place ("off Varnholm") or a tagging error.
                    label = "GPE" if canonical.lower() in places else "MISC"
            else:
                canonical = orgs.get(_org_key(ent.text), ent.text.replace("’", "'"))
            if (
                label == "PERSON"
                and "-" in canonical
                and not _is_full_name(canonical)
                and all(resolver.is_person(p) for p in canonical.split("-"))
            ):
                continue  # "Trump-Xi talks": two people named as a modifier
            if label != "PERSON" and _is_title_word(item.article.text, ent):
                continue  # "Trade" in "US Trade Representative" is part of a title
            fixed.append(replace(ent, label=label, canonical=canonical))
        fixed.extend(_surname_mentions(replace(item, entities=tuple(fixed)), resolver))
        fixed.sort(key=lambda e: e.span.start)
        out.append(replace(item, entities=tuple(fixed)))
    return out, resolver


def _org_key(name: str) -> str:
    key = name.lower().replace("’", "'").replace(".", "")
    return key[4:] if key.startswith("the ") else key


def _other_names(items: Sequence[AnnotatedArticle]) -> dict[str, str]:
    """One written form per organisation or place: "SEACOM" = "Seacom", "U.S." = "US", and a
    single word that ends exactly one longer name of the story ("Colts" = "Indianapolis
    Colts"). The most frequent form is the name."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        for ent in item.entities:
            if ent.label in ("ORG", "GPE", "FAC", "LOC", "NORP", "EVENT"):
                text = ent.text.replace("’", "'")
                if text.lower().startswith("the "):
                    text = text[4:]
                forms[_org_key(ent.text)][text] += 1
    names = {key: counter.most_common(1)[0][0] for key, counter in forms.items()}
    longer: dict[str, list[str]] = defaultdict(list)
    for key in names:
        words = key.split()
        if len(words) >= 2:
            longer[words[-1]].append(key)
    for key in list(names):
        if " " not in key and len(longer.get(key, [])) == 1:
            names[key] = names[longer[key][0]]
    return names


def _role_key(role: str) -> str:
    return re.sub(r"[^a-z ]", "", role.lower().replace("u.s.", "us").replace("’", "'"))


def summarise_entities(
    items: Sequence[AnnotatedArticle],
    resolver: NameResolver,
    options: EntityOptions | None = None,
) -> list[EntitySummary]:
    """People first, then organisations and places; each with every distinct role seen."""
    opts = options or EntityOptions()
    by_name: dict[str, list[EntityMention]] = defaultdict(list)
    for item in items:
        for ent in item.entities:
            by_name[ent.canonical].append(ent)
    best: dict[str, tuple[str, list[EntityMention]]] = {}
    for name, mentions in by_name.items():
        labels = Counter(m.label for m in mentions if m.label != "MISC")
        if not labels:
            continue
        # A known full name is a person; otherwise the story's majority decides
        # ("Kessel" tagged a person once and a place four times is a place).
        label = "PERSON" if resolver.is_person(name) else labels.most_common(1)[0][0]
        best[name] = (label, mentions)
    order = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "FAC": 4, "LOC": 5, "EVENT": 6}
    summaries: list[EntitySummary] = []
    for name, (label, mentions) in best.items():
        roles: dict[str, str] = {}
        role_counts: Counter[str] = Counter()
        for m in mentions:
            if m.role:
                key = _role_key(m.role)
                roles.setdefault(key, m.role)
                role_counts[key] += 1
        with_role = [m.span for m in mentions if m.role]
        citations = tuple(
            (with_role + [m.span for m in mentions if not m.role])[: opts.max_citations]
        )
        summaries.append(
            EntitySummary(
                name=name,
                type=label,
                roles=tuple(roles[k] for k, _ in role_counts.most_common()),
                mentions=len(mentions),
                citations=citations,
            )
        )
    # Readers see one entry per name and only real names (U.S. = US = United States).
    summaries = merge_variants(summaries)
    summaries.sort(key=lambda s: (order.get(s.type, 9), -s.mentions, s.name))
    people = [s for s in summaries if s.type == "PERSON"]
    others = [s for s in summaries if s.type != "PERSON" and s.mentions >= opts.min_mentions]
    return (people + others)[: opts.max_entities]
