"""Model files prepared once, when newsweave is installed, so that each start reads them faster.

``python -m newsweave.prepared`` (``make install`` runs it) writes into the environment newsweave
is installed in (``<sys.prefix>/share/newsweave``; never the home folder):

- ``langid.npz``: py3langid's language model uncompressed. Its wheel ships it LZMA-compressed,
  which costs ~0.7 CPU-s to open at every start; uncompressed, ~0.2 CPU-s.
- ``minilm-int8pc-*.onnx`` and ``minilm-unguarded-*.onnx``: the embedding networks of article
  and of sentence vectors (:mod:`newsweave.annotate.quantized`). Unlike langid's file they
  are needed, not only faster: a process that finds one missing builds it here on first use.

A prepared file is used only while ``prepared.json`` names the same source file (path, size,
modification time) and package version; otherwise the original is read as before. A missing or
stale file changes how long a start takes, never a result: the model is the same arrays.
"""

from __future__ import annotations

import json
import lzma
import shutil
import sys
import tempfile
from array import array
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "prepared.json"
LANGID = "langid.npz"


def folder() -> Path:
    """Where prepared files live: inside the environment newsweave is installed in."""
    return Path(sys.prefix) / "share" / "newsweave"


def _langid_source() -> tuple[Path, dict[str, Any]]:
    from py3langid import langid

    path = (langid.MODEL_DIR / langid.MODEL_FILE).resolve()
    stat = path.stat()
    return path, {
        "source": str(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "version": metadata.version("py3langid"),
    }


def prepare(into: Path | None = None) -> list[Path]:
    """Write the prepared files and their manifest into ``into`` (default :func:`folder`);
    return the files written."""
    target = into or folder()
    target.mkdir(parents=True, exist_ok=True)
    source, identity = _langid_source()
    with (
        tempfile.NamedTemporaryFile(dir=target, suffix=".part", delete=False) as tmp,
        lzma.open(source) as packed,
    ):
        shutil.copyfileobj(packed, tmp, length=1 << 20)
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(target / LANGID)
    (target / MANIFEST).write_text(json.dumps({"langid": identity}, indent=2) + "\n")
    from newsweave.annotate.models import source_model_file
    from newsweave.annotate.quantized import built_model

    networks = [built_model(source_model_file(), target, quantized) for quantized in (True, False)]
    return [target / LANGID, target / MANIFEST, *networks]


def _prepared(name: str, file: str, identity: dict[str, Any], where: Path) -> Path | None:
    """The prepared ``file`` in ``where`` when the manifest's ``name`` entry is ``identity``."""
    try:
        manifest = json.loads((where / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    path = where / file
    if not isinstance(manifest, dict) or manifest.get(name) != identity or not path.is_file():
        return None
    return path


_TYPECODES = {2: "H", 4: "I", 8: "L"}


def _unsigned(values: Any) -> array[int]:
    """A NumPy unsigned integer array as the standard-library array py3langid indexes."""
    import numpy as np

    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).tobytes())
    return out


def langid_identifier(where: Path | None = None) -> Any:
    """py3langid's language identifier, from the prepared model when it is current, else
    from the model file its package ships (the same arrays either way)."""
    from py3langid import langid

    source, identity = _langid_source()
    path = _prepared("langid", LANGID, identity, where or folder())
    if path is None:
        return langid.LanguageIdentifier.from_model_file(source)
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return langid.LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _unsigned(data["nextmove"]),
            data["out_feat"].tolist(),
            tk_row=_unsigned(data["nextmove_row"]),
        )


@lru_cache(maxsize=1)
def language_identifier() -> Any:
    """The language identifier of this process, loaded on first use."""
    return langid_identifier()


def main() -> None:
    for path in prepare():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
