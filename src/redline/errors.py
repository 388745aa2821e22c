"""One exception hierarchy; the CLI and the API each map it to output in one place."""

from __future__ import annotations


class RedlineError(Exception):
    """Base of every error redline reports to a user instead of a traceback."""

    exit_code = 2

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.field = field

    def where(self) -> str:
        """The place of the error as `file:line (field)`, as much of it as is known."""
        parts: list[str] = []
        if self.source:
            parts.append(self.source if self.line is None else f"{self.source}:{self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class InputError(RedlineError):
    """A file or value the user gave is missing, malformed or invalid."""


class RulebookError(RedlineError):
    """The rulebook data cannot be loaded or does not resolve."""


class NotFoundError(RedlineError):
    """A named thing (regulation, trigger, checklist item) does not exist."""


class CheckFailedError(RedlineError):
    """A check ran and found problems (lint errors, a broken seal)."""

    exit_code = 1


class AuthenticationError(RedlineError):
    """No valid login, session or API token."""


class PermissionDeniedError(RedlineError):
    """The actor is known but may not do this."""


class ThrottledError(RedlineError):
    """Too many attempts; try again later (`retry_after` seconds, when known, becomes Retry-After)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: int | None = None,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, source=source, line=line, field=field)
        self.retry_after = retry_after


class ConflictError(RedlineError):
    """The request conflicts with the current state (for example a workflow step out of order)."""


class MissingSystemPackageError(RedlineError):
    """The machine lacks something redline needs (a font, a library); the message names the package."""


class StorageFullError(RedlineError):
    """The evidence store has no space left; nothing was stored."""


class PackageTooLargeError(RedlineError):
    """An upload or archive is larger than this installation accepts; nothing was read further."""


class NotMigratedError(RedlineError):
    """The database schema is older than this redline (or empty)."""
