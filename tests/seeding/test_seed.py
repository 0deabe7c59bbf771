"""The data generator: realistic shape, real events, deterministic per seed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from okr_api.seeding import SeedPlan, seed
from okr_api.storage import init_database
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import CycleStatus

TODAY = date(2026, 11, 28)
PLAN = SeedPlan(people=120, cycles=2, seed=11, today=TODAY)


def _log(app: OkrApplication) -> list[tuple[str, bytes]]:
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return [(n.topic, n.state) for n in notifications]


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    first = init_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    second = init_database(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    seed(first, PLAN)
    seed(second, PLAN)
    assert _log(first) == _log(second)
    other = init_database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    seed(other, SeedPlan(people=120, cycles=2, seed=12, today=TODAY))
    assert _log(other) != _log(first)


def test_a_seeded_organization_looks_like_one(app: OkrApplication) -> None:
    calls: list[tuple[str, int, int]] = []
    report = seed(app, PLAN, lambda what, done, total: calls.append((what, done, total)))
    assert report.cycle_keys == ["2026-Q3", "2026-Q4"]
    assert report.events == app.current_position()
    topics = Counter(topic for topic, _ in _log(app))
    assert topics["okr.Person.Created"] == 120
    assert topics["okr.Team.Created"] >= 1 + 13  # the company, departments and teams
    objectives = topics["okr.Objective.Created"]
    # About three objectives a person per quarter, plus team and company objectives.
    assert 2 * 2 * 120 < objectives < 2 * 4.5 * 120
    assert topics["okr.Objective.KeyResultAdded"] > 2 * objectives
    assert topics["okr.Objective.Aligned"] > objectives / 2
    # Weekly check-ins on most key results: 13 weeks of Q3 and 8 of Q4 so far.
    assert topics["okr.Objective.CheckInRecorded"] > 0.5 * 21 * topics[
        "okr.Objective.KeyResultAdded"] / 2
    admin = Actor.system(report.organization_id)
    q3, q4 = (app.cycle_by_key(admin, key) for key in report.cycle_keys)
    assert (q3.status, q4.status) == (CycleStatus.CLOSED, CycleStatus.ACTIVE)
    assert topics["okr.Objective.Closed"] == len(q3.objective_ids)
    assert ("2026-Q3", 13, 13) in calls
    assert ("2026-Q4", 8, 8) in calls

