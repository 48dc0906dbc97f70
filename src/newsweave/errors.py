"""One base error. Input errors also subclass ValueError and say what, where and what to do."""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base of every error newsweave raises on purpose."""


class InputError(NewsweaveError, ValueError):
    """An input cannot be read as an article.

    Args:
        where: the file (and line or entry) the problem is in.
        problem: what is wrong, in words a person can act on.
        hint: what to do about it (optional).
    """

    def __init__(self, where: str, problem: str, hint: str | None = None) -> None:
        self.where = where
        self.problem = problem
        self.hint = hint
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class StoreError(NewsweaveError):
    """The article store cannot be opened, read or written."""


class NotFoundError(NewsweaveError, LookupError):
    """A story or article id that the store does not hold."""


class OptionError(NewsweaveError, ValueError):
    """An option has a value outside what it accepts."""
