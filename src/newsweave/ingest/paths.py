"""Which files a list of paths, folders and glob patterns names, in a fixed order."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from newsweave.ingest.article import rejected
from newsweave.model import IngestOutcome

# Files operating systems and editors leave in folders; never inputs, so not reported.
JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory", ".localized"})
# Project documents that sit beside a corpus; found in a folder they are reported, not read.
DOC_STEMS = frozenset({"readme", "license", "licence", "changelog", "contributing", "copying"})
_GLOB_CHARS = frozenset("*?[")


def is_junk(path: Path) -> bool:
    """An OS/editor side file (``.DS_Store``, ``._name`` resource forks, ``~$`` lock files)."""
    name = path.name
    return name in JUNK_NAMES or name.startswith(("._", "~$")) or name.endswith("~")


def _is_doc(path: Path) -> bool:
    return path.name.split(".", 1)[0].lower() in DOC_STEMS


def _has_article_suffix(path: Path) -> bool:
    """A file the readers know by its name (an article format, or one they reject with their
    own reason such as ``.pdf``) or a web archive by its bytes."""
    # Imported here: the readers import this module.
    from newsweave.ingest.reader import FORMATS_BY_SUFFIX, UNSUPPORTED_SUFFIXES
    from newsweave.ingest.warc import is_archive

    suffix = path.suffix.lower()
    return suffix in FORMATS_BY_SUFFIX or suffix in UNSUPPORTED_SUFFIXES or is_archive(path)


def _split_docs(found: list[Path], problems: list[IngestOutcome]) -> list[Path]:
    """``found`` without project documents and files of no article type (a Makefile, a
    script), each of which gets a rejected outcome."""
    kept = []
    for path in found:
        if _is_doc(path):
            problems.append(
                rejected(str(path), "a project document, not an article; name the file to read it")
            )
        elif not _has_article_suffix(path):
            shown = path.suffix or "no extension"
            problems.append(
                rejected(
                    str(path),
                    f"skipped: not an article file type ({shown}); newsweave reads .txt, .md, "
                    ".html, .jsonl, .json, .xml/.rss/.atom and .warc(.gz) from folders; name "
                    "the file to read it anyway",
                )
            )
        else:
            kept.append(path)
    return kept


def _walk(
    folder: Path, problems: list[IngestOutcome] | None = None, above: frozenset[Path] = frozenset()
) -> list[Path]:
    """Files under ``folder``, recursively, skipping junk files and hidden folders (.git).

    A link to a folder is followed unless it leads back to ``folder`` or a folder above it
    (a loop, which would list the same files until the OS gives up): that link gets a
    rejected outcome in ``problems``.
    """
    here = above | {folder.resolve()}
    files: list[Path] = []
    for child in sorted(folder.iterdir()):
        if child.is_dir():
            if child.name.startswith("."):
                continue
            if child.is_symlink() and child.resolve() in here:
                if problems is not None:
                    problems.append(
                        rejected(str(child), "a link back to a folder above it (a loop); skipped")
                    )
                continue
            files.extend(_walk(child, problems, here))
        elif not is_junk(child):
            files.append(child)
    return files


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[IngestOutcome]]:
    """The files that ``paths`` name, sorted, and a rejected outcome for each path that names none.

    A path may be a file (always read, whatever its name), a folder (read recursively, without
    hidden folders and OS side files such as ``.DS_Store``) or a glob pattern
    (``news/**/*.html``). A README or LICENSE found in a folder or by a pattern is rejected
    as a project document, and a file without an article extension (a ``Makefile``) as not an
    article file type. A file named twice is listed twice: the second reading is reported
    as a duplicate, so every input stays accounted for.
    """
    files: list[Path] = []
    problems: list[IngestOutcome] = []
    for raw in paths:
        path = Path(raw)
        text = str(raw)
        try:
            if path.is_dir():
                found = _walk(path, problems)
                if not found:
                    problems.append(rejected(text, "the folder holds no files"))
                files.extend(_split_docs(found, problems))
            elif path.exists():
                files.append(path)
            elif _GLOB_CHARS & set(text):
                matches = sorted(glob.glob(text, recursive=True))
                found = []
                for match in matches:
                    match_path = Path(match)
                    if match_path.is_dir():
                        found.extend(_walk(match_path, problems))
                    elif not is_junk(match_path):
                        found.append(match_path)
                if not found:
                    problems.append(rejected(text, "the pattern matches no files"))
                files.extend(_split_docs(found, problems))
            else:
                problems.append(rejected(text, "no such file or folder; check the path"))
        except OSError as exc:
            problems.append(rejected(text, f"cannot list: {exc.strerror or exc}"))
    return sorted(files, key=str), problems
