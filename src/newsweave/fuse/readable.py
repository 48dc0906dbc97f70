"""Names as a reader should see them: one entry per name, only real names, plain kinds.

The tagger gives "US", "U.S." and "United States" as three places, "ASEAN" and "Association
of Southeast Asian Nations" as two organisations, a phrase like "Aboard Air Force One" as an
organisation, and labels such as ``GPE``. :func:`merge_variants` folds spelling and
abbreviation variants into one entry (the full form shown when the story has it),
:func:`is_name` drops what is not a name, and :func:`entity_kind` gives the reader's word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import combinations

from newsweave.model import EntitySummary

KINDS = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
    "EVENT": "event",
}

# A name never starts with these: "Aboard Air Force One", "On Sunday", "Under Brandt".
_NOT_A_NAME_START = frozenset(
    "aboard about above after against along among around at before behind below beside "
    "between beyond by despite during for from in inside into near of off on onto outside "
    "over since through throughout to toward towards under until upon via with within "
    "without a an this that these those every each".split()
)
_MINOR = frozenset({"of", "the", "and", "for", "&", "de", "du", "la", "von", "van"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def entity_kind(label: str) -> str:
    """A reader's word for a tagger label: ``ORG`` -> ``organisation``, ``GPE`` -> ``place``."""
    return KINDS.get(label, label.lower())


def is_name(name: str) -> bool:
    """False for what the tagger took for a name but is not one (a phrase, a fragment)."""
    words = name.split()
    if not words or not any(c.isalpha() for c in name):
        return False
    if words[0].lower() in _NOT_A_NAME_START:
        return False
    return name[0].isupper() or name[0].isdigit()


def variant_key(name: str) -> str:
    """The same key for spelling variants: "U.S." / "US", "the White House" / "White House"."""
    text = name.replace(".", "").replace("’", "'").strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return " ".join(text.split()).casefold()


def abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` ("ASEAN") abbreviates ``name`` ("Association of Southeast Asian
    Nations"): each significant word gives its first letter, and may give more letters of its
    own, in order ("Southeast" gives "SE")."""
    letters = short.replace(".", "").casefold()
    words = [w.casefold() for w in _WORD.findall(name) if w.lower() not in _MINOR]
    if len(words) < 2 or not letters.isalpha() or len(letters) > 10:
        return False

    def match(i: int, j: int) -> bool:  # letters[i:] against words[j:]; tiny inputs
        if j == len(words):
            return i == len(letters)
        if i >= len(letters) or letters[i] != words[j][0]:
            return False
        # this word gives its first letter and then k more of its letters, in order
        rest, pos = words[j], 1
        for k in range(0, len(letters) - i):
            if k:
                found = rest.find(letters[i + k], pos)
                if found < 0:
                    return False
                pos = found + 1
            if match(i + k + 1, j + 1):
                return True
        return False

    return match(0, 0)


def _initials(name: str) -> str:
    """First letters of the significant words of ``name`` (as :func:`abbreviates` reads it)."""
    return "".join(w.casefold()[:1] for w in _WORD.findall(name) if w.lower() not in _MINOR)


def _by_initials(names: Sequence[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for k, name in enumerate(names):
        out.setdefault(_initials(name), []).append(k)
    return out


def _abbreviated(short: str, by_initials: dict[str, list[int]]) -> list[int]:
    """Indexes of the names ``short`` may abbreviate, in order: their initials are letters of
    ``short`` in order, the first one first (every name it abbreviates is among them; at most
    2**9 lookups, as ``short`` has at most 10 letters, instead of a test per name)."""
    letters = short.replace(".", "").casefold()
    if not letters.isalpha() or not 2 <= len(letters) <= 10:
        return []
    found: set[int] = set()
    rest = letters[1:]
    for size in range(len(rest) + 1):
        for picked in combinations(range(len(rest)), size):
            found.update(by_initials.get(letters[0] + "".join(rest[i] for i in picked), ()))
    return sorted(found)


def merge_variants(summaries: Sequence[EntitySummary]) -> list[EntitySummary]:
    """One entry per name: variants of spelling and abbreviation folded into the first (most
    mentioned) entry, shown under the full form when the story has one."""
    kept = [s for s in summaries if is_name(s.name)]
    full_names = [s.name for s in kept if s.type != "PERSON" and len(s.name.split()) > 1]
    by_initials = _by_initials(full_names)
    groups: dict[str, list[EntitySummary]] = {}
    for s in kept:
        key = variant_key(s.name)
        if s.type != "PERSON" and " " not in key:
            # "US" -> "United States", "ASEAN" -> "Association of Southeast Asian Nations"
            candidates = (full_names[k] for k in _abbreviated(s.name, by_initials))
            full = next((f for f in candidates if abbreviates(s.name, f)), None)
            key = variant_key(full) if full else key
        groups.setdefault(key, []).append(s)
    out: list[EntitySummary] = []
    for members in groups.values():
        out.append(_fold(members) if len(members) > 1 else members[0])
    return out


def _fold(members: Sequence[EntitySummary]) -> EntitySummary:
    lead = max(members, key=lambda s: s.mentions)
    full = max(members, key=lambda s: (len(s.name.split()), s.mentions))
    name = full.name if len(full.name.split()) > 1 else lead.name
    roles = tuple(dict.fromkeys(r for s in members for r in s.roles))
    citations = tuple(dict.fromkeys(c for s in members for c in s.citations))[:6]
    return EntitySummary(
        name=name,
        type=lead.type,
        roles=roles,
        mentions=sum(s.mentions for s in members),
        citations=citations,
    )


def reader_names(names: Iterable[str]) -> list[str]:
    """Names (most mentioned first) for a story chip list: real names, variants once, and a
    surname alone dropped when the full name is listed ("Brandt" with "Ilse Brandt")."""
    ordered = [n for n in dict.fromkeys(names) if is_name(n)]
    keys = [variant_key(n) for n in ordered]
    full_names = [n for n in ordered if len(n.split()) > 1]
    out: list[str] = []
    seen: set[str] = set()
    for name, key in zip(ordered, keys, strict=True):
        if key in seen:
            continue
        if " " not in key and any(abbreviates(name, f) for f in full_names):
            continue  # "US" when "United States" is listed
        if " " not in key and any(k.endswith(" " + key) for k in keys if k != key):
            continue  # a surname whose full name is listed
        seen.add(key)
        out.append(name)
    return out
