"""The exception tree of feedsvc.

    FeedsvcError                 anything feedsvc raises on purpose
    ├── ConfigError              a setting or a settings file is wrong (names the setting or file)
    ├── IngestError              a corpus file cannot be read or understood (names the file and line)
    ├── NotFound                 a topic, item or page that does not exist
    ├── DeliveryError            the mail server cannot be reached, or the connection broke
    └── InvalidField             a form or command value is wrong (names the field)

The web maps these to a status and ``error.html``; the CLI prints one line and exits with status 1.
"""

from __future__ import annotations


class FeedsvcError(Exception):
    """Base class of every error feedsvc raises on purpose."""


class ConfigError(FeedsvcError):
    """A setting, or a file named by a setting, is invalid."""


class IngestError(FeedsvcError):
    """A corpus file (and optionally one line of it) could not be ingested."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"

    def at(self, path: str) -> IngestError:
        """The same error, naming the file it came from."""
        return IngestError(self.reason, path=path, line=self.line)


class NotFound(FeedsvcError):
    """A requested topic, item or page does not exist."""


class DeliveryError(FeedsvcError):
    """The mail server could not be reached, or dropped the connection before a message was complete."""


class InvalidField(FeedsvcError):
    """A value given for a field of a form or command is not acceptable."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
