"""One tailer per API process: follows the event log and publishes to the hub.

Wake-ups come from PostgreSQL NOTIFY (an asyncpg LISTEN connection, supervised: a
dropped connection is reopened, with a catch-up afterwards), from this process's own
saves (the application's save listener: the only prompt wake-up on SQLite), and from
a poll every ``poll_seconds`` as a backstop. Every wake-up reads the log after the last
published position; positions are in commit order on both stores, so nothing is
skipped. Each notification is decoded and enriched once, whatever the number of
subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from eventsourcing.persistence import Notification

from okr_api.live.builder import EventBuilder, decode
from okr_api.live.hub import Hub
from okr_domain.application import OkrApplication
from projections.stores.urls import Backend, StoreUrl

log = logging.getLogger("okr_api.live")

BATCH_SIZE = 500
HEARTBEAT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5.0


class Tailer:
    def __init__(self, app: OkrApplication, builder: EventBuilder, hub: Hub, url: str, *,
                 poll_seconds: float = 1.0, retry_seconds: float = 1.0,
                 batch_size: int = BATCH_SIZE) -> None:
        self.app = app
        self.builder = builder
        self.hub = hub
        self.url = StoreUrl.parse(url)
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.batch_size = batch_size
        self.listening = False
        self.listener_restarts = 0
        self.failures = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._remove_listener: Callable[[], None] | None = None
        self._watchers: list[Callable[[Sequence[Notification]], None]] = []

    def watch(self, watcher: Callable[[Sequence[Notification]], None]) -> None:
        """Show ``watcher`` every notification read from now on, in log order, before
        the hub publishes them (caches that must drop what an event makes stale)."""
        self._watchers.append(watcher)

    async def start(self) -> None:
        self.hub.position = await asyncio.to_thread(self._head)
        loop = asyncio.get_running_loop()

        def saved(position: int) -> None:  # called in the saving thread
            loop.call_soon_threadsafe(self._wake.set)

        self._remove_listener = self.app.add_save_listener(saved)
        self._tasks.append(asyncio.create_task(self._follow(), name="live-tailer"))
        channel = getattr(self.app.recorder, "channel_name", None)
        if self.url.backend is Backend.POSTGRES and isinstance(channel, str):
            self._tasks.append(asyncio.create_task(self._listen(channel), name="live-listen"))

    async def stop(self) -> None:
        # The flag ends the loops even when a cancellation lands on a wake-up that
        # completes at the same moment (the cancel is then lost on Python 3.11).
        self._stopping = True
        self._wake.set()
        if self._remove_listener is not None:
            self._remove_listener()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.hub.close()

    def wake(self) -> None:
        self._wake.set()

    def _head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    async def _follow(self) -> None:
        while not self._stopping:
            # Cleared before reading, so a save during the catch-up wakes us again.
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception as error:  # the store may be briefly unreachable
                self.failures += 1
                log.warning("the live tailer failed (retrying): %s", error)
                await asyncio.sleep(self.retry_seconds)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()

    async def catch_up(self) -> None:
        """Publish everything stored after the hub's position."""
        while True:
            notifications = await asyncio.to_thread(
                self.app.recorder.select_notifications, self.hub.position + 1,
                self.batch_size)
            if not notifications:
                return
            for watcher in self._watchers:
                watcher(notifications)
            decoded = await asyncio.to_thread(decode, self.app, notifications)
            events = await self.builder.build(decoded)
            await self.hub.publish(events, notifications[-1].id)
            if len(notifications) < self.batch_size:
                return

    async def _listen(self, channel: str) -> None:
        while not self._stopping:
            try:
                await self._listen_once(channel)
            except (OSError, TimeoutError, asyncpg.PostgresError,
                    asyncpg.InterfaceError) as error:
                log.warning("the live LISTEN connection failed (reconnecting): %s", error)
            finally:
                self.listening = False
            self.listener_restarts += 1
            self._wake.set()
            await asyncio.sleep(self.retry_seconds)

    async def _listen_once(self, channel: str) -> None:
        conn: Any = await asyncpg.connect(
            self.url.dsn, timeout=CONNECT_TIMEOUT_SECONDS,
            server_settings={"application_name": f"okr-live/{self.url.schema}"[:63]})
        try:
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(channel, lambda *_args: self._wake.set())
            self.listening = True
            self._wake.set()  # catch up on what was written while not listening
            while not lost.is_set() and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        await lost.wait()
                if not lost.is_set() and not self._stopping:
                    # A dead peer is only noticed when something is sent.
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        await conn.execute("SELECT 1")
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT_SECONDS)
