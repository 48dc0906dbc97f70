"""Removing promotion and boilerplate lines that extraction leaves in article text.

The list is small and explicit on purpose: each pattern names a kind of line that is never
part of a report (a newsletter pitch, "Advertisement", "Read more: …", a cookie notice). Only
short lines are candidates, so a sentence of the report that mentions a newsletter stays.
"""

from __future__ import annotations

import re

# A line that starts like this and is short is boilerplate whatever follows.
_ALWAYS = [
    r"advertisement",
    r"advertising",
    r"sponsored( content)?",
    r"(story continues|article continues) below( this)? (advertisement|ad)",
    r"read more\b",
    r"(also read|read also|related|recommended|see also|most read|more from)\s*:",
    r"sign up\b",
    r"subscribe\b",
    r"unlock\b.*\bfor free\b",
    r"(click|tap) here\b",
    r"follow us\b",
    r"share (this|on)\b",
    r"download (our|the) app\b",
    r"we use cookies\b",
    r"(accept|manage) (all )?cookies\b",
    r"©",
    r"copyright\s*(©|\(c\)|\d{4})",
]
# A short line without sentence-ending punctuation that contains one of these is a pitch.
_PITCH = [
    r"\bnewsletters?\b",
    r"\bsubscri(be|ption|bers?)\b",
    r"\bsign up\b",
    r"\byour (daily |weekly |essential )?guide to\b",
    r"\ball rights reserved\b",
    r"\bcookies?\b",
]
_ALWAYS_RE = re.compile(r"^\W{0,3}(?:" + "|".join(_ALWAYS) + r")", re.IGNORECASE)
_PITCH_RE = re.compile("|".join(_PITCH), re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")

MAX_BOILERPLATE_WORDS = 25


def is_boilerplate(line: str) -> bool:
    """Whether one line is a promotion, ad marker, "read more" link or similar.

    Example:
        >>> is_boilerplate("Sign up for the Morning Brief newsletter")
        True
        >>> is_boilerplate("The council said its newsletter had reached 4,000 homes by May.")
        False
    """
    stripped = line.strip()
    if not stripped or len(stripped.split()) > MAX_BOILERPLATE_WORDS:
        return False
    if _ALWAYS_RE.match(stripped):
        return True
    return bool(_PITCH_RE.search(stripped)) and not _SENTENCE_END.search(stripped)


def remove_boilerplate(text: str) -> str:
    """The text without its boilerplate lines (line breaks of the other lines kept)."""
    return "\n".join(line for line in text.split("\n") if not is_boilerplate(line))
