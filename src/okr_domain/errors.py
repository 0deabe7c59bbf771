"""Typed domain errors with stable codes.

A rejected command raises one of these and writes nothing. The ``code`` is part of the
public contract (GraphQL ``userErrors.code``); never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_STATE = "INVALID_STATE"
    CYCLE_CLOSED = "CYCLE_CLOSED"
    TARGET_EQUALS_START = "TARGET_EQUALS_START"
    TARGET_DIRECTION = "TARGET_DIRECTION"
    VALUE_OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"
    ALIGNMENT_LEVEL = "ALIGNMENT_LEVEL"
    ALIGNMENT_CYCLE = "ALIGNMENT_CYCLE"
    ALIGNMENT_CYCLE_MISMATCH = "ALIGNMENT_CYCLE_MISMATCH"
    ALREADY_ALIGNED = "ALREADY_ALIGNED"
    NOT_ALIGNED = "NOT_ALIGNED"
    PROPOSAL_NOT_PENDING = "PROPOSAL_NOT_PENDING"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    MANAGER_CYCLE = "MANAGER_CYCLE"
    TEAM_CYCLE = "TEAM_CYCLE"
    CONFLICT = "CONFLICT"


class DomainError(Exception):
    """A command was rejected; nothing was written."""

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, field: str | None = None,
                 code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r}, field={self.field!r})"


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class NotFound(DomainError):
    """Unknown IDs, and IDs of another organization: the two are indistinguishable."""

    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class InvalidState(DomainError):
    code = ErrorCode.INVALID_STATE


class Conflict(DomainError):
    """Concurrent writers kept winning until the retry budget ran out."""

    code = ErrorCode.CONFLICT
