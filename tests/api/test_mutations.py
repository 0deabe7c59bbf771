"""Every mutation: its success path and its userErrors path (which writes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import Api, World, gid


@dataclass(frozen=True)
class Case:
    name: str
    selection: str
    good: Callable[[World], dict[str, Any]]
    bad: Callable[[World], dict[str, Any]]
    bad_code: str
    as_: str = "admin"
    check: Callable[[dict[str, Any], World], None] | None = None


def _kr(w: World) -> str:
    return gid("KeyResult", w.alice_objective, w.key_result)


CASES = [
    Case("createCycle", "cycle { key startsOn endsOn status }",
         lambda w: {"key": "2027-Q1"}, lambda w: {"key": "2026-Q4"}, "ALREADY_EXISTS",
         check=lambda p, w: _eq(p["cycle"], {"key": "2027-Q1", "startsOn": "2027-01-01",
                                             "endsOn": "2027-03-31", "status": "PLANNING"})),
    Case("activateCycle", "cycle { status }",
         lambda w: {"cycleId": _new_cycle(w)}, lambda w: {"cycleId": gid("Cycle", w.cycle)},
         "INVALID_STATE"),
    Case("createTeam", "team { name kind parent { name } lead { name } }",
         lambda w: {"name": "Mobile", "parentTeamId": gid("Team", w.engineering),
                    "leadId": gid("Person", w.bob)},
         lambda w: {"name": "  "}, "INVALID_INPUT",
         check=lambda p, w: _eq(p["team"], {"name": "Mobile", "kind": "TEAM",
                                            "parent": {"name": "Engineering"},
                                            "lead": {"name": "Bob"}})),
    Case("updateTeam", "team { name }",
         lambda w: {"teamId": gid("Team", w.platform), "name": "Core Platform"},
         lambda w: {"teamId": gid("Team", w.engineering),
                    "parentTeamId": gid("Team", w.platform)}, "TEAM_CYCLE",
         check=lambda p, w: _eq(p["team"], {"name": "Core Platform"})),
    Case("upsertPerson", "person { name team { name } manager { name } externalId }",
         lambda w: {"externalId": "carol", "name": "Carol", "teamId": gid("Team", w.platform),
                    "managerId": gid("Person", w.lead)},
         lambda w: {"externalId": "ceo", "name": "Cleo", "managerId": gid("Person", w.alice)},
         "MANAGER_CYCLE",
         check=lambda p, w: _eq(p["person"], {"name": "Carol", "team": {"name": "Platform"},
                                              "manager": {"name": "Lee Lead"},
                                              "externalId": "carol"})),
    Case("updateOrganizationPolicy", "organization { policy { rollUp hrMode bands { low } } }",
         lambda w: {"rollUp": "BOTH", "hrMode": "EFFORT",
                    "bands": {"low": 0.2, "sweetFrom": 0.6, "sweetTo": 0.75, "tooSafe": 0.95}},
         lambda w: {"bands": {"low": 0.8, "sweetFrom": 0.6, "sweetTo": 0.7, "tooSafe": 0.9}},
         "INVALID_INPUT",
         check=lambda p, w: _eq(p["organization"]["policy"],
                                {"rollUp": "BOTH", "hrMode": "EFFORT", "bands": {"low": 0.2}})),
    Case("createObjective", "objective { title level ownerPerson { name } visibility status }",
         lambda w: {"cycleId": gid("Cycle", w.cycle), "level": "INDIVIDUAL",
                    "title": "Run a half marathon", "ownerPersonId": gid("Person", w.alice)},
         lambda w: {"cycleId": gid("Cycle", w.cycle), "level": "TEAM", "title": "No owner"},
         "INVALID_INPUT", as_="alice",
         check=lambda p, w: _eq(p["objective"], {
             "title": "Run a half marathon", "level": "INDIVIDUAL",
             "ownerPerson": {"name": "Alice"}, "visibility": "PUBLIC", "status": "DRAFT"})),
    Case("updateObjective", "objective { title kind }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "title": "Learn it all",
                    "kind": "COMMITTED"},
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "title": ""},
         "INVALID_INPUT", as_="alice",
         check=lambda p, w: _eq(p["objective"], {"title": "Learn it all",
                                                 "kind": "COMMITTED"})),
    Case("setObjectiveVisibility", "objective { visibility }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective),
                    "visibility": "PRIVATE"},
         lambda w: {"objectiveId": gid("Objective", w.team_objective),
                    "visibility": "PRIVATE"}, "FORBIDDEN", as_="alice"),
    Case("activateObjective", "objective { status }",
         lambda w: {"objectiveId": _draft(w)},
         lambda w: {"objectiveId": gid("Objective", w.alice_objective)}, "INVALID_STATE"),
    Case("archiveObjective", "objective { status parent { id } }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "reason": "dropped"},
         lambda w: {"objectiveId": gid("Objective", w.company_objective)}, "FORBIDDEN",
         as_="lead", check=lambda p, w: _eq(p["objective"], {"status": "ARCHIVED",
                                                             "parent": None})),
    Case("addKeyResult", "keyResult { title metricType start target current score }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "title": "Write a post",
                    "metricType": "INCREASE_TO", "start": "0", "target": "2"},
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "title": "Flat",
                    "metricType": "INCREASE_TO", "start": "5", "target": "5"},
         "TARGET_EQUALS_START", as_="alice",
         check=lambda p, w: _eq(p["keyResult"], {
             "title": "Write a post", "metricType": "INCREASE_TO", "start": "0", "target": "2",
             "current": "0", "score": 0.0})),
    Case("updateKeyResult", "keyResult { target weight }",
         lambda w: {"keyResultId": _kr(w), "target": "20", "weight": 2.0},
         lambda w: {"keyResultId": _kr(w), "weight": -1.0}, "VALUE_OUT_OF_RANGE", as_="alice",
         check=lambda p, w: _eq(p["keyResult"], {"target": "20", "weight": 2.0})),
    Case("removeKeyResult", "objective { keyResults { title } }",
         lambda w: {"keyResultId": _kr(w)},
         lambda w: {"keyResultId": gid("KeyResult", w.alice_objective, w.alice_objective)},
         "NOT_FOUND", as_="alice", check=lambda p, w: _eq(p["objective"], {"keyResults": []})),
    Case("recordCheckIn", "checkIn { value confidence note inOneOnOne } keyResult { current "
         "score progress } objective { score }",
         lambda w: {"keyResultId": _kr(w), "value": "7.5", "confidence": 8, "note": "good week",
                    "inOneOnOne": True},
         lambda w: {"keyResultId": _kr(w), "value": "1", "confidence": 11},
         "VALUE_OUT_OF_RANGE", as_="alice",
         check=lambda p, w: _eq(p, {**p, "checkIn": {"value": "7.5", "confidence": 8,
                                                     "note": "good week", "inOneOnOne": True},
                                    "keyResult": {"current": "7.5", "score": 0.75,
                                                  "progress": 0.75},
                                    "objective": {"score": 0.75}})),
    Case("supportObjective", "objective { supporters { name } }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective)},
         lambda w: {"objectiveId": gid("Objective", _unaligned(w))}, "INVALID_INPUT",
         as_="bob", check=lambda p, w: _eq(p["objective"], {"supporters": [{"name": "Bob"}]})),
    Case("gradeObjective", "objective { grade { override reason } }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "override": 0.6,
                    "reason": "scope changed"},
         lambda w: {"objectiveId": gid("Objective", w.alice_objective), "override": 0.6},
         "INVALID_INPUT", as_="lead",
         check=lambda p, w: _eq(p["objective"], {"grade": {"override": 0.6,
                                                           "reason": "scope changed"}})),
    Case("unalignObjective", "objective { parent { id } }",
         lambda w: {"objectiveId": gid("Objective", w.alice_objective)},
         lambda w: {"objectiveId": gid("Objective", _unaligned(w))}, "NOT_ALIGNED",
         as_="lead", check=lambda p, w: _eq(p["objective"], {"parent": None})),
    Case("alignObjective", "objective { parent { title } }",
         lambda w: {"childId": gid("Objective", _unaligned(w)),
                    "parentId": gid("Objective", w.team_objective)},
         lambda w: {"childId": gid("Objective", w.company_objective),
                    "parentId": gid("Objective", w.alice_objective)}, "ALIGNMENT_LEVEL",
         check=lambda p, w: _eq(p["objective"], {"parent": {"title": "Ship the platform"}})),
    Case("proposeAlignment", "proposal { status message proposedByChildSide }",
         lambda w: {"childId": gid("Objective", _unaligned(w)),
                    "parentId": gid("Objective", w.team_objective), "message": "shall we?"},
         lambda w: {"childId": gid("Objective", w.alice_objective),
                    "parentId": gid("Objective", w.team_objective)}, "ALREADY_ALIGNED",
         as_="bob", check=lambda p, w: _eq(p["proposal"], {
             "status": "PENDING", "message": "shall we?", "proposedByChildSide": True})),
]

_EXTRA: dict[str, Any] = {}


def _eq(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual == expected


def _new_cycle(w: World) -> str:
    return str(_EXTRA["new_cycle"])


def _draft(w: World) -> str:
    return str(_EXTRA["draft"])


def _unaligned(w: World) -> Any:
    return _EXTRA["unaligned"]


async def _prepare(api: Api, world: World) -> None:
    import asyncio

    from okr_domain.access import Actor
    from okr_domain.values import Level

    system = Actor.system(world.org)

    def make() -> None:
        _EXTRA["new_cycle"] = gid("Cycle", api.app.create_cycle(system, "2027-Q2").id)
        _EXTRA["draft"] = gid("Objective", api.app.create_objective(
            system, world.cycle, Level.INDIVIDUAL, "A draft", owner_person_id=world.alice).id)
        _EXTRA["unaligned"] = api.app.create_objective(
            system, world.cycle, Level.INDIVIDUAL, "Bob's own", owner_person_id=world.bob).id

    await asyncio.to_thread(make)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_mutation_success_and_user_errors(api: Api, world: World, case: Case) -> None:
    await _prepare(api, world)
    document = (f"mutation($input: {case.name[0].upper()}{case.name[1:]}Input!) "
                f"{{ {case.name}(input: $input) {{ userErrors {{ code field message }} "
                f"position {case.selection} }} }}")
    if case.name in ("activateCycle", "activateObjective"):
        document = document.replace(f"{case.name[0].upper()}{case.name[1:]}Input",
                                    "CycleIdInput" if case.name == "activateCycle"
                                    else "ObjectiveIdInput")

    before = api.events()
    bad = await api.gql(document, {"input": case.bad(world)}, as_=case.as_)
    assert "errors" not in bad, bad
    payload = bad["data"][case.name]
    assert payload["userErrors"], payload
    assert payload["userErrors"][0]["code"] == case.bad_code, payload
    assert payload["position"] is None
    assert api.events() == before, "a rejected mutation wrote events"

    good = await api.gql(document, {"input": case.good(world)}, as_=case.as_)
    assert "errors" not in good, good
    payload = good["data"][case.name]
    assert payload["userErrors"] == []
    assert payload["position"] == api.events()
    if case.check:
        case.check(payload, world)
