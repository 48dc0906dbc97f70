"""The HTTP API and web page (``newsweave serve``): a thin shell over the pipeline and store.

Needs the ``web`` extra (FastAPI, uvicorn): ``pip install 'newsweave[web]'``.

Example:
    >>> from newsweave.api import ApiConfig, create_app  # doctest: +SKIP
    >>> app = create_app(ApiConfig(db="news.sqlite"))  # doctest: +SKIP
"""

from __future__ import annotations

from newsweave.errors import NewsweaveError

try:
    import fastapi  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise NewsweaveError(
        f"the HTTP API needs FastAPI and uvicorn ({exc.name} is missing); "
        "install them with: pip install 'newsweave[web]'"
    ) from exc

from newsweave.api.app import ApiConfig, create_app, serve

__all__ = ["ApiConfig", "create_app", "serve"]
