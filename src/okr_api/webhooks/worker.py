"""The delivery worker: one process at a time delivers (by a lease in the database; the
others stand by and take over when it lapses), one task per active endpoint.

Each endpoint's task reads the event log after its cursor (not the live queues: the
cursor survives restarts), keeps what the endpoint's filter and role allow, and posts
the events one by one, in order. The cursor moves in the same transaction as the log
row of the attempt that delivered, so a crash between the receiver's 2xx and the
commit means one more delivery, never a lost one (at least once, in order). Failures
are retried with backoff, 410 Gone disables the endpoint.

The worker learns about endpoints from their own events (registered, paused, resumed,
disabled, deleted, replay requested), read from the log after a stored position.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from typing import Any
from uuid import UUID

import httpx

from okr_api.live.filters import EventFilter
from okr_api.live.model import EventType, LiveEvent
from okr_api.live.service import LiveFeed
from okr_api.reminders.webhook import Reminder, read_reminders, shaped
from okr_api.reminders.webhook import body as reminder_body
from okr_api.settings import Settings
from okr_api.webhooks.delivery import Attempt, Outcome, backoff, deliver, deliver_body
from okr_api.webhooks.store import Delivery, EndpointChange, WebhookStore
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import HrMode, Role
from okr_domain.webhook_endpoint import WebhookEndpoint

log = logging.getLogger("okr_api.webhooks")

STATUS_TOPICS = {
    WebhookEndpoint.Paused.TOPIC: "PAUSED",
    WebhookEndpoint.Resumed.TOPIC: "ACTIVE",
    WebhookEndpoint.Disabled.TOPIC: "DISABLED",
    WebhookEndpoint.Deleted.TOPIC: "DELETED",
}
ENDPOINT_TOPICS = (WebhookEndpoint.Created.TOPIC, WebhookEndpoint.ReplayRequested.TOPIC,
                   *STATUS_TOPICS)
DISCOVERY_BATCH = 1000


class WebhookWorker:
    lease_seconds = 15.0
    renew_seconds = 2.0

    def __init__(self, app: OkrApplication, store: WebhookStore, feed: LiveFeed,
                 settings: Settings) -> None:
        self.app = app
        self.store = store
        self.feed = feed
        self.settings = settings
        self.owner = f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        self.holding = False
        self.discovered = 0
        """How far the endpoints' own events were applied: deliveries stop there, so an
        event after a pause is never delivered before the pause is seen."""
        self._endpoints: dict[str, asyncio.Task[None]] = {}
        self._main: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None
        self._kick = asyncio.Event()
        self._stopping = False

    async def start(self) -> None:
        await asyncio.to_thread(self.store.setup)
        self._client = httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds,
                                         follow_redirects=False, trust_env=False)
        self._main = asyncio.create_task(self._run(), name="webhook-worker")

    async def stop(self) -> None:
        # The flag ends the loops even when a cancellation is lost on a wake-up that
        # completes at the same moment (Python 3.11), as it does once the hub is closed.
        self._stopping = True
        self._kick.set()
        tasks = [t for t in (self._main, *self._endpoints.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._endpoints.clear()
        if self.holding:
            with contextlib.suppress(Exception):  # else the lease lapses by itself
                await asyncio.wait_for(
                    asyncio.to_thread(self.store.release_lease, self.owner), 5)
        if self._client is not None:
            await self._client.aclose()

    def kick(self) -> None:
        """Look at the endpoints' events now (after a webhook mutation)."""
        self._kick.set()

    async def _run(self) -> None:
        while not self._stopping and not self.feed.hub.closed:
            self._kick.clear()
            seen = self.feed.hub.position
            try:
                self.holding = await asyncio.to_thread(self.store.acquire_lease, self.owner,
                                                       self.lease_seconds)
                if self.holding:
                    await self._discover(seen)
                    await self._sync()
                else:
                    self._cancel(list(self._endpoints))
            except Exception as error:  # the database may be briefly unreachable
                log.warning("the webhook worker failed (retrying): %s", error)
            await self._wait(seen)

    async def _wait(self, seen: int) -> None:
        """Until something is written, a mutation kicks, or it is time to renew."""
        waits = {asyncio.ensure_future(self.feed.hub.wait_beyond(seen, self.renew_seconds)),
                 asyncio.ensure_future(self._kick.wait())}
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _discover(self, stop: int) -> None:
        start = await asyncio.to_thread(self.store.discovered)
        self.discovered = start
        while start < stop:
            notifications = await asyncio.to_thread(
                self.app.recorder.select_notifications, start + 1, DISCOVERY_BATCH, stop,
                ENDPOINT_TOPICS)
            scanned = (notifications[-1].id if len(notifications) >= DISCOVERY_BATCH
                       else stop)
            changes = [_change(self.app.mapper.to_domain_event(n), n.id)
                       for n in notifications]
            if not await asyncio.to_thread(self.store.apply_discovery, self.owner, changes,
                                           scanned):
                return
            start = self.discovered = scanned

    async def _sync(self) -> None:
        cursors = await asyncio.to_thread(self.store.cursors)
        active = {c.endpoint_id: c.organization_id for c in cursors if c.status == "ACTIVE"}
        self._cancel([e for e, task in self._endpoints.items()
                      if e not in active or task.done()])
        for endpoint_id, organization_id in active.items():
            if endpoint_id not in self._endpoints:
                self._endpoints[endpoint_id] = asyncio.create_task(
                    self._endpoint(endpoint_id, UUID(organization_id)),
                    name=f"webhook-{endpoint_id[:8]}")

    def _cancel(self, endpoint_ids: list[str]) -> None:
        for endpoint_id in endpoint_ids:
            task = self._endpoints.pop(endpoint_id, None)
            if task is not None:
                task.cancel()

    async def _endpoint(self, endpoint_id: str, organization_id: UUID) -> None:
        try:
            await self._deliver_all(endpoint_id, organization_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("webhook endpoint %s failed (restarting): %s", endpoint_id, error)
            await asyncio.sleep(self.renew_seconds)

    async def _deliver_all(self, endpoint_id: str, organization_id: UUID) -> None:
        endpoint = await asyncio.to_thread(self.app.webhook_endpoint, organization_id,
                                           UUID(hex=endpoint_id))
        if endpoint is None:
            return
        where = EventFilter.from_dict(endpoint.filter)
        where = EventFilter(where.cycle_id, where.team_id, where.include_sub_teams,
                            where.person_id, where.objective_id, where.kinds,
                            frozenset(EventType(t) for t in endpoint.event_types))
        audience = LiveFeed.role_audience(organization_id, Role(endpoint.role))
        reminders_wanted = EventType.CHECK_IN_DUE in where.types
        hub, event_log = self.feed.hub, self.feed.event_log
        while not self._stopping and not hub.closed:
            cursor = await asyncio.to_thread(self.store.cursor, endpoint_id)
            if cursor is None or cursor.status != "ACTIVE":
                return
            wait = cursor.next_attempt_at - time.time()
            if wait > 0:  # re-read the row now and then: a pause or replay may come
                await asyncio.sleep(min(wait, 1.0))
                continue
            stop = min(hub.position, self.discovered)
            if cursor.position >= stop:
                if hub.position > cursor.position:  # the endpoints' events come first
                    await asyncio.sleep(0.02)
                else:
                    await hub.wait_beyond(cursor.position, 1.0)
                continue
            events, scanned = await event_log.read(cursor.position, stop, where)
            wanted: list[LiveEvent | Reminder] = [
                s for e in events if (s := audience.shape(e)) is not None and where.matches(s)]
            if reminders_wanted:
                wanted = sorted([*wanted, *await self._reminders(
                    organization_id, Role(endpoint.role), where, cursor.position, scanned)],
                    key=lambda e: e.position)
            position, failures = cursor.position, cursor.failures
            for event in wanted:
                assert self._client is not None
                attempt = await self._deliver(endpoint.url, endpoint.secret, event)
                record = Delivery(0, endpoint_id, str(event.event_id), event.position,
                                  failures + 1, attempt.status_code, attempt.outcome.value,
                                  attempt.error, attempt.latency_ms, time.time())
                if attempt.outcome is Outcome.DELIVERED:
                    if not await asyncio.to_thread(self.store.advance, self.owner,
                                                   endpoint_id, position, event.position,
                                                   record):
                        break  # the cursor was moved (a replay) or the lease lost
                    position, failures = event.position, 0
                    continue
                if attempt.outcome is Outcome.GONE:
                    await asyncio.to_thread(self.store.failed, self.owner, endpoint_id,
                                            position, record, 0.0, "DISABLED")
                    await self._disable(organization_id, endpoint_id, attempt.error or "")
                    return
                settings = self.settings
                retry_at = time.time() + backoff(failures + 1,
                                                 settings.webhook_retry_base_seconds,
                                                 settings.webhook_retry_max_seconds)
                await asyncio.to_thread(self.store.failed, self.owner, endpoint_id,
                                        position, record, retry_at)
                break
            else:
                await asyncio.to_thread(self.store.advance, self.owner, endpoint_id,
                                        position, scanned)

    async def _reminders(self, organization_id: UUID, role: Role, where: EventFilter,
                         after: int, scanned: int) -> list[Reminder]:
        """The check-in reminders in (after, scanned], as this endpoint receives them."""
        found = await asyncio.to_thread(read_reminders, self.app, organization_id, after,
                                        scanned, DISCOVERY_BATCH)
        if not found:
            return []
        organization = await self.feed.read_model.organization(organization_id)
        mode = organization.policy.hr_mode if organization else HrMode.NONE
        return [s for r in found if (s := shaped(r, role, mode, where)) is not None]

    async def _deliver(self, url: str, secret: str, event: LiveEvent | Reminder) -> Attempt:
        assert self._client is not None
        loopback = self.settings.webhook_loopback_allowed
        if isinstance(event, Reminder):
            payload = await reminder_body(event, self.feed.read_model)
            return await deliver_body(self._client, url, secret, str(event.event_id),
                                      payload, allow_loopback=loopback)
        return await deliver(self._client, url, secret, event, allow_loopback=loopback)

    async def _disable(self, organization_id: UUID, endpoint_id: str, reason: str) -> None:
        try:
            await asyncio.to_thread(self.app.disable_webhook_endpoint,
                                    Actor.system(organization_id), UUID(hex=endpoint_id),
                                    reason)
        except Exception as error:  # the cursor row already says DISABLED
            log.warning("recording that endpoint %s is gone failed: %s", endpoint_id, error)


def _change(event: Any, position: int) -> EndpointChange:
    endpoint_id = event.originator_id.hex
    org = event.organization_id.hex
    if isinstance(event, WebhookEndpoint.Created):
        return EndpointChange("registered", endpoint_id, org, value=position)
    if isinstance(event, WebhookEndpoint.ReplayRequested):
        return EndpointChange("replay", endpoint_id, org, value=event.after_position)
    return EndpointChange("status", endpoint_id, org, status=STATUS_TOPICS[event.TOPIC])
