"""The application's notification log, read in batches and decoded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from projections.projection import Event


class EventSource:
    def __init__(self, app: Application[Any]) -> None:
        self.app = app
        self.recorder = app.recorder
        self.mapper = app.mapper

    def read(self, after: int, limit: int) -> Sequence[Notification]:
        """Up to ``limit`` notifications after position ``after``, in order."""
        return self.recorder.select_notifications(start=after + 1, limit=limit)

    def decode(self, notification: Notification) -> Event:
        return cast(Event, self.mapper.to_domain_event(notification))

    def head(self) -> int:
        """The last position in the log (0 when it is empty)."""
        return self.recorder.max_notification_id() or 0

    @property
    def channel(self) -> str | None:
        """The PostgreSQL NOTIFY channel written on every insert (None elsewhere)."""
        name = getattr(self.recorder, "channel_name", None)
        return name if isinstance(name, str) else None
