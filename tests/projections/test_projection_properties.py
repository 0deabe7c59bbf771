"""For random event histories, made by the real commands, the live projection (events
applied one at a time, interleaved with restarts) equals a full rebuild, row for row."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from projection_support import assert_agrees_with_aggregates, dump, reference

from okr_api.storage import init_database
from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.errors import DomainError
from okr_domain.objective import Objective
from okr_domain.values import (
    Kind,
    Level,
    MetricType,
    ProposalStatus,
    Role,
    RollUp,
    Visibility,
)
from projections.registry import PROJECTIONS
from projections.running.batches import ProjectionWorker
from projections.running.rebuild import rebuild, rebuild_together
from projections.source import EventSource
from projections.stores.database import Database, open_database
from projections.stores.session import StoreSession
from projections.stores.urls import postgres_dsn

OPS = ("objective", "objective", "kr", "kr", "check_in", "check_in", "check_in", "correct",
       "edit_kr", "remove_kr", "activate", "activate", "align", "unalign", "propose",
       "propose", "propose", "respond", "withdraw", "support", "support", "unsupport",
       "grade", "archive", "visibility", "edit", "close", "team", "person", "policy")
METRICS = list(MetricType)
step = st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50),
                 st.integers(-20, 120), st.booleans())
# After each command: how many events to apply (one at a time), and whether to restart.
pace = st.tuples(st.integers(0, 4), st.booleans())


@dataclass
class World:
    app: OkrApplication
    actor: Actor
    cycles: list[UUID]
    teams: list[UUID]
    people: list[UUID]
    manager: Actor | None = None
    """Ann's manager: her objectives for Ann are drafts awaiting Ann's acceptance."""
    objectives: list[UUID] = field(default_factory=list)
    proposals: list[UUID] = field(default_factory=list)

    def pick(self, items: list[UUID], n: int) -> UUID | None:
        return items[n % len(items)] if items else None

    def objective(self, n: int) -> Objective | None:
        oid = self.pick(self.objectives, n)
        found = self.app.repository.get(oid) if oid else None
        return found if isinstance(found, Objective) else None

    def pending(self) -> list[UUID]:
        return [p for p in self.proposals
                if self.app.repository.get(p).status is ProposalStatus.PENDING]

    def objective_with(self, n: int, has: Callable[[Objective], object]) -> Objective | None:
        """The n-th objective (cyclically) for which ``has`` holds."""
        found = [o for o in map(self.app.repository.get, self.objectives)
                 if isinstance(o, Objective) and has(o)]
        return found[n % len(found)] if found else None


def seed(app: OkrApplication) -> World:
    """An organization with a few teams, people and active objectives to act on."""
    actor = Actor.system(app.create_organization("Acme", "acme").id)
    cycles = [app.create_cycle(actor, "2026-Q1").id, app.create_cycle(actor, "2026-Q2").id]
    app.activate_cycle(actor, cycles[0])
    team = app.create_team(actor, "Platform").id
    mo = app.upsert_person(actor, "m0", "Mo", team_id=team).id
    world = World(app, actor, cycles, [team],
                  [app.upsert_person(actor, "p0", "Ann", team_id=team, manager_id=mo).id],
                  manager=Actor(actor.organization_id, mo, frozenset({Role.MANAGER})))
    for level, owner in ((Level.COMPANY, {}), (Level.TEAM, {"owner_team_id": team}),
                         (Level.INDIVIDUAL, {"owner_person_id": world.people[0]})):
        objective = app.create_objective(actor, cycles[0], level, f"Seed {level}", **owner).id
        app.add_key_result(actor, objective, "KR", MetricType.INCREASE_TO, start=Decimal(0),
                           target=Decimal(10))
        app.activate_objective(actor, objective)
        world.objectives.append(objective)
    return world


def command(world: World, op: str, a: int, b: int, value: int, flag: bool) -> None:
    app, actor, now = world.app, world.actor, clock.now()
    # Some commands only apply to some objectives: pick among those.
    needs: dict[str, Callable[[Objective], object]] = {
        "correct": lambda o: o.check_ins, "unalign": lambda o: o.parent_id,
        "unsupport": lambda o: o.supporters, "check_in": lambda o: o.key_results}
    objective = world.objective_with(a, needs[op]) if op in needs else world.objective(a)
    kr_ids = list(objective.key_results) if objective else []
    kr = kr_ids[b % len(kr_ids)] if kr_ids else None
    check_ins = list(objective.check_ins) if objective else []
    if op == "objective":
        level = (Level.COMPANY, Level.TEAM, Level.INDIVIDUAL)[a % 3]
        by_manager = level is Level.INDIVIDUAL and b % 2 == 0 and world.manager is not None
        author = world.manager if by_manager and world.manager else actor
        result = app.create_objective(
            author, world.cycles[b % 2], level, f"Objective {a} {b}",
            owner_team_id=world.pick(world.teams, b) if level is Level.TEAM else None,
            owner_person_id=world.pick(world.people, b) if level is Level.INDIVIDUAL else None,
            kind=Kind.COMMITTED if flag else Kind.ASPIRATIONAL,
            idempotency_key=f"o{a % 4}" if value < 0 else None)
        if result.id not in world.objectives:
            world.objectives.append(result.id)
    elif op == "kr" and objective:
        metric = METRICS[b % len(METRICS)]
        app.add_key_result(actor, objective.id, f"KR {b}", metric, start=Decimal(b % 7),
                           target=Decimal(b % 7 + 1 + abs(value)) if metric not in (
                               MetricType.DECREASE_TO,) else Decimal(-abs(value) - 1),
                           weight=float(a % 3))
    elif op == "check_in" and objective and kr:
        metric = objective.key_results[kr].metric_type
        number = (value % 2 if metric is MetricType.BINARY
                  else value % 101 if metric is MetricType.MILESTONE else value)
        app.record_check_in(actor, objective.id, kr, number, confidence=a % 11,
                            applies_at=now - timedelta(days=b % 9, hours=a % 3),
                            in_one_on_one=flag, idempotency_key=f"c{b % 3}" if flag else None)
    elif op == "correct" and objective and check_ins:
        app.correct_check_in(actor, objective.id, check_ins[b % len(check_ins)],
                             value % 2, "fix", note=None if flag else "corrected")
    elif op == "edit_kr" and objective and kr:
        app.update_key_result(actor, objective.id, kr, title=f"KR edited {value}",
                              weight=float(b % 4))
    elif op == "remove_kr" and objective and kr:
        app.remove_key_result(actor, objective.id, kr)
    elif op == "activate" and objective:
        app.activate_objective(actor, objective.id)
    elif op in ("align", "propose") and objective:
        # Mostly a parent one level up (the seeds), sometimes any objective.
        natural = {Level.INDIVIDUAL: world.objectives[1], Level.TEAM: world.objectives[0]}
        parent = natural.get(objective.level) if b % 3 else world.pick(world.objectives, b)
        if parent:
            if op == "align":
                app.align_objective(actor, objective.id, parent)
            else:
                world.proposals.append(app.propose_alignment(actor, objective.id, parent).id)
    elif op == "unalign" and objective:
        app.unalign_objective(actor, objective.id, "changed mind")
    elif op in ("respond", "withdraw") and world.pending():
        proposal = world.pending()[a % len(world.pending())]
        if op == "respond":
            app.respond_to_alignment_proposal(actor, proposal, flag, "ok" if flag else "no")
        else:
            app.withdraw_alignment_proposal(actor, proposal)
    elif op == "support" and objective:
        app.support_objective(actor, objective.id, world.pick(world.people, b))
    elif op == "unsupport" and objective:
        supporter = world.pick(objective.supporters or world.people, b)
        app.withdraw_support(actor, objective.id, supporter)
    elif op == "grade" and objective:
        app.grade_objective(actor, objective.id, (value % 101) / 100 if flag else None,
                            "review")
    elif op == "archive" and objective and a % 3 == 0:
        app.archive_objective(actor, objective.id, "gone")
    elif op == "visibility" and objective:
        app.set_objective_visibility(actor, objective.id,
                                     Visibility.PRIVATE if flag else Visibility.PUBLIC)
    elif op == "edit" and objective:
        app.update_objective(actor, objective.id, title=f"Renamed {value}",
                             supporters_can_check_in=flag)
    elif op == "close" and a >= 45:
        app.close_cycle(actor, world.cycles[0])
    elif op == "team" and flag and world.people:
        app.update_team(actor, world.teams[a % len(world.teams)], name=f"Team {b}",
                        lead_id=world.pick(world.people, value))
    elif op == "team":
        world.teams.append(app.create_team(actor, f"Team {a}",
                                           parent_team_id=world.pick(world.teams, b)).id)
    elif op == "person":
        world.people.append(app.upsert_person(actor, f"p{a % 6}", f"Person {b}",
                                              team_id=world.pick(world.teams, b)).id)
    elif op == "policy":
        app.update_organization_policy(actor, roll_up=list(RollUp)[a % 3],
                                       check_in_cadence_days=1 + b % 30)


@contextmanager
def store(backend: str) -> Iterator[str]:
    """A fresh store for one example (PostgreSQL: ``backend`` is the server's URL)."""
    if backend == "memory":
        yield "memory://"
    elif backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/okr.sqlite3"
    else:
        dsn, _ = postgres_dsn(backend)
        schema = f"p_{uuid.uuid4().hex[:16]}"
        try:
            yield f"{dsn}?schema={schema}"
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class LiveWorkers:
    """Every projection fed one event at a time; ``restart`` drops the sessions."""

    def __init__(self, app: OkrApplication, database: Database) -> None:
        self.app = app
        self.database = database
        self.sessions: list[StoreSession] = []
        self.workers: list[ProjectionWorker] = []
        self.restart()

    def restart(self) -> None:
        for session in self.sessions:
            session.close()
        self.sessions = [self.database.session() for _ in PROJECTIONS]
        self.workers = [ProjectionWorker(EventSource(self.app), p, s, batch_size=1)
                        for p, s in zip(PROJECTIONS.values(), self.sessions, strict=True)]

    def advance(self, events: int) -> None:
        for worker in self.workers:
            for _ in range(events):
                worker.step()

    def close(self) -> None:
        """Restart once more, catch up to the head, and let go of the sessions."""
        self.restart()
        try:
            for worker in self.workers:
                worker.catch_up()
        finally:
            for session in self.sessions:
                session.close()


def run_history(backend: str, steps: list[tuple[str, int, int, int, bool]],
                paces: list[tuple[int, bool]]) -> None:
    if paces[0][1]:
        steps = [*steps, ("close", 50, 0, 0, False)]  # some histories end with a close
    with store(backend) as url:
        app = init_database(url)
        try:
            check_history(app, open_database(url), steps, paces)
        finally:
            app.close()


def check_history(app: OkrApplication, database: Database,
                  steps: list[tuple[str, int, int, int, bool]],
                  paces: list[tuple[int, bool]]) -> None:
    database.setup()
    live = LiveWorkers(app, database)
    try:
        world = seed(app)
        for number, (op, a, b, value, flag) in enumerate(steps):
            with suppress(DomainError):
                command(world, op, a, b, value, flag)
            events, restart = paces[number % len(paces)]
            live.advance(events)
            if restart:
                live.restart()
    finally:
        live.close()
    assert_agrees_with_aggregates(app, dump(database, "catalog"))
    live_rows = {name: dump(database, name) for name in PROJECTIONS}
    for name in PROJECTIONS:
        assert live_rows[name] == reference(app, name)
        rebuild(EventSource(app), database, name, fresh=True, batch_size=1000)
        assert dump(database, name) == live_rows[name]
    # All of them in one pass, in batches that cut the history anywhere.
    rebuild_together(EventSource(app), database, list(PROJECTIONS), fresh=True,
                     batch_size=7)
    assert {name: dump(database, name) for name in PROJECTIONS} == live_rows


histories = st.lists(step, min_size=15, max_size=50)
paces = st.lists(pace, min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(histories, paces)
def test_live_equals_rebuild_in_memory(steps: Any, pacing: Any) -> None:
    run_history("memory", steps, pacing)


@settings(max_examples=25, deadline=None)
@given(histories, paces)
def test_live_equals_rebuild_on_sqlite(steps: Any, pacing: Any) -> None:
    run_history("sqlite", steps, pacing)


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories, paces)
def test_live_equals_rebuild_on_postgres(postgres_url: str, steps: Any, pacing: Any) -> None:
    run_history(postgres_url, steps, pacing)


def test_the_histories_reach_every_catalog_event() -> None:
    """The strategy is able to produce each event type the catalog handles."""
    seen: set[str] = set()
    example: Callable[[Any, Any], None]

    @settings(max_examples=100, deadline=None, database=None, derandomize=True)
    @given(histories, paces)
    def example(steps: Any, pacing: Any) -> None:
        world = seed(init_database("memory://"))
        for op, a, b, value, flag in [*steps, ("close", 50, 0, 0, False)]:
            with suppress(DomainError):
                command(world, op, a, b, value, flag)
        seen.update(n.topic for n in world.app.recorder.select_notifications(1, 100_000))

    example()
    missing = PROJECTIONS["catalog"].topics - seen  # type: ignore[operator]
    assert not missing, missing
