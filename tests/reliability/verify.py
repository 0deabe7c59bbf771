"""After every scenario: the store holds every acknowledged write exactly once (and
nothing for a refused one), and every read model equals a clean rebuild, row for row."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from okr_api.storage import open_application
from okr_domain.objective_events import CheckInRecorded
from projections.catalog.tables import CHECK_INS
from projections.registry import PROJECTIONS
from projections.running.service import projection_status, rebuild_projection
from projections.stores.database import open_database
from projections.stores.session import Target
from tests.reliability.ledger import Ledger

ALIGNMENT_TOPICS = frozenset({"okr.Objective.Aligned", "okr.Objective.Unaligned",
                              "okr.AlignmentGraph.EdgeAdded", "okr.AlignmentGraph.EdgeRemoved"})
READ_BATCH = 2000


@dataclass
class Figures:
    events: int = 0
    check_ins_checked: int = 0
    alignments_checked: int = 0
    rows_compared: int = 0

    def add(self, other: Figures) -> None:
        self.events += other.events
        self.check_ins_checked += other.check_ins_checked
        self.alignments_checked += other.alignments_checked
        self.rows_compared += other.rows_compared


def check_store(url: str, ledger: Ledger) -> Figures:
    """Read the whole notification log and hold it against the ledger."""
    app = open_application(url)
    try:
        by_id: Counter[UUID] = Counter()
        by_note: Counter[str] = Counter()
        recorded: dict[UUID, tuple[int, Any]] = {}
        topics: dict[int, tuple[str, UUID]] = {}
        start, count = 1, 0
        while True:
            batch = app.recorder.select_notifications(start, READ_BATCH)
            if not batch:
                break
            for notification in batch:
                count += 1
                topics[notification.id] = (notification.topic, notification.originator_id)
                if notification.topic == CheckInRecorded.TOPIC:
                    event = app.mapper.to_domain_event(notification)
                    by_id[event.check_in_id] += 1
                    by_note[event.note] += 1
                    recorded[event.check_in_id] = (notification.id, event)
            start = batch[-1].id + 1
        head = app.recorder.max_notification_id() or 0
    finally:
        app.close()
    by_note_id = {event.note: check_in_id for check_in_id, (_, event) in recorded.items()}
    for ack in ledger.check_ins:
        assert by_note[ack.note] == 1, f"check-in {ack.key}: {by_note[ack.note]} times"
        check_in_id = ack.check_in_id or by_note_id[ack.note]
        assert by_id[check_in_id] == 1, f"check-in {ack.key}: {by_id[check_in_id]} times"
        position, event = recorded[check_in_id]
        assert event.note == ack.note
        assert event.key_result_id == ack.key_result.key_result
        assert position <= ack.position <= head, (ack, position, head)
    acked = {ack.key for ack in ledger.check_ins}
    for key in ledger.keys_sent:
        times = by_note[f"check-in {key}"]
        assert times <= 1, f"idempotency key {key} was recorded {times} times"
        if key in acked:
            assert times == 1
        if key in ledger.refused_keys:
            assert times == 0, f"a refused check-in ({key}) was written"
    positions = Counter(a.position for a in ledger.alignments)
    assert all(n == 1 for n in positions.values()), "two alignment acks share a position"
    for alignment in ledger.alignments:
        topic, _ = topics[alignment.position]
        assert topic in ALIGNMENT_TOPICS, (alignment, topic)
        own = [topics[p][0] for p in range(alignment.position - 3, alignment.position + 1)
               if p in topics and topics[p][1] == alignment.child]
        expected = "okr.Objective.Aligned" if alignment.parent else "okr.Objective.Unaligned"
        assert own[-1:] == [expected], (alignment, own)
    return Figures(events=count, check_ins_checked=len(ledger.check_ins),
                   alignments_checked=len(ledger.alignments))


def wait_caught_up(url: str, within: float = 60.0) -> int:
    """Until every projection has reached the head of the log; the head."""
    deadline = time.monotonic() + within
    while True:
        rows = projection_status(url)
        if all(r.lag == 0 for r in rows):
            return rows[0].head if rows else 0
        assert time.monotonic() < deadline, f"projections behind: {rows}"
        time.sleep(0.2)


def _dump(url: str) -> dict[str, Counter[str]]:
    database = open_database(url)
    session = database.session()
    try:
        return {table.name: Counter(repr(row) for row in session.all_rows(table, Target.LIVE))
                for projection in PROJECTIONS.values() for table in projection.tables}
    finally:
        session.close()


def check_read_models(url: str, ledger: Ledger | None = None) -> Figures:
    """The live read models (caught up) against a clean rebuild of each, row for row."""
    wait_caught_up(url)
    live = _dump(url)
    for name in PROJECTIONS:
        rebuild_projection(url, name, fresh=True)
    rebuilt = _dump(url)
    for table, rows in live.items():
        missing, extra = rebuilt[table] - rows, rows - rebuilt[table]
        assert not missing, f"{table} lacks rows of a clean rebuild: {list(missing)[:3]}"
        assert not extra, f"{table} has rows a clean rebuild lacks: {list(extra)[:3]}"
    if ledger is not None:
        database = open_database(url)
        session = database.session()
        try:
            ids = Counter(row.id for row in session.all_rows(CHECK_INS, Target.LIVE))
        finally:
            session.close()
        for ack in ledger.check_ins:
            if ack.check_in_id is not None:
                assert ids[ack.check_in_id] == 1, f"check-in {ack.key} not in the read model"
    return Figures(rows_compared=sum(sum(c.values()) for c in live.values()))
