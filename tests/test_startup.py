"""Start-up: what a cold `newsweave brief` loads, and the files prepared at install time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsweave.prepared import MANIFEST, langid_identifier, prepare
from tests.conftest import EXAMPLES, shared_path


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_brief_of_text_files_loads_only_what_its_passes_need() -> None:
    seeds = shared_path("seeds")
    code = (
        "import json, sys\n"
        "from newsweave.pipeline import analyze\n"
        f"briefs = analyze([{str(seeds)!r}])\n"
        "assert briefs and briefs[0].headline\n"
        "heavy = ('torch', 'sentence_transformers', 'httpx', 'typer', 'trafilatura', 'htmldate',"
        " 'spacy.cli', 'sklearn')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    assert json.loads(_run(code)) == []


@pytest.mark.slow
def test_spacy_keeps_its_command_line_and_torch_importable() -> None:
    code = (
        "import json\n"
        "from newsweave.annotate.models import load_nlp\n"
        "nlp = load_nlp()\n"
        "import spacy\n"
        "text = spacy.info(markdown=True)\n"
        "from spacy.cli import download\n"
        "import torch\n"
        "print(json.dumps([nlp.pipe_names, 'spaCy version' in text, callable(download),"
        " torch.__name__]))\n"
    )
    names, described, has_download, torch_name = json.loads(_run(code))
    assert "parser" in names and "ner" in names
    assert described and has_download and torch_name == "torch"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((EXAMPLES / "text").glob("*.txt"))]
    texts += ["Le gouvernement a annoncé lundi de nouvelles mesures.", "Die Regierung tagte."]
    texts += ["El gobierno anunció nuevas medidas el lunes.", "1234 5678"]
    assert len(texts) >= 5
    return texts


def test_prepared_language_model_classifies_as_the_shipped_one(tmp_path: Path) -> None:
    from py3langid import langid

    written = prepare(tmp_path)
    assert {p.name for p in written if not p.name.startswith("minilm-")} == {"langid.npz", MANIFEST}
    assert sum(p.name.startswith("minilm-") and p.is_file() for p in written) == 2
    shipped = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE)
    prepared = langid_identifier(tmp_path)
    for text in _texts():
        assert prepared.classify(text) == shipped.classify(text)
        assert prepared.rank(text)[:5] == shipped.rank(text)[:5]


def test_a_stale_prepared_model_is_not_used(tmp_path: Path) -> None:
    prepare(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest["langid"]["size"] += 1  # the package's model file changed since
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "langid.npz").write_bytes(b"not a model")  # would fail if it were read
    identifier = langid_identifier(tmp_path)
    assert identifier.classify("The ministers met on Sunday in Kuala Lumpur.")[0] == "en"


def test_no_prepared_folder_reads_the_shipped_model(tmp_path: Path) -> None:
    identifier = langid_identifier(tmp_path / "missing")
    assert identifier.classify("The ministers met on Sunday in Kuala Lumpur.")[0] == "en"
