"""Closes recorded before scores were exact still load and still verify.

Such a close (``Objective.Closed`` and ``Cycle.Closed`` at version 1) holds float grades:
0.5 x 1 + 0.8 x 2 over 3 was 0.7000000000000001, banded HIGH, and the hash formats those
floats. The stored events are rewritten here into exactly that shape; verification then
replays the cycle with the float arithmetic of the time and agrees, while a change to
the history is still caught. The read side shows the grade as recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from okr_api.storage import init_database
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.cycle import Cycle
from okr_domain.objective import Objective
from okr_domain.values import Kind, Level, MetricType
from projections.replay.asof import AsOfReplayer
from projections.replay.verification import verify_cycle
from projections.source import EventSource
from tests.conftest import make_store_url
from tests.history.test_verify import rewrite_event

OBJECTIVE_CLOSED = "okr.Objective.Closed"
CYCLE_CLOSED = "okr.Cycle.Closed"


@dataclass(frozen=True)
class Closed:
    app: OkrApplication
    url: str
    org: UUID
    cycle: UUID
    grades: dict[UUID, tuple[float, str]]
    """What the float arithmetic gave each objective: its score and band."""


@pytest.fixture(params=["sqlite", "postgres"])
def legacy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Closed]:
    url = make_store_url(request.param, tmp_path, request)
    app = init_database(url)
    org = app.create_organization("Acme", "acme").id
    system = Actor.system(org)
    cycle = app.create_cycle(system, "2026-Q4").id
    app.activate_cycle(system, cycle)

    def objective(title: str, values: list[tuple[int, float]],
                  kind: Kind = Kind.ASPIRATIONAL) -> UUID:
        made = app.create_objective(system, cycle, Level.COMPANY, title, kind=kind).id
        krs = [app.add_key_result(system, made, f"{title} {n}", MetricType.INCREASE_TO,
                                  start=Decimal(0), target=Decimal(10), weight=weight).id
               for n, (_, weight) in enumerate(values)]
        app.activate_objective(system, made)
        for kr, (value, _) in zip(krs, values, strict=True):
            app.record_check_in(system, made, kr, value)
        return made

    seventy = objective("Seventy", [(5, 1.0), (8, 2.0)])
    sixty = objective("Sixty", [(3, 1.0), (7, 3.0)])
    committed = objective("Committed", [(10, 1.0)], Kind.COMMITTED)
    app.close_cycle(system, cycle)
    # As floats made them, in the order the key results were added.
    grades = {seventy: ((0.5 * 1.0 + 0.8 * 2.0) / 3.0, "HIGH"),
              sixty: ((0.3 * 1.0 + 0.7 * 3.0) / 4.0, "PROGRESS"),
              committed: (1.0, "MET")}
    assert grades[seventy][0] == 0.7000000000000001
    assert grades[sixty][0] == 0.5999999999999999
    for objective_id, (score, band) in grades.items():
        rewrite_event(app, url, objective_id, OBJECTIVE_CLOSED, as_version_1(score, band))
    rewrite_event(app, url, cycle, CYCLE_CLOSED, cycle_as_version_1(float_hash(grades)))
    reopened = init_database(url)
    app.close()
    yield Closed(reopened, url, org, cycle, grades)
    reopened.close()


def as_version_1(score: float, band: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        for key in ("class_version", "computed_exact", "final_exact"):
            del data[key]
        data.update(computed_score=score, final_score=score, band=band)

    return change


def cycle_as_version_1(hash_: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        del data["class_version"], data["exact_scores"]
        data["grades_hash"] = hash_

    return change


def float_hash(grades: dict[UUID, tuple[float, str]]) -> str:
    """The hash as closes wrote it before scores were exact."""
    rows = [[oid.hex, f"{score:.6f}", None, f"{score:.6f}", band]
            for oid, (score, band) in sorted(grades.items(), key=lambda g: g[0].hex)]
    canonical = json.dumps(rows, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def test_version_1_closes_load_with_the_float_grades(legacy: Closed) -> None:
    for objective_id, (score, band) in legacy.grades.items():
        event = legacy.app.events.get(objective_id)
        closed = list(event)[-1]
        assert isinstance(closed, Objective.Closed)
        assert (closed.final_score, closed.band) == (score, band)
        assert Fraction(closed.final_exact) == Fraction(repr(score))  # its decimal text
    cycle_closed = list(legacy.app.events.get(legacy.cycle))[-1]
    assert isinstance(cycle_closed, Cycle.Closed)
    assert cycle_closed.exact_scores is False
    assert Objective.Closed.class_version == Cycle.Closed.class_version == 2


def test_a_version_1_close_verifies_with_the_arithmetic_of_its_time(legacy: Closed) -> None:
    result = verify_cycle(EventSource(legacy.app), legacy.org, legacy.cycle)
    assert result.verified, result.mismatches
    assert result.recorded_hash == result.recomputed_hash == float_hash(legacy.grades)
    assert {g.objective_id: g.band for g in result.graded} == {
        oid: band for oid, (_, band) in legacy.grades.items()}


def test_a_changed_version_1_history_is_still_caught(legacy: Closed) -> None:
    seventy = next(oid for oid, (_, band) in legacy.grades.items() if band == "HIGH")

    def four(data: dict[str, Any]) -> None:
        data["value"]["_data_"] = "4"  # 8 -> 4: (0.5 + 0.8) / 3

    rewrite_event(legacy.app, legacy.url, seventy, "okr.Objective.CheckInRecorded", four)
    result = verify_cycle(EventSource(legacy.app), legacy.org, legacy.cycle)
    found = {(m.objective_id, m.what): (m.recorded, m.recomputed) for m in result.mismatches}
    assert found[(seventy, "computed_score")] == ("0.700000", "0.433333")
    assert found[(seventy, "band")] == ("HIGH", "PROGRESS")
    assert (None, "GRADES_HASH") in found


def test_the_read_side_shows_a_version_1_grade_as_recorded(legacy: Closed) -> None:
    state = AsOfReplayer(EventSource(legacy.app)).state_at(
        legacy.org, legacy.cycle, legacy.app.repository.get(legacy.cycle).modified_on)
    rows = {o.id: o for o in state.objectives}
    for objective_id, (score, band) in legacy.grades.items():
        row = rows[objective_id]
        assert (row.final_score, row.band) == (score, band)
        assert row.final_exact == Fraction(repr(score))
