"""A company of 10,000 people: ~30,000 objectives and ~90,000 key results in one cycle.

Guards against quadratic work: every analysis indexes the rows once. The time limits are
loose (an order of magnitude above what linear work needs) so that they do not flake.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest

from okr_domain.values import Kind, OkrPolicy, RollUp
from projections.analysis import (
    Scope,
    TreeView,
    Viewer,
    alignment_tree,
    ambition_trends,
    okr_health,
    stretch_analysis,
)
from projections.catalog.rows import ObjectiveRow

from .factories import Org, at

T = TypeVar("T")
LIMIT_SECONDS = 20.0


def big_org() -> tuple[Org, list[ObjectiveRow]]:
    org = Org(OkrPolicy(roll_up=RollUp.BOTH))
    q1 = org.cycle()
    ceo = org.person("CEO", team=org.root)
    org.lead(org.root, ceo)
    companies = [org.objective(q1, f"Company {i}", krs=(0.5, 0.6, 0.7)) for i in range(5)]
    people = []
    for d in range(50):
        dept_lead = org.person(f"Dept lead {d}", manager=ceo)
        dept = org.team(f"Dept {d}", lead=dept_lead)
        dept_lead.team_id = dept.id
        dept_objectives = [
            org.objective(q1, f"D{d}.{i}", team=dept, parent=companies[(d + i) % 5],
                          krs=(0.3, 0.6, 0.9))
            for i in range(40)
        ]
        for t in range(10):
            team_lead = org.person(f"Lead {d}.{t}", manager=dept_lead)
            team = org.team(f"Team {d}.{t}", parent=dept, lead=team_lead)
            team_lead.team_id = team.id
            team_objectives = [
                org.objective(q1, f"T{d}.{t}.{i}", team=team,
                              parent=dept_objectives[(t * 16 + i) % 40],
                              kind=Kind.COMMITTED if i % 4 == 0 else Kind.ASPIRATIONAL,
                              krs=(0.2, 0.5, 1.0))
                for i in range(16)
            ]
            for p in range(20):
                person = org.person(f"P{d}.{t}.{p}", team=team, manager=team_lead)
                people.append(person)
                for i in range(2):
                    aligned = (p + i) % 7 != 0
                    org.objective(q1, f"I{d}.{t}.{p}.{i}", person=person,
                                  parent=team_objectives[(p + i) % 16] if aligned else None,
                                  private=(p + i) % 10 == 0, krs=(0.1 * (p % 10), 0.4, 0.8))
    return org, companies


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


@pytest.fixture(scope="module")
def company() -> tuple[Org, list[ObjectiveRow]]:
    return big_org()


def test_sizes(company: tuple[Org, list[ObjectiveRow]]) -> None:
    org, _ = company
    # 5 + 50 * 40 + 500 * 16 + 10,000 * 2 = 30,005 objectives, three key results each.
    assert len(org.objectives) == 30_005
    assert len(org.key_results) == 90_015
    assert len(org.people) > 10_000


def test_every_analysis_stays_linear(company: tuple[Org, list[ObjectiveRow]]) -> None:
    org, companies = company
    q1 = org.cycles[0]
    directory = org.directory
    now = at(date(2026, 2, 15), 12)
    member = Viewer(org.people[-1].id)
    checks: list[tuple[str, Callable[[], object]]] = [
        ("tree as admin", lambda: alignment_tree(
            q1.id, org.objectives, org.key_results, directory, Viewer.admin(), org.policy)),
        ("tree of one company objective", lambda: alignment_tree(
            q1.id, org.objectives, org.key_results, directory, member, org.policy,
            TreeView(root_objective_id=companies[0].id, max_depth=2))),
        ("stretch", lambda: stretch_analysis(
            q1, org.objectives, org.key_results, directory, member, org.policy, now)),
        ("stretch of a department", lambda: stretch_analysis(
            q1, org.objectives, org.key_results, directory, member, org.policy, now,
            Scope.team(org.teams[1].id))),
        ("health", lambda: okr_health(
            q1, org.objectives, org.key_results, directory, member, org.policy, now)),
        ("trends", lambda: ambition_trends(
            org.cycles, org.objectives, org.key_results, directory, member, org.policy)),
    ]
    for name, check in checks:
        _, seconds = timed(check)
        assert seconds < LIMIT_SECONDS, f"{name} took {seconds:.1f}s"

    tree, seconds = timed(lambda: alignment_tree(
        q1.id, org.objectives, org.key_results, directory, member, org.policy))
    assert seconds < LIMIT_SECONDS, f"tree as a member took {seconds:.1f}s"
    # A member with no reports sees only their own private objectives.
    others_private = sum(1 for o in org.objectives
                         if o.visibility == "PRIVATE" and o.owner_person_id != member.person_id)
    assert others_private > 0
    assert len(tree.nodes) == 30_005 - others_private
