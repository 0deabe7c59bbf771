"""The PostgreSQL event store with bounded retries.

The library retries every read and insert ten times when the database cannot be
reached, each time waiting up to the pool timeout for a connection: with the database
down, one call blocks for about a minute. Here each call is tried twice (a pooled
connection the server dropped is replaced on the second try), so an outage is reported
within a few seconds and the API can answer 503 instead of hanging.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import retry

ATTEMPTS = 2
WAIT_SECONDS = 0.2
FACTORY_TOPIC = "projections.event_store:BoundedRetryPostgresFactory"


def _bounded(method: Any) -> Any:
    """The library's method without its own retry loop, under a bounded one."""
    unwrapped = getattr(method, "__wrapped__", method)
    return retry((InterfaceError, OperationalError), max_attempts=ATTEMPTS,
                 wait=WAIT_SECONDS)(unwrapped)


class BoundedAggregateRecorder(PostgresAggregateRecorder):
    """Snapshots."""

    insert_events = _bounded(PostgresAggregateRecorder.insert_events)
    select_events = _bounded(PostgresAggregateRecorder.select_events)


class BoundedApplicationRecorder(PostgresApplicationRecorder):
    """Events and the notification log."""

    insert_events = _bounded(PostgresApplicationRecorder.insert_events)
    select_events = _bounded(PostgresApplicationRecorder.select_events)
    select_notifications = _bounded(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _bounded(PostgresApplicationRecorder.max_notification_id)


class BoundedRetryPostgresFactory(PostgresFactory):
    aggregate_recorder_class = BoundedAggregateRecorder
    application_recorder_class = BoundedApplicationRecorder
