"""Make ``store.sqlite3``: an event store holding every event type, written by the
release whose encoding it pins, and ``events.txt``: what that release read back from it.

Run from the repository root with that release's code on the path::

    python -m tests.domain.previous_release.make_store

The store is a small seeded organization (its first week of check-ins, with the
snapshots a bulk load takes) plus one command of every other kind,
with text that JSON must escape (quotes, backslashes, control characters, non-ASCII)
and numbers at the edges of their formats.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from okr_api.seeding.generator import SeedPlan, seed
from okr_api.storage import init_database
from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Kind, Level, MetricType, Role, TeamKind, Visibility

HERE = Path(__file__).parent
STORE = HERE / "store.sqlite3"
EVENTS = HERE / "events.txt"
ODD_TEXT = 'Quotes " and \\ backslashes,\ttabs\nnew lines\r\x7f, é ü ß, 日本語, 🚀 \u2028 end'
NAME = 'Quotes " and \\ backslashes, é ü ß, 日本語, 🚀 \u2028 \x7f end'


def describe(value: Any) -> str:
    """An unambiguous text of a decoded value (types included, dict order kept)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{k!r}: {describe(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return type(value).__name__ + "[" + ", ".join(describe(v) for v in value) + "]"
    return f"{type(value).__name__}({value!r})"


def stored_lines(app: OkrApplication) -> list[str]:
    lines = []
    for n in app.recorder.select_notifications(start=None, limit=10_000_000):
        event = app.mapper.to_domain_event(n)
        lines.append(f"{n.id} {n.topic} {describe(vars(event))}")
    for snapshot in _snapshots(app):
        lines.append(f"snapshot {snapshot.topic} {describe(vars(snapshot))}")
    return lines


def _snapshots(app: OkrApplication) -> list[Any]:
    assert app.snapshots is not None
    recorder = app.snapshots.recorder
    found = []
    for n in app.recorder.select_notifications(start=None, limit=10_000_000):
        if n.originator_version != 1:
            continue
        for stored in recorder.select_events(n.originator_id):  # type: ignore[attr-defined]
            found.append(app.snapshots.mapper.to_domain_event(stored))
    return found


def add_every_other_kind(app: OkrApplication, admin: Actor) -> None:
    now = clock.now()
    cycle = app.create_cycle(admin, "fixture-sprint", name=NAME, starts_on=date(2026, 10, 1),
                             ends_on=date(2026, 10, 31)).id
    app.activate_cycle(admin, cycle)
    app.update_organization_policy(admin, check_in_cadence_days=14)
    lead = app.upsert_person(admin, "x-lead", "Zoë Ñúñez", email="zoe@example.test").id
    dev = app.upsert_person(admin, "x-dev", "Dev \"Quoted\"", manager_id=lead).id
    app.upsert_person(admin, "x-dev", "Dev Renamed", manager_id=lead)
    team = app.create_team(admin, "Équipe 日本", kind=TeamKind.DEPARTMENT, lead_id=lead).id
    app.update_team(admin, team, name="Équipe renamed")
    company = app.create_objective(admin, cycle, Level.COMPANY, NAME,
                                   description=ODD_TEXT, idempotency_key="fixture-1").id
    app.activate_objective(admin, company)
    mine = app.create_objective(admin, cycle, Level.INDIVIDUAL, "Grow",
                                owner_person_id=dev, kind=Kind.COMMITTED).id
    app.activate_objective(admin, mine)
    app.update_objective(admin, mine, title="Grow more", supporters_can_check_in=True)
    app.set_objective_visibility(admin, mine, Visibility.PRIVATE)
    tiny = app.add_key_result(admin, company, "Tiny", MetricType.INCREASE_TO,
                              start=Decimal("0"), target=Decimal("100000000000000"),
                              weight=0.00001).id
    app.record_check_in(admin, company, tiny, Decimal("0.000001"), confidence=3,
                        note=ODD_TEXT, applies_at=now - timedelta(days=1))
    app.record_check_in(admin, company, tiny, "123456789012345.5", in_one_on_one=True)
    down = app.add_key_result(admin, company, "Down", MetricType.DECREASE_TO,
                              start=Decimal("1E+3"), target=Decimal("-2.50"), unit="€").id
    check_in = app.record_check_in(admin, company, down, Decimal("999.999"),
                                   idempotency_key="ci-1").id
    events = list(app.events.get(company))
    recorded = [e for e in events if type(e).__name__ == "CheckInRecorded"][-1]
    app.correct_check_in(admin, company, recorded.check_in_id, "7.25", "typo ✓",
                         confidence=9, note="fixed")
    del check_in
    app.update_key_result(admin, company, down, title="Down again", weight=2.5)
    gone = app.add_key_result(admin, company, "Gone", MetricType.BINARY).id
    app.remove_key_result(admin, company, gone)
    app.align_objective(admin, mine, company)
    app.unalign_objective(admin, mine, reason="changed")
    proposal = app.propose_alignment(admin, mine, company, message="shall we?").id
    app.respond_to_alignment_proposal(admin, proposal, False, reason="not now")
    other = app.propose_alignment(admin, mine, company, parent_key_result_id=down).id
    app.withdraw_alignment_proposal(admin, other)
    app.support_objective(admin, company, person_id=dev)
    app.withdraw_support(admin, company, person_id=dev)
    app.grade_objective(admin, company, 0.7, "stretch met")
    archived = app.create_objective(admin, cycle, Level.COMPANY, "Dropped").id
    app.archive_objective(admin, archived, reason="dropped")
    account = app.create_service_account(admin, "HR feed", [Role.HR]).id
    app.revoke_service_account(admin, account, reason="rotated")
    hook = app.register_webhook_endpoint(
        admin, "https://hr.example.test/okr", "s" * 32, description=ODD_TEXT[:80],
        event_types=["CHECK_IN_RECORDED"], filter={"minScore": 0.5}).id
    app.pause_webhook_endpoint(admin, hook, reason="maintenance")
    app.resume_webhook_endpoint(admin, hook)
    app.replay_webhook_endpoint(admin, hook, after_position=3)
    app.disable_webhook_endpoint(admin, hook, "too many failures")
    app.delete_webhook_endpoint(admin, hook)
    app.close_cycle(admin, cycle)


def main() -> None:
    for path in (STORE, EVENTS):
        path.unlink(missing_ok=True)
    app = init_database(f"sqlite:///{STORE}")
    try:
        with clock.simulated_time(datetime(2026, 10, 9, 9, 30, 15, 123456, tzinfo=UTC)):
            seeded = seed(app, SeedPlan(people=10, cycles=1, seed=3, today=date(2026, 10, 9)))
            admin = Actor.system(seeded.organization_id)
            ceo = app.upsert_person(admin, seeded.people[0].external_id, "Chief").id
            add_every_other_kind(app, Actor(seeded.organization_id, ceo,
                                            frozenset({Role.ADMIN})))
        topics = {n.topic for n in app.recorder.select_notifications(start=None,
                                                                     limit=10_000_000)}
        EVENTS.write_text("\n".join(stored_lines(app)) + "\n", encoding="utf-8")
    finally:
        app.close()
    with sqlite3.connect(STORE) as connection:
        connection.execute("VACUUM")
    print(f"{STORE.name}: {len(topics)} event types, {STORE.stat().st_size} bytes",
          file=sys.stderr)


if __name__ == "__main__":
    main()
