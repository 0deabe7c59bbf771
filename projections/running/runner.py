"""Keeping projections current: one supervised thread per projection.

A projection's thread takes the projection's exclusive lock (a second runner waits for
it), then processes batches whenever it is woken and at least every ``poll_interval``.
Wake-ups come from PostgreSQL NOTIFY (a listener thread, reconnecting when its
connection drops) and from the application's save listeners when it runs in this
process (the only prompt wake-up on SQLite and in memory). Any failure closes the
thread's connection, waits ``retry_delay`` and starts over from the tracked position.
The runner stops when ``stop()`` is called or when the application it follows is closed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application

from projections.projection import Projection
from projections.registry import projections as named_projections
from projections.running.batches import DEFAULT_BATCH, ProjectionWorker
from projections.source import EventSource
from projections.stores.database import Database
from projections.stores.postgres import listen
from projections.stores.session import StoreSession

log = logging.getLogger(__name__)


@dataclass
class RunnerState:
    """What one projection's thread is doing (for status and tests)."""

    active: bool = False
    position: int = 0
    restarts: int = 0
    last_error: str | None = None


class ProjectionRunner:
    def __init__(self, app: Application[Any], database: Database,
                 names: Sequence[str] | None = None, *, batch_size: int = DEFAULT_BATCH,
                 poll_interval: float = 1.0, retry_delay: float = 1.0,
                 lock_retry: float = 0.5) -> None:
        self.source = EventSource(app)
        self.database = database
        self.projections: list[Projection] = named_projections(names)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retry_delay = retry_delay
        self.lock_retry = lock_retry
        self.states = {p.name: RunnerState() for p in self.projections}
        self._stop = threading.Event()
        self._app_closing: threading.Event | None = getattr(app, "closing", None)
        self._wakes = {p.name: threading.Event() for p in self.projections}
        self._threads: list[threading.Thread] = []
        self._remove_listener: Callable[[], None] | None = None
        self._remove_close_hook: Callable[[], None] | None = None
        self._caught_up = threading.Condition()

    def wake(self, position: int | None = None) -> None:
        """Process new events now (a save listener: ``app.add_save_listener(wake)``)."""
        for event in self._wakes.values():
            event.set()

    def start(self) -> None:
        self.database.setup(self.projections)
        add_listener = getattr(self.source.app, "add_save_listener", None)
        if add_listener is not None:
            self._remove_listener = add_listener(self.wake)
        add_close_hook = getattr(self.source.app, "add_close_hook", None)
        if add_close_hook is not None:
            # Stop (and join) before the application closes its store connections.
            self._remove_close_hook = add_close_hook(self.stop)
        for projection in self.projections:
            self._spawn(self._supervise, projection.name, projection)
        channel = self.source.channel
        if channel is not None:
            self._spawn(self._listen, "listen", channel)

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=f"projection-{name}",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake()
        if self._remove_listener is not None:
            self._remove_listener()
        if self._remove_close_hook is not None:
            self._remove_close_hook()
            self._remove_close_hook = None
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def __enter__(self) -> ProjectionRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_until_caught_up(self, timeout: float = 10.0, position: int | None = None) -> bool:
        """Wait until every projection has reached ``position`` (default: the head)."""
        target = self.source.head() if position is None else position
        self.wake()
        with self._caught_up:
            return self._caught_up.wait_for(
                lambda: all(s.position >= target for s in self.states.values()), timeout)

    def _stopping(self) -> bool:
        if self._app_closing is not None and self._app_closing.is_set():
            self._stop.set()
        return self._stop.is_set()

    def _supervise(self, projection: Projection) -> None:
        state = self.states[projection.name]
        while not self._stopping():
            session: StoreSession | None = None
            try:
                session = self.database.session()
                if self._acquire(session, projection, state):
                    self._run(session, projection, state)
            except Exception as error:
                state.restarts += 1
                state.last_error = f"{type(error).__name__}: {error}"
                log.warning("projection %s failed (restarting in %.1fs): %s",
                            projection.name, self.retry_delay, state.last_error)
                self._stop.wait(self.retry_delay)
            finally:
                state.active = False
                if session is not None:
                    _close_quietly(session, projection.name)

    def _acquire(self, session: StoreSession, projection: Projection,
                 state: RunnerState) -> bool:
        while not self._stopping():
            if session.try_lock(projection.name):
                state.active = True
                return True
            self._stop.wait(self.lock_retry)
        return False

    def _run(self, session: StoreSession, projection: Projection, state: RunnerState) -> None:
        worker = ProjectionWorker(self.source, projection, session,
                                  batch_size=self.batch_size)
        wake = self._wakes[projection.name]
        while not self._stopping():
            # Clear before reading, so a save during the batch wakes us again.
            wake.clear()
            while not self._stopping() and worker.step():
                self._reached(state, worker.position)
            self._reached(state, worker.position)
            wake.wait(self.poll_interval)

    def _reached(self, state: RunnerState, position: int) -> None:
        with self._caught_up:
            state.position = position
            self._caught_up.notify_all()

    def _listen(self, channel: str) -> None:
        while not self._stopping():
            try:
                listen(self.database.url.dsn, self.database.url.schema, channel, self.wake,
                       self._stop)
            except Exception as error:
                log.warning("projection listener lost its connection (retrying): %s", error)
                self.wake()
                self._stop.wait(self.retry_delay)


def _close_quietly(session: StoreSession, name: str) -> None:
    try:
        session.unlock(name)
    except Exception as error:
        log.debug("unlocking %s failed: %s", name, error)
    try:
        session.close()
    except Exception as error:
        log.debug("closing the session of %s failed: %s", name, error)
