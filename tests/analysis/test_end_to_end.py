"""Hand-computed fixture, end to end: commands -> events -> catalog projection on each
store (memory, SQLite, PostgreSQL) -> analyses. Every expected number is worked out by
hand below.

The organization (cycle 2026-Q4: 1 Oct - 31 Dec, 92 days; policy defaults):
  C1 company, aspirational: INCREASE 0->10 at 7                       own 0.70
  T1 team Platform, aspirational, aligned to C1:
       INCREASE 0->100 at 50 (0.5), BINARY at 1 (1.0)               own 0.75
  T2 team Platform, committed, aligned to C1: STAY_AT_OR_ABOVE 99.9 at 99.95   own 1.00
  I1 alice, aspirational, aligned to T1: DECREASE 100->20 at 60: (100-60)/80   own 0.50
  I2 bob, aspirational, unaligned: INCREASE 0->4 at 1                  own 0.25
  I3 alice, committed, unaligned, no key results                       own 0.00
  I4 bob, aspirational, aligned to T1: BINARY at 1                     own 1.00
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Band, Kind, Level, MetricType, OkrPolicy, RollUp, TeamKind
from projections import analysis
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow
from projections.running.service import start_projections
from projections.stores.database import Database, open_database

PACE_NOW = datetime(2026, 11, 10, tzinfo=UTC)  # 40 of 92 days elapsed: 0.434783


@dataclass
class Fixture:
    ids: dict[str, UUID]
    cycle: CycleRow
    objectives: list[ObjectiveRow]
    key_results: list[KeyResultRow]
    directory: analysis.Directory
    last_recorded: datetime


def build(app: OkrApplication) -> tuple[UUID, dict[str, UUID]]:
    org = app.create_organization("Acme", "acme").id
    admin = Actor.system(org)
    lead = app.upsert_person(admin, "lead", "Lee").id
    platform = app.create_team(admin, "Platform", kind=TeamKind.DEPARTMENT, lead_id=lead).id
    alice = app.upsert_person(admin, "alice", "Alice", team_id=platform, manager_id=lead).id
    bob = app.upsert_person(admin, "bob", "Bob", team_id=platform, manager_id=lead).id
    cycle = app.create_cycle(admin, "2026-Q4").id
    app.activate_cycle(admin, cycle)

    def objective(level: Level, title: str, kind: Kind = Kind.ASPIRATIONAL, *,
                  team: UUID | None = None, person: UUID | None = None) -> UUID:
        return app.create_objective(admin, cycle, level, title, kind=kind, owner_team_id=team,
                                    owner_person_id=person).id

    ids = {
        "C1": objective(Level.COMPANY, "C1"),
        "T1": objective(Level.TEAM, "T1", team=platform),
        "T2": objective(Level.TEAM, "T2", Kind.COMMITTED, team=platform),
        "I1": objective(Level.INDIVIDUAL, "I1", person=alice),
        "I2": objective(Level.INDIVIDUAL, "I2", person=bob),
        "I3": objective(Level.INDIVIDUAL, "I3", Kind.COMMITTED, person=alice),
        "I4": objective(Level.INDIVIDUAL, "I4", person=bob),
        "platform": platform, "alice": alice, "bob": bob,
    }
    checks = [
        ("C1", MetricType.INCREASE_TO, 0, 10, 7),
        ("T1", MetricType.INCREASE_TO, 0, 100, 50),
        ("T1", MetricType.BINARY, None, None, 1),
        ("T2", MetricType.STAY_AT_OR_ABOVE, None, Decimal("99.9"), Decimal("99.95")),
        ("I1", MetricType.DECREASE_TO, 100, 20, 60),
        ("I2", MetricType.INCREASE_TO, 0, 4, 1),
        ("I4", MetricType.BINARY, None, None, 1),
    ]
    key_results = []
    for name, metric, start, target, _ in checks:
        key_results.append(app.add_key_result(admin, ids[name], f"{name} kr", metric,
                                              start=start, target=target).id)
    for name in ("C1", "T1", "T2", "I1", "I2", "I3", "I4"):
        app.activate_objective(admin, ids[name])
    for (name, *_, value), kr in zip(checks, key_results, strict=True):
        app.record_check_in(admin, ids[name], kr, value)
    app.align_objective(admin, ids["T1"], ids["C1"])
    app.align_objective(admin, ids["T2"], ids["C1"])
    app.align_objective(admin, ids["I1"], ids["T1"])
    app.align_objective(admin, ids["I4"], ids["T1"])
    return org, ids


@pytest.fixture
def fixture(app: OkrApplication, store_url: str) -> Fixture:
    org, ids = build(app)
    database: Database = open_database(store_url)
    runner = start_projections(app, database, ["catalog"], poll_interval=0.05)
    try:
        assert runner.wait_until_caught_up(timeout=30, position=app.current_position())
        reader = database.catalog_reader()
        cycle = reader.cycle(org, key="2026-Q4")
        assert cycle is not None
        objectives = reader.cycle_objectives(org, cycle.id)
        key_results = reader.cycle_key_results(org, cycle.id)
        directory = analysis.Directory.build(reader.people(org), reader.teams(org))
        reader.close()
    finally:
        runner.stop()
    last = max(k.last_check_in_at for k in key_results if k.last_check_in_at)
    return Fixture(ids, cycle, objectives, key_results, directory, last)


ADMIN = analysis.Viewer.admin()


def _tree(f: Fixture, rule: RollUp) -> analysis.AlignmentTree:
    return analysis.alignment_tree(f.cycle.id, f.objectives, f.key_results, f.directory, ADMIN,
                                   OkrPolicy(roll_up=rule))


def test_the_tree_and_its_roll_ups(fixture: Fixture) -> None:
    f = fixture
    name = {v: k for k, v in f.ids.items()}
    tree = _tree(f, RollUp.KEY_RESULTS)
    assert [name[r] for r in tree.root_ids] == ["C1", "I2", "I3"]
    assert [name[o] for o in tree.orphan_ids] == ["I2", "I3"]
    nodes = {name[n.objective_id]: n for n in tree.nodes}
    assert [name[c] for c in nodes["C1"].child_ids] == ["T1", "T2"]
    assert [name[c] for c in nodes["T1"].child_ids] == ["I1", "I4"]
    assert {k: round(n.rolled_up_score, 6) for k, n in nodes.items()} == {
        "C1": 0.7, "T1": 0.75, "T2": 1.0, "I1": 0.5, "I2": 0.25, "I3": 0.0, "I4": 1.0}
    # Coverage: team and individual objectives T1 T2 I1 I2 I3 I4 = 6; aligned T1 T2 I1 I4.
    assert (tree.coverage.total, tree.coverage.aligned) == (6, 4)
    assert tree.coverage.share == pytest.approx(4 / 6)
    # ALIGNED_CHILDREN: T1 = mean(I1 0.5, I4 1.0) = 0.75; T2 leaf = 1.0; C1 = 0.875.
    children = {name[n.objective_id]: n.rolled_up_score
                for n in _tree(f, RollUp.ALIGNED_CHILDREN).nodes}
    assert children["C1"] == pytest.approx(0.875)
    assert children["T1"] == pytest.approx(0.75)
    # BOTH: T1 = mean(0.5, 1.0, I1 0.5, I4 1.0) = 0.75; C1 = mean(0.7, 0.75, 1.0) = 0.81667.
    both = {name[n.objective_id]: n.rolled_up_score for n in _tree(f, RollUp.BOTH).nodes}
    assert both["C1"] == pytest.approx((0.7 + 0.75 + 1.0) / 3)
    path = analysis.alignment_path(f.ids["I4"], f.objectives, f.directory, ADMIN)
    assert [name[s.objective_id] for s in path.steps] == ["I4", "T1", "C1"]
    assert path.serves_company


def test_stretch_bands_histogram_hit_rate_and_pace(fixture: Fixture) -> None:
    f = fixture
    name = {v: k for k, v in f.ids.items()}
    result = analysis.stretch_analysis(f.cycle, f.objectives, f.key_results, f.directory,
                                       ADMIN, OkrPolicy(), PACE_NOW)
    # Aspirational: C1 0.7, T1 0.75, I1 0.5, I2 0.25, I4 1.0.
    assert result.aspirational_count == 5
    assert result.mean == pytest.approx(3.2 / 5)       # 0.64
    assert result.median == pytest.approx(0.7)
    assert result.distance_from_target == pytest.approx(0.64 - 0.7)
    assert [b.count for b in result.histogram] == [0, 0, 1, 0, 0, 1, 0, 2, 0, 1]
    assert {b.band: b.count for b in result.bands} == {
        Band.LOW: 1, Band.PROGRESS: 1, Band.SWEET_SPOT: 1, Band.HIGH: 1, Band.TOO_SAFE: 1}
    assert all(b.share == pytest.approx(0.2) for b in result.bands)
    # Committed: T2 at 1.0 (met), I3 at 0.0 (missed).
    assert (result.committed_count, result.committed_met) == (2, 1)
    assert result.committed_hit_rate == pytest.approx(0.5)
    pace = result.pace
    assert pace is not None
    assert pace.elapsed_fraction == pytest.approx(40 / 92)
    # Aspirational expected 0.3043, tolerance 0.1: I2 at 0.25 is not behind (0.25 > 0.2043).
    # Committed expected 0.4348: I3 at 0.0 is behind by 0.4348.
    assert [name[b.objective_id] for b in pace.behind] == ["I3"]
    assert pace.behind[0].gap == pytest.approx(40 / 92)
    team = analysis.stretch_analysis(f.cycle, f.objectives, f.key_results, f.directory, ADMIN,
                                     OkrPolicy(), PACE_NOW,
                                     analysis.Scope.person(f.ids["bob"]))
    assert team.aspirational_count == 2                # I2 0.25, I4 1.0
    assert team.mean == pytest.approx(0.625)


def test_health_findings(fixture: Fixture) -> None:
    f = fixture
    name = {v: k for k, v in f.ids.items()}
    early = analysis.okr_health(f.cycle, f.objectives, f.key_results, f.directory, ADMIN,
                                OkrPolicy(), PACE_NOW)
    found = {(x.rule, name.get(x.objective_id) if x.objective_id else None)
             for x in early.findings}
    assert found == {
        (analysis.HealthRule.NO_KEY_RESULTS, "I3"),
        (analysis.HealthRule.NOT_ALIGNED, "I2"),
        (analysis.HealthRule.NOT_ALIGNED, "I3"),
        (analysis.HealthRule.ACHIEVED_EARLY, "I4"),
    }
    # Eight days after the last check-in was recorded every active objective is idle
    # beyond the 7-day cadence (I3, never checked in, counts from its creation).
    late = analysis.okr_health(f.cycle, f.objectives, f.key_results, f.directory, ADMIN,
                               OkrPolicy(), f.last_recorded + timedelta(days=8))
    idle = {name[x.objective_id] for x in late.findings
            if x.rule is analysis.HealthRule.NO_RECENT_CHECK_IN and x.objective_id}
    assert idle == {"C1", "T1", "T2", "I1", "I2", "I3", "I4"}
