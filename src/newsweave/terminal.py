"""Text from inputs, made safe to print on a terminal.

File names, WARC URIs, feed titles and reasons that quote them come from untrusted input; an
ESC in one of them would start a terminal escape sequence (retitle the window, rewrite lines).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with control characters shown as ``\x1b`` instead of being obeyed (tabs kept).

    Example:
        >>> printable("bad\x1b[31m.txt")
        'bad\\x1b[31m.txt'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
