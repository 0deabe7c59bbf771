"""Telling a database outage from a bug: errors that mean "the database cannot be reached
right now" are answered with 503 and ``SERVICE_UNAVAILABLE`` (and a ``Retry-After``),
never as an internal error and never after a long wait."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]
import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "the database is temporarily unavailable; retry shortly"
RETRY_AFTER_SECONDS = 2
OUTAGES: tuple[type[BaseException], ...] = (
    OperationalError,  # the event store (eventsourcing)
    InterfaceError,
    psycopg.OperationalError,  # read-model sessions and pools, pool timeouts included
    psycopg.InterfaceError,
    asyncpg.PostgresConnectionError,  # the API's read-model pool
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up
    ConnectionError,
    TimeoutError,
)


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database is unreachable."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGES):
            return True
        error = error.__cause__
        seen += 1
    return False


def retry_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
