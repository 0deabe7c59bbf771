"""The webhooks of one API process: the store of cursors and deliveries, and the
delivery worker (when this process runs one)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from okr_api.live.service import LiveFeed
from okr_api.reminders.schedule import ReminderSchedule
from okr_api.settings import Settings
from okr_api.webhooks.store import WebhookStore
from okr_api.webhooks.worker import WebhookWorker
from okr_domain.application import OkrApplication


@dataclass
class Webhooks:
    store: WebhookStore
    worker: WebhookWorker | None
    reminders: ReminderSchedule | None = None

    @classmethod
    async def start(cls, app: OkrApplication, url: str, feed: LiveFeed,
                    settings: Settings) -> Webhooks:
        store = WebhookStore(url)
        await asyncio.to_thread(store.setup)
        worker = None
        if settings.webhooks_enabled:
            worker = WebhookWorker(app, store, feed, settings)
            await worker.start()
        reminders = None
        if worker is not None and settings.reminders_enabled:
            # The schedule runs where webhooks are delivered: one process at a time.
            holder = worker
            reminders = ReminderSchedule(app, feed.read_model,
                                         settings.reminder_interval_seconds,
                                         lambda: holder.holding)
            reminders.start()
        return cls(store, worker, reminders)

    async def stop(self) -> None:
        if self.reminders is not None:
            await self.reminders.stop()
        if self.worker is not None:
            await self.worker.stop()
        await asyncio.to_thread(self.store.close)

    def kick(self) -> None:
        if self.worker is not None:
            self.worker.kick()
