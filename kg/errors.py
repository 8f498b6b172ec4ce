"""Errors users can catch: one base class, a few kinds.

Messages say what went wrong, where (file, line or offset) and what would be valid.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error policy-kg raises on purpose."""


class InputError(KGError):
    """A document cannot be read: wrong encoding, empty, binary, too large, broken."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnknownNameError(KGError, KeyError):
    """A name looked up in a registry (format, extractor, saved query) does not exist."""

    def __init__(self, kind: str, name: str, valid: list[str] | tuple[str, ...]) -> None:
        choices = ", ".join(sorted(valid))
        super().__init__(f"unknown {kind} {name!r}; valid: {choices}")
        self.kind = kind
        self.name = name
        self.valid = tuple(sorted(valid))

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class DataError(KGError):
    """A bundled data table (gazetteer, triggers) is missing or malformed."""


class OutputError(KGError):
    """An output folder cannot be written or read back."""
