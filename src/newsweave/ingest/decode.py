"""Bytes to text: refuse binary files, decode text, and tell which format a file holds.

Decoding tries what news files are actually saved as (UTF-8, UTF-8 with a BOM, UTF-16 with a
BOM) before asking charset_normalizer to guess, and refuses to guess on bytes that are not
text at all, so a PNG renamed ``.txt`` is rejected instead of becoming an "article".
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
import warnings

from newsweave.errors import InputError

# Signatures of common binary formats, so the reason can name what the file really is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub document)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
SAMPLE_BYTES = 65_536
MAX_CONTROL_SHARE = 0.05


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (names the format when it is a known one), or None if it may be."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"binary file ({what}), not text"
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text has NUL bytes by design
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        return "binary file (it contains NUL bytes), not text"
    controls = sum(
        1 for byte in sample if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS
    )
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        share = round(100 * controls / len(sample))
        return f"binary file ({share}% of its bytes are control codes), not text"
    return None


def _unreadable_share(text: str) -> float:
    """Share of characters that no text should hold (controls, unassigned, private use)."""
    sample = text[:SAMPLE_BYTES]
    if not sample:
        return 0.0
    bad = sum(
        1
        for char in sample
        if char not in "\t\n\r\x0b\x0c" and unicodedata.category(char) in {"Cc", "Cn", "Co", "Cs"}
    )
    return bad / len(sample)


def decode(data: bytes, where: str) -> str:
    """The text of ``data``.

    Raises:
        InputError: the bytes are binary or no encoding gives readable text.
    """
    reason = binary_reason(data)
    if reason:
        raise InputError(where, reason, "newsweave reads text, HTML, JSONL and RSS/Atom files")
    tried = ["utf-8"]
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            tried = [encoding]
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    guessed = _guess(data)
    if guessed is not None:
        encoding, text = guessed
        if _unreadable_share(text) <= MAX_CONTROL_SHARE:
            return text
        tried.append(encoding)
    tried.append("charset detection")
    raise InputError(where, f"cannot decode as text (tried {', '.join(tried)})", "save it as UTF-8")


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset_normalizer's best guess; Windows-1252 wins a tie (most Western news pages)."""
    from charset_normalizer import from_bytes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matches = from_bytes(data[: 4 * SAMPLE_BYTES])
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos:
            best = match
            break
    try:
        return best.encoding, data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_FEED_ROOT = re.compile(r"<(rss|feed|rdf:rdf)\b", re.IGNORECASE)
_HTML_START = re.compile(r"<(!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(p|div|br|a|span|article|section|h[1-6]|ul|ol|li|em|strong|b|i|blockquote|figure|"
    r"img|table|tr|td|main|header|footer|nav|script|style|meta|title)\b[^<>]*>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML markup rather than prose (a page or a fragment)."""
    head = text[:5000]
    return bool(_HTML_START.search(head)) or len(_HTML_TAG.findall(head)) >= 2


def sniff_format(text: str) -> str:
    """The format of decoded text without a telling extension: feed, html, jsonl, json, text."""
    head = text.lstrip()[:2000]
    if _FEED_ROOT.search(head) and (head.startswith("<?xml") or head.startswith("<")):
        return "feed"
    if head.startswith("<") and looks_like_html(head):
        return "html"
    if head.startswith(("[", "{")):
        try:
            json.loads(text)
            return "json"
        except (ValueError, RecursionError):
            pass
    first_line = head.split("\n", 1)[0].strip()
    if first_line.startswith("{"):
        try:
            if isinstance(json.loads(first_line), dict):
                return "jsonl"
        except ValueError:
            pass
    if looks_like_html(head) and head.count("<") > 20:
        return "html"
    return "text"
