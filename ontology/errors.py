"""The project's exception tree.

Every error raised by atrocity-kg derives from :class:`AkgError`. It lives in the lowest
layer (``ontology``) so that every other package can raise and catch the same classes.
Driver exceptions never leave ``graph``: the backends wrap them in :class:`StoreError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "AkgError",
    "InvalidRecord",
    "OntologyError",
    "QueryNotFound",
    "QueryRefused",
    "QueryTimeout",
    "QueryTooLarge",
    "SourceFormatError",
    "StoreAbandoned",
    "StoreError",
    "StoreLocked",
    "UnknownBackend",
]


class AkgError(Exception):
    """Base class of every error raised by atrocity-kg."""

    code = "error"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class OntologyError(AkgError):
    """The ontology files are malformed, or a name is not defined by the ontology."""

    code = "ontology_error"


class InvalidRecord(AkgError):
    """A node or relationship does not fit the ontology.

    ``errors`` maps a field path (``"props.level"``) to a list of messages.
    """

    code = "invalid_record"

    def __init__(self, message: str, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        self.errors = {k: list(v) for k, v in (errors or {}).items()}
        super().__init__(message, {"errors": self.errors})


class SourceFormatError(AkgError):
    """An input file is malformed; carries every problem found, each located by file/line/field.

    Example:
        >>> e = SourceFormatError([("MMR.yaml", 42, "risk_factors[3].level", "5 is not one of 0, 1, 2, 3")])
        >>> str(e)
        'MMR.yaml:42 risk_factors[3].level: 5 is not one of 0, 1, 2, 3'
    """

    code = "invalid_input"

    def __init__(self, problems: Sequence[tuple[str, int | None, str, str]]) -> None:
        self.problems = list(problems)
        lines = [self.format_one(*p) for p in self.problems]
        super().__init__("\n".join(lines), {"errors": lines})

    @staticmethod
    def format_one(path: str, line: int | None, field: str, message: str) -> str:
        where = f"{path}:{line}" if line is not None else path
        return f"{where} {field}: {message}" if field else f"{where}: {message}"


class StoreError(AkgError):
    """The graph store failed; the message is safe to show (no credentials)."""

    code = "store_error"


class StoreAbandoned(StoreError):
    """A failed bulk write was abandoned uncommitted; the process must exit (store unchanged)."""

    code = "store_abandoned"


class StoreLocked(StoreError):
    """Another process holds the database for writing."""

    code = "store_locked"


class UnknownBackend(AkgError):
    """No backend is registered under the requested name."""

    code = "unknown_backend"


class QueryNotFound(AkgError):
    """No named query has the requested name."""

    code = "query_not_found"


class QueryRefused(AkgError):
    """A researcher's query was refused before it reached the database."""

    code = "query_refused"


class QueryTimeout(AkgError):
    """A query ran past its time limit and was stopped."""

    code = "query_timeout"


class QueryTooLarge(AkgError):
    """The query needed more memory than a query may use, or returned too much."""

    code = "query_too_large"
