"""The live feed of one API process: the hub, its tailer and the stored-event reader.

Audiences are read once for all the streams of the same person and roles and kept for
``AUDIENCE_SECONDS``; a change of people or teams seen in the log forgets them all at
once, and the hub reads the open cohorts' audiences again before its next batch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.persistence import Notification

from okr_api.auth import Principal
from okr_api.live.audience import Audience
from okr_api.live.builder import EventBuilder
from okr_api.live.hub import Hub
from okr_api.live.stream import EventLog
from okr_api.live.tailer import Tailer
from okr_api.settings import Settings
from okr_domain.application import OkrApplication
from okr_domain.values import Role
from projections.reading.interface import AsyncCatalogReader
from projections.reading.queries import ViewerScope

AUDIENCE_SECONDS = 5.0
SCOPE_TOPICS = ("okr.Person.", "okr.Team.")
SCOPE_CATCH_UP_SECONDS = 2.0
AudienceKey = tuple[UUID, UUID | None, frozenset[Role]]


@dataclass
class LiveFeed:
    hub: Hub
    tailer: Tailer
    event_log: EventLog
    read_model: AsyncCatalogReader
    _audiences: dict[AudienceKey, tuple[Audience, float]] = field(default_factory=dict)

    @classmethod
    async def start(cls, app: OkrApplication, read_model: AsyncCatalogReader, url: str,
                    settings: Settings) -> LiveFeed:
        builder = EventBuilder(read_model)
        hub = Hub(settings.live_queue_size)
        tailer = Tailer(app, builder, hub, url, poll_seconds=settings.live_poll_seconds)
        feed = cls(hub, tailer, EventLog(app, builder), read_model)
        hub.refresh = feed.refresh
        tailer.watch(feed.seen)
        await tailer.start()
        return feed

    async def stop(self) -> None:
        await self.tailer.stop()

    def seen(self, notifications: Sequence[Notification]) -> None:
        """A tailer's watcher: people and teams changed, so scopes may have."""
        if any(n.topic.startswith(SCOPE_TOPICS) for n in notifications):
            self._audiences.clear()
            self.hub.scopes_changed = True

    async def audience_for(self, principal: Principal) -> Audience:
        actor = principal.actor
        key = (actor.organization_id, actor.person_id, actor.roles)
        known = self._audiences.get(key)
        if known is not None and time.monotonic() - known[1] < AUDIENCE_SECONDS:
            return known[0]
        audience = await self._read(actor.organization_id, actor.person_id, actor.roles)
        self._audiences[key] = (audience, time.monotonic())
        return audience

    async def refresh(self, audience: Audience, position: int) -> Audience:
        """``audience`` as the read model has it once it reached ``position``."""
        await self.read_model.wait_for_position(position, SCOPE_CATCH_UP_SECONDS)
        fresh = await self._read(audience.organization_id, audience.person_id,
                                 audience.roles)
        self._audiences[(audience.organization_id, audience.person_id, audience.roles)] = (
            fresh, time.monotonic())
        return fresh

    async def _read(self, organization_id: UUID, person_id: UUID | None,
                    roles: frozenset[Role]) -> Audience:
        if Role.ADMIN in roles:
            return Audience(organization_id, roles, person_id, None)
        scope = (await self.read_model.viewer_scope(organization_id, person_id)
                 if person_id is not None else ViewerScope())
        return Audience(organization_id, roles, person_id, scope)

    @staticmethod
    def role_audience(organization_id: UUID, role: Role) -> Audience:
        """A webhook endpoint's audience: a service acting with one role, no person."""
        scope = None if role is Role.ADMIN else ViewerScope()
        return Audience(organization_id, frozenset({role}), None, scope)
