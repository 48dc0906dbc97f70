"""Language and dateline detection on cleaned article text.

The dateline ("KUALA LUMPUR:", "WASHINGTON (Reuters) -", a line that is only "ISTANBUL") tells
where a report was filed; it stays in the text so offsets are unchanged, and
``Article.dateline`` holds the place as written.
"""

from __future__ import annotations

import re

# Words that open a line in capitals but are labels, not places.
_NOT_PLACES = frozenset(
    {
        "ADVERTISEMENT", "ANALYSIS", "BREAKING", "COMMENT", "EDITORIAL", "EXCLUSIVE",
        "EXPLAINER", "FACTBOX", "FILE", "LIVE", "NEWS", "OPINION", "PHOTOS", "REVIEW",
        "SPONSORED", "UPDATE", "UPDATED", "VIDEO", "WATCH", "CORRECTION",
        "NOTE", "WARNING", "PHOTO",
    }
)  # fmt: skip

# A place name: up to five words of letters joined by spaces, slashes or hyphens
# ("KUALA LUMPUR", "NEW YORK/LONDON", "ST. LOUIS", "SÃO PAULO").
_WORD = r"[^\W\d_][^\W\d_'’.\-]*"
DATELINE_CHARS = 400  # the text detect_dateline reads: its patterns backtrack over it
# The text detect_language reads. Its cost is linear in the length (~1 ms per 1,000
# characters, more than the rest of reading an article); on the 1,951 articles of Timeline17,
# ECB+ and examples/ the first 1,000 give the same language as the first 3,000 for every one.
LANGUAGE_CHARS = 1000
_PLACE = rf"{_WORD}(?:[ /]{_WORD}){{0,4}}"
_DASH = r"(?:-{1,2}|—|–)"

# "WASHINGTON (Reuters) -", "LONDON, Oct 3 (AP) —", "Beijing, Oct. 25 (Xinhua) --"
_WIRE = re.compile(rf"(?P<place>{_PLACE})(?:,[^()\n]{{1,30}}?)?\s*\([^()\n]{{2,30}}\)\s*{_DASH}\s")
# "KUALA LUMPUR:", "BEIJING -", "LONDON, Oct 3 —"
_CAPS = re.compile(rf"(?P<place>{_PLACE})(?:,[^\n:]{{1,30}}?)?\s*(?::|\s{_DASH}\s)")
# a line that is only a place in capitals
_LINE = re.compile(rf"(?P<place>{_PLACE})[ \t]*\n")


def _is_caps_place(place: str) -> bool:
    letters = [c for c in place if c.isalpha()]
    return (
        len(letters) >= 3
        and place.isupper()
        and place.split()[0] not in _NOT_PLACES
        and place not in _NOT_PLACES
    )


def detect_dateline(text: str) -> str | None:
    """The place of the dateline at the start of ``text``, as written, or None.

    Looks at the first line only, plus the line after a byline ("By Jane Doe").

    Example:
        >>> detect_dateline("LONDON, Oct 3 (AP) — Shares fell.")
        'LONDON'
    """
    # A dateline is in the first line or two; the patterns backtrack over what they are given.
    head = text.lstrip()[:DATELINE_CHARS]
    lines = head.split("\n", 2)
    candidates = [head]
    if len(lines) > 1 and lines[0].lower().startswith("by ") and len(lines[0].split()) <= 8:
        candidates.append(head.split("\n", 1)[1])
    for start in candidates:
        match = _WIRE.match(start)
        if match and match.group("place")[0].isupper():
            place = match.group("place").strip()
            if place.split()[0].upper() not in _NOT_PLACES:
                return place
        match = _CAPS.match(start)
        if match and _is_caps_place(match.group("place").strip()):
            return match.group("place").strip()
        match = _LINE.match(start)
        if match and _is_caps_place(match.group("place").strip()) and start[match.end() :].strip():
            return match.group("place").strip()
    return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for text with few letters.

    The model loads on first use (~0.2 CPU-s when ``make install`` prepared it, see
    :mod:`newsweave.prepared`; ~0.7 from the compressed file), then classifies the first
    :data:`LANGUAGE_CHARS` characters in about a millisecond.
    """
    sample = text[:LANGUAGE_CHARS]
    if sum(c.isalpha() for c in sample) < 20:
        return None
    from newsweave.prepared import language_identifier

    code, _score = language_identifier().classify(sample)
    return str(code)
