"""The live feed of one API process: the hub, its tailer and the stored-event reader."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okr_api.auth import Principal
from okr_api.live.audience import Audience
from okr_api.live.builder import EventBuilder
from okr_api.live.hub import Hub
from okr_api.live.stream import EventLog
from okr_api.live.tailer import Tailer
from okr_api.settings import Settings
from okr_domain.application import OkrApplication
from okr_domain.values import Role
from projections.readers import AsyncCatalogReader
from projections.reading import ViewerScope


@dataclass
class LiveFeed:
    hub: Hub
    tailer: Tailer
    event_log: EventLog
    read_model: AsyncCatalogReader

    @classmethod
    async def start(cls, app: OkrApplication, read_model: AsyncCatalogReader, url: str,
                    settings: Settings) -> LiveFeed:
        builder = EventBuilder(read_model)
        hub = Hub(settings.live_queue_size)
        tailer = Tailer(app, builder, hub, url, poll_seconds=settings.live_poll_seconds)
        await tailer.start()
        return cls(hub, tailer, EventLog(app, builder), read_model)

    async def stop(self) -> None:
        await self.tailer.stop()

    async def audience_for(self, principal: Principal) -> Audience:
        actor = principal.actor
        if actor.is_admin:
            return Audience(actor.organization_id, actor.roles, actor.person_id, None)
        scope = (await self.read_model.viewer_scope(actor.organization_id, actor.person_id)
                 if actor.person_id is not None else ViewerScope())
        return Audience(actor.organization_id, actor.roles, actor.person_id, scope)

    @staticmethod
    def role_audience(organization_id: UUID, role: Role) -> Audience:
        """A webhook endpoint's audience: a service acting with one role, no person."""
        scope = None if role is Role.ADMIN else ViewerScope()
        return Audience(organization_id, frozenset({role}), None, scope)

