"""The path from an objective up to the company objective it serves."""

from __future__ import annotations

from uuid import UUID

import pytest

from okr_domain.errors import NotFound
from okr_domain.values import Level
from projections.analysis import AlignmentPath, PathEnd, Viewer, alignment_path
from projections.catalog.rows import ObjectiveRow

from .factories import Org
from .sample import Sample, sample

ADMIN = Viewer.admin()


def path(s: Sample, objective: ObjectiveRow, viewer: Viewer = ADMIN,
         rows: list[ObjectiveRow] | None = None) -> AlignmentPath:
    given = s.org.objectives if rows is None else rows
    return alignment_path(objective.id, given, s.org.directory, viewer)


def ids(result: AlignmentPath) -> list[UUID]:
    return [step.objective_id for step in result.steps]


def test_path_up_to_the_company_objective() -> None:
    s = sample()
    result = path(s, s.paul_o)
    assert ids(result) == [s.paul_o.id, s.p1.id, s.e1.id, s.c2.id]
    assert result.end is PathEnd.COMPANY
    assert result.serves_company
    assert result.company_objective_id == s.c2.id
    assert [step.level for step in result.steps] == [
        Level.INDIVIDUAL, Level.TEAM, Level.TEAM, Level.COMPANY]
    assert result.steps[-1].title == "Ship platform"


def test_a_company_objective_is_its_own_path() -> None:
    s = sample()
    result = path(s, s.c1)
    assert ids(result) == [s.c1.id]
    assert result.company_objective_id == s.c1.id


def test_path_across_cycles_when_the_other_cycle_is_given() -> None:
    s = sample()
    result = path(s, s.pia2)
    assert ids(result) == [s.pia2.id, s.x.id]
    assert result.end is PathEnd.COMPANY
    assert result.steps[1].cycle_id == s.q4.id
    only_q1 = [o for o in s.org.objectives if o.cycle_id == s.q1.id]
    assert path(s, s.pia2, rows=only_q1).end is PathEnd.UNKNOWN_PARENT


def test_paths_that_do_not_reach_the_company() -> None:
    s = sample()
    assert path(s, s.s2).end is PathEnd.UNALIGNED
    archived = path(s, s.eve_o)
    assert archived.end is PathEnd.ARCHIVED_PARENT
    assert ids(archived) == [s.eve_o.id]  # the archived parent is left off
    assert archived.company_objective_id is None


def test_path_stops_below_an_objective_the_viewer_may_not_see() -> None:
    s = sample()
    s.p1.visibility = s.paul_o.visibility  # P1 private: Sid may not see it, Pia may
    result = path(s, s.pia_o, Viewer(s.sid.id))
    assert ids(result) == [s.pia_o.id]
    assert (result.end, result.company_objective_id) == (PathEnd.UNKNOWN_PARENT, None)
    assert not result.serves_company
    as_pia = path(s, s.pia_o, Viewer(s.pia.id))
    assert ids(as_pia) == [s.pia_o.id, s.p1.id, s.e1.id, s.c2.id]
    assert as_pia.end is PathEnd.COMPANY


def test_unknown_archived_or_hidden_start_is_not_found() -> None:
    s = sample()
    with pytest.raises(NotFound):
        alignment_path(UUID(int=999), s.org.objectives, s.org.directory, ADMIN)
    with pytest.raises(NotFound):
        path(s, s.a1)
    with pytest.raises(NotFound):
        path(s, s.paul_o, Viewer(s.sid.id))


def test_loop_in_bad_data() -> None:
    org = Org()
    team = org.team("T")
    q1 = org.cycle()
    a = org.objective(q1, "A", team=team)
    b = org.objective(q1, "B", team=team, parent=a)
    a.parent_id = b.id
    result = alignment_path(a.id, org.objectives, org.directory, ADMIN)
    assert result.end is PathEnd.LOOP
    assert [step.objective_id for step in result.steps] == [a.id, b.id]
