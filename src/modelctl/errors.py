"""Errors and findings.

Catalog problems are *findings*: values collected and reported together, each
pinned to ``file:line:column``.  Exceptions are raised only when work cannot
continue:

    ModelctlError            a problem the user can fix; str() is "file:line:col: message"
      CatalogNotFound        the catalog directory is missing or is not a catalog
      TodayNotADate          $MODELCTL_TODAY is set to something else than a date (clock.today)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file: 1-based line and column."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a catalog, with its stable rule code."""

    code: str
    severity: Severity
    message: str
    location: Location
    json_path: str = "$"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value} {self.code} {self.message}"


class ModelctlError(Exception):
    """A problem the user can fix.  Only the CLI boundary catches it."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class CatalogNotFound(ModelctlError):
    """The catalog directory does not exist, cannot be read, or is not a catalog."""


class TodayNotADate(ModelctlError):
    """``$MODELCTL_TODAY`` is not a date.  Any command may ask for today, from deep in the library,
    so the boundary every command shares catches it (exit 4), as it does an I/O error."""
