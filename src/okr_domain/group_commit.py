"""Group commit: concurrent commands saved together, one transaction per group.

Every event store insert takes a table lock (that keeps positions in commit order), so
one transaction per command caps throughput. Commands that finish while a transaction
is in flight queue up here and go into the next transaction together; each command
still gets its own positions back. If the group's insert hits a version conflict, its
submissions are saved one by one, so only the command that really conflicted gets the
``IntegrityError`` (and retries from fresh state, as without grouping).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording

MAX_GROUP = 64


class ApplicationClosedError(RuntimeError):
    """A command tried to save after the application closed."""


@dataclass
class Submission:
    aggregates: list[Aggregate]
    events: list[Any]
    done: Future[list[Recording[Any]]] = field(default_factory=Future)


Record = Callable[[ProcessingEvent[Any]], list[Recording[Any]]]


class GroupCommitter:
    def __init__(self, record: Record, after: Callable[[ProcessingEvent[Any],
                                                         list[Recording[Any]]], None]) -> None:
        self._record = record
        self._after = after
        self._queue: queue.SimpleQueue[Submission | None] = queue.SimpleQueue()
        # Submissions and the closing sentinel are queued under this lock, so nothing
        # can be queued behind the sentinel and wait for an answer that never comes.
        self._closing = threading.Lock()
        self._closed = False
        self.transactions = 0
        self.submissions = 0
        self._thread = threading.Thread(target=self._loop, name="okr-group-commit",
                                        daemon=True)
        self._thread.start()

    def commit(self, aggregates: Sequence[Aggregate | None]) -> list[Recording[Any]]:
        """Save the aggregates' pending events (in a group); blocks until committed."""
        chosen = [a for a in aggregates if a is not None]
        events = [e for a in chosen for e in a.collect_events()]
        if not events:
            return []
        submission = Submission(chosen, events)
        with self._closing:
            if self._closed:
                raise ApplicationClosedError("the application is closed")
            self._queue.put(submission)
        return submission.done.result()

    def close(self) -> None:
        with self._closing:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            # Whatever queued up while the last transaction ran joins this one.
            while len(group) < MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                group.append(more)
            self._save(group)

    def _save(self, group: list[Submission]) -> None:
        try:
            recordings = self._save_together(group)
        except IntegrityError:
            if len(group) == 1:
                group[0].done.set_exception(IntegrityError("version conflict"))
                return
            for submission in group:
                try:
                    submission.done.set_result(self._save_together([submission]))
                except Exception as error:  # handed to the command's own thread
                    submission.done.set_exception(error)
            return
        except Exception as error:  # the database is down, say: every command hears it
            for submission in group:
                submission.done.set_exception(error)
            return
        start = 0
        for submission in group:
            end = start + len(submission.events)
            submission.done.set_result(recordings[start:end])
            start = end

    def _save_together(self, group: list[Submission]) -> list[Recording[Any]]:
        processing: ProcessingEvent[Any] = ProcessingEvent()
        for submission in group:
            processing.events.extend(submission.events)
            for aggregate in submission.aggregates:
                processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)
        self.transactions += 1
        self.submissions += len(group)
        self._after(processing, recordings)
        return recordings
