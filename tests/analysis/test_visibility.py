"""Who sees private objectives, over rows (mirrors okr_domain.access)."""

from __future__ import annotations

from uuid import UUID

import pytest

from okr_domain.access import Actor
from okr_domain.values import Level, Role
from projections.analysis import Viewer, can_see

from .factories import Org
from .sample import Sample, sample


def sees(s: Sample, viewer: Viewer, objective_id: UUID) -> bool:
    objective = next(o for o in s.org.objectives if o.id == objective_id)
    return can_see(s.org.directory, viewer, objective)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("paul", True),   # the owner
        ("pia", True),    # his manager
        ("eve", True),    # his manager's manager
        ("cleo", True),   # the top of the chain
        ("sid", False),   # someone in another team
        ("sam", False),   # another team's lead
    ],
)
def test_private_individual_objective(who: str, expected: bool) -> None:
    s = sample()
    assert sees(s, Viewer(getattr(s, who).id), s.paul_o.id) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pia", True),    # lead of the owner team (Platform)
        ("eve", True),    # lead of the team above (Eng), also Pia's manager
        ("cleo", True),   # lead of the company team
        ("paul", False),  # a member, not a lead
        ("sam", False),   # lead of another branch
    ],
)
def test_private_team_objective(who: str, expected: bool) -> None:
    s = sample()
    s.p1.visibility = s.paul_o.visibility  # make P1 private
    assert sees(s, Viewer(getattr(s, who).id), s.p1.id) is expected


def test_team_lead_manager_chain_sees_private_team_objective() -> None:
    org = Org()
    boss = org.person("Boss")
    lead = org.person("Lead", manager=boss)
    team = org.team("Detached", parent=None, lead=lead)  # no team above it
    q1 = org.cycle()
    objective = org.objective(q1, "T", team=team, private=True)
    assert can_see(org.directory, Viewer(boss.id), objective)
    assert not can_see(org.directory, Viewer(org.person("Other").id), objective)


def test_private_company_objective_is_for_admins() -> None:
    s = sample()
    s.c1.visibility = s.paul_o.visibility
    assert not sees(s, Viewer(s.cleo.id), s.c1.id)  # even the company lead
    assert sees(s, Viewer(s.cleo.id, is_admin=True), s.c1.id)
    assert sees(s, Viewer.admin(), s.c1.id)


def test_public_objectives_are_seen_by_everyone() -> None:
    s = sample()
    assert sees(s, Viewer(None), s.pia_o.id)
    assert sees(s, Viewer(s.sid.id), s.pia_o.id)
    assert not sees(s, Viewer(None), s.paul_o.id)


def test_viewer_from_actor() -> None:
    org_id = UUID(int=1)
    assert Viewer.from_actor(Actor(org_id, UUID(int=5))) == Viewer(UUID(int=5), False)
    admin = Actor(org_id, UUID(int=5), frozenset({Role.ADMIN}))
    assert Viewer.from_actor(admin) == Viewer(UUID(int=5), True)
    assert Viewer.from_actor(Actor.system(org_id)).is_admin


def test_manager_loop_in_bad_data_terminates() -> None:
    org = Org()
    a = org.person("A")
    b = org.person("B", manager=a)
    a.manager_id = b.id
    q1 = org.cycle()
    objective = org.objective(q1, "Mine", person=a, private=True, level=Level.INDIVIDUAL)
    assert can_see(org.directory, Viewer(b.id), objective)
    assert not can_see(org.directory, Viewer(org.person("C").id), objective)
