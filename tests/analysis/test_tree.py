"""The alignment tree: order, placements, roll-ups, visibility, coverage and views."""

from __future__ import annotations

from uuid import UUID

import pytest

from okr_domain.errors import InvalidInput, NotFound
from okr_domain.values import Band, OkrPolicy, RollUp
from projections.analysis import (
    AlignmentTree,
    Placement,
    ScoringOptions,
    TeamCoverage,
    TreeNode,
    TreeView,
    Viewer,
    alignment_tree,
)
from projections.catalog.rows import PersonRow

from .factories import Org
from .sample import Sample, sample

ADMIN = Viewer.admin()


def tree(s: Sample, viewer: Viewer = ADMIN, rule: RollUp = RollUp.KEY_RESULTS,
         view: TreeView | None = None, cycle_id: UUID | None = None) -> AlignmentTree:
    return alignment_tree(cycle_id or s.q1.id, s.org.objectives, s.org.key_results,
                          s.org.directory, viewer, OkrPolicy(roll_up=rule),
                          view or TreeView())


def titles(s: Sample, result: AlignmentTree) -> list[tuple[str, int]]:
    by_id = {o.id: o.title for o in s.org.objectives}
    return [(by_id[n.objective_id], n.depth) for n in result.nodes]


def node(result: AlignmentTree, objective_id: UUID) -> TreeNode:
    return next(n for n in result.nodes if n.objective_id == objective_id)


def as_person(person: PersonRow) -> Viewer:
    return Viewer(person.id)


def test_pre_order_with_company_roots_first_then_external_then_orphans() -> None:
    s = sample()
    result = tree(s)
    # Archived A1 is gone; its child Eve's is an orphan; X belongs to another cycle.
    assert titles(s, result) == [
        ("Grow revenue", 0), ("S1", 1), ("Sid's", 2),
        ("Ship platform", 0), ("E1", 1), ("P1", 2), ("Paul's", 3), ("Pia's", 3),
        ("Pia's other", 0),
        ("Eve's", 0), ("S2", 0), ("Sam's", 0),
    ]
    assert result.root_ids == (s.c1.id, s.c2.id, s.pia2.id, s.eve_o.id, s.s2.id, s.sam_o.id)
    assert result.orphan_ids == (s.eve_o.id, s.s2.id, s.sam_o.id)
    placements = {n.objective_id: n.placement for n in result.nodes}
    assert placements[s.c1.id] is Placement.COMPANY_ROOT
    assert placements[s.p1.id] is Placement.ALIGNED
    assert placements[s.pia2.id] is Placement.EXTERNAL_PARENT
    assert node(result, s.pia2.id).parent_id == s.x.id
    assert node(result, s.p1.id).child_ids == (s.paul_o.id, s.pia_o.id)


def test_roll_up_under_each_rule() -> None:
    s = sample()

    def rolled(rule: RollUp) -> dict[UUID, float]:
        return {n.objective_id: n.rolled_up_score for n in tree(s, rule=rule).nodes}

    key_results = rolled(RollUp.KEY_RESULTS)
    # C1 (0.4 + 0.8) / 2 = 0.6; E1 (0.2 + 0.6) / 2 = 0.4; Sam's has no key results: 0.
    assert key_results[s.c1.id] == pytest.approx(0.6)
    assert key_results[s.e1.id] == pytest.approx(0.4)
    assert key_results[s.sam_o.id] == 0.0

    children = rolled(RollUp.ALIGNED_CHILDREN)
    # P1 = (Paul 0.7 + Pia 0.1) / 2 = 0.4; E1 = P1 = 0.4; C2 = E1 = 0.4 (A1 archived).
    # S1 = Sid 0.3; C1 = S1 = 0.3.
    assert children[s.p1.id] == pytest.approx(0.4)
    assert children[s.e1.id] == pytest.approx(0.4)
    assert children[s.c2.id] == pytest.approx(0.4)
    assert children[s.c1.id] == pytest.approx(0.3)

    both = rolled(RollUp.BOTH)
    # P1 = (1.0 + 0.7 + 0.1) / 3 = 0.6; E1 = (0.2 + 0.6 + P1 0.6) / 3 = 1.4 / 3;
    # C2 = (0.5 + 1.4 / 3) / 2 = 0.48333...; S1 = (0.9 + 0.3) / 2 = 0.6;
    # C1 = (0.4 + 0.8 + S1 0.6) / 3 = 0.6.
    assert both[s.p1.id] == pytest.approx(0.6)
    assert both[s.e1.id] == pytest.approx(1.4 / 3)
    assert both[s.c2.id] == pytest.approx((0.5 + 1.4 / 3) / 2)
    assert both[s.c1.id] == pytest.approx(0.6)


def test_private_objective_is_neither_shown_nor_rolled_up_nor_counted() -> None:
    s = sample()
    result = tree(s, as_person(s.sid), RollUp.ALIGNED_CHILDREN)
    assert s.paul_o.id not in {n.objective_id for n in result.nodes}
    assert node(result, s.p1.id).child_ids == (s.pia_o.id,)
    # P1 rolls up Pia's 0.1 alone; E1 and C2 roll up P1.
    assert node(result, s.p1.id).rolled_up_score == pytest.approx(0.1)
    assert node(result, s.e1.id).rolled_up_score == pytest.approx(0.1)
    assert node(result, s.c2.id).rolled_up_score == pytest.approx(0.1)
    # Coverage: the 10 of test_coverage_overall_and_per_team but Paul's.
    assert (result.coverage.total, result.coverage.aligned) == (9, 6)
    assert TeamCoverage(s.platform.id, 3, 3, 1.0) in result.coverage.by_team
    # His manager sees and counts it: (0.7 + 0.1) / 2 = 0.4.
    as_pia = tree(s, as_person(s.pia), RollUp.ALIGNED_CHILDREN)
    assert node(as_pia, s.p1.id).rolled_up_score == pytest.approx(0.4)
    assert (as_pia.coverage.total, as_pia.coverage.aligned) == (10, 7)


def test_child_of_a_private_objective_is_a_root_without_its_parent() -> None:
    s = sample()
    s.p1.visibility = s.paul_o.visibility  # P1 (Platform's) private: Pia's team sees it
    result = tree(s, as_person(s.sid), RollUp.BOTH)
    shown = {n.objective_id for n in result.nodes}
    assert s.p1.id not in shown
    assert s.paul_o.id not in shown
    pia = node(result, s.pia_o.id)
    assert (pia.depth, pia.placement, pia.parent_id) == (0, Placement.PARENT_OUTSIDE_VIEW, None)
    assert s.pia_o.id in result.root_ids
    assert s.pia_o.id not in result.orphan_ids
    # E1 has no child left to roll up: (0.2 + 0.6) / 2; C2 = (0.5 + 0.4) / 2.
    assert node(result, s.e1.id).child_ids == ()
    assert node(result, s.e1.id).rolled_up_score == pytest.approx(0.4)
    assert node(result, s.c2.id).rolled_up_score == pytest.approx(0.45)
    # Pia's is still aligned (to something Sid may not see); P1 and Paul's are not counted.
    assert (result.coverage.total, result.coverage.aligned) == (8, 5)
    as_pia = tree(s, as_person(s.pia), RollUp.BOTH)
    assert node(as_pia, s.pia_o.id).parent_id == s.p1.id
    assert (as_pia.coverage.total, as_pia.coverage.aligned) == (10, 7)


@pytest.mark.parametrize(
    ("who", "sees"),
    [("paul", True), ("pia", True), ("eve", True), ("cleo", True),
     ("sid", False), ("sam", False)],
)
def test_who_sees_the_private_node(who: str, sees: bool) -> None:
    s = sample()
    person: PersonRow = getattr(s, who)
    result = tree(s, as_person(person))
    assert (s.paul_o.id in {n.objective_id for n in result.nodes}) is sees
    assert (s.paul_o.id in node(result, s.p1.id).child_ids) is sees


def test_visible_node_details() -> None:
    s = sample()
    details = node(tree(s), s.e1.id).details
    assert details is not None
    assert details.title == "E1"
    assert details.owner_team_id == s.eng.id
    assert details.owner_person_id is None
    assert [kr.score for kr in details.key_results] == [0.2, 0.6]
    # Own (0.2 + 0.6) / 2 = 0.4: PROGRESS (0.3 <= 0.4 < 0.6).
    assert details.own_score == pytest.approx(0.4)
    assert details.graded_score == pytest.approx(0.4)
    assert details.band is Band.PROGRESS


def test_coverage_overall_and_per_team() -> None:
    s = sample()
    coverage = tree(s).coverage
    # Team and individual objectives: S1 Sid E1 P1 Paul Pia Eve Pia2 S2 Sam = 10.
    # Aligned: S1 Sid E1 P1 Paul Pia, and Pia2 (to another cycle) = 7; 7 / 10 = 0.7.
    assert (coverage.total, coverage.aligned) == (10, 7)
    assert coverage.share == pytest.approx(0.7)
    # Eng: E1 yes, Eve's (archived parent) no -> 1/2. Platform: P1 Paul Pia Pia2 -> 4/4.
    # Sales: S1 Sid yes, S2 Sam no -> 2/4. Ordered by team name.
    assert coverage.by_team == (
        TeamCoverage(s.eng.id, 2, 1, 0.5),
        TeamCoverage(s.platform.id, 4, 4, 1.0),
        TeamCoverage(s.sales.id, 4, 2, 0.5),
    )


def test_team_view_takes_the_team_its_sub_teams_and_their_people() -> None:
    s = sample()
    result = tree(s, view=TreeView(team_id=s.eng.id))
    assert titles(s, result) == [
        ("E1", 0), ("P1", 1), ("Paul's", 2), ("Pia's", 2), ("Pia's other", 0), ("Eve's", 0),
    ]
    assert node(result, s.e1.id).placement is Placement.PARENT_OUTSIDE_VIEW
    assert node(result, s.e1.id).parent_id == s.c2.id
    # E1 P1 Paul Pia Pia2 aligned, Eve's not: 5 / 6.
    assert (result.coverage.total, result.coverage.aligned) == (6, 5)
    platform = tree(s, view=TreeView(team_id=s.platform.id))
    assert titles(s, platform) == [("P1", 0), ("Paul's", 1), ("Pia's", 1), ("Pia's other", 0)]


def test_root_view_and_root_with_team() -> None:
    s = sample()
    result = tree(s, view=TreeView(root_objective_id=s.e1.id))
    assert titles(s, result) == [("E1", 0), ("P1", 1), ("Paul's", 2), ("Pia's", 2)]
    assert result.root_ids == (s.e1.id,)
    both = tree(s, view=TreeView(root_objective_id=s.e1.id, team_id=s.platform.id))
    assert titles(s, both) == [("P1", 0), ("Paul's", 1), ("Pia's", 1)]


def test_depth_limit_cuts_and_says_so() -> None:
    s = sample()
    result = tree(s, view=TreeView(max_depth=1))
    assert titles(s, result) == [
        ("Grow revenue", 0), ("S1", 1), ("Ship platform", 0), ("E1", 1),
        ("Pia's other", 0), ("Eve's", 0), ("S2", 0), ("Sam's", 0),
    ]
    s1 = node(result, s.s1.id)
    assert (s1.child_ids, s1.more_children) == ((), True)
    assert node(result, s.c1.id).more_children is False
    roots_only = tree(s, view=TreeView(max_depth=0))
    assert [n.depth for n in roots_only.nodes] == [0] * 6
    # Coverage is over the view before the depth limit.
    assert roots_only.coverage.total == 10


def test_view_errors() -> None:
    s = sample()
    with pytest.raises(NotFound):
        tree(s, view=TreeView(root_objective_id=UUID(int=999)))
    with pytest.raises(NotFound):
        tree(s, as_person(s.sid), view=TreeView(root_objective_id=s.paul_o.id))
    with pytest.raises(NotFound):
        tree(s, view=TreeView(root_objective_id=s.a1.id))  # archived
    with pytest.raises(NotFound):
        tree(s, view=TreeView(team_id=UUID(int=999)))
    with pytest.raises(InvalidInput):
        tree(s, view=TreeView(max_depth=-1))


def test_other_cycle_keeps_its_own_tree() -> None:
    s = sample()
    result = tree(s, rule=RollUp.ALIGNED_CHILDREN, cycle_id=s.q4.id)
    # X alone; Pia's other (2026-Q1) does not roll into it: X keeps its key result, 1.0.
    assert titles(s, result) == [("X", 0)]
    assert result.nodes[0].rolled_up_score == 1.0


def test_empty_cycle() -> None:
    org = Org()
    q1 = org.cycle()
    result = alignment_tree(q1.id, [], [], org.directory, ADMIN, org.policy)
    assert result.nodes == ()
    assert result.root_ids == ()
    assert (result.coverage.total, result.coverage.aligned, result.coverage.share) == (
        0, 0, None)


def test_a_loop_in_bad_data_still_draws_every_objective_once() -> None:
    org = Org()
    team = org.team("T")
    q1 = org.cycle()
    a = org.objective(q1, "A", team=team, krs=(0.5,))
    b = org.objective(q1, "B", team=team, parent=a, krs=(0.5,))
    a.parent_id = b.id
    result = alignment_tree(q1.id, org.objectives, org.key_results, org.directory, ADMIN,
                            OkrPolicy(roll_up=RollUp.BOTH))
    assert sorted(n.objective_id for n in result.nodes) == sorted([a.id, b.id])


def test_re_scoring_options_reach_the_tree() -> None:
    s = sample()
    s.org.key_results[0].weight = 3.0  # X's only key result: no effect on 2026-Q1
    c1_krs = [kr for kr in s.org.key_results if kr.objective_id == s.c1.id]
    c1_krs[1].weight = 3.0  # C1: 0.4 weighs 1, 0.8 weighs 3
    policy = OkrPolicy(roll_up=RollUp.KEY_RESULTS)
    weighted = alignment_tree(s.q1.id, s.org.objectives, s.org.key_results,
                              s.org.directory, ADMIN, policy)
    unweighted = alignment_tree(s.q1.id, s.org.objectives, s.org.key_results,
                                s.org.directory, ADMIN, policy,
                                options=ScoringOptions(honour_weights=False))
    # Weighted: (0.4 * 1 + 0.8 * 3) / 4 = 0.7; unweighted: (0.4 + 0.8) / 2 = 0.6.
    assert node(weighted, s.c1.id).rolled_up_score == pytest.approx(0.7)
    assert node(unweighted, s.c1.id).rolled_up_score == pytest.approx(0.6)
    assert unweighted.options == ScoringOptions(honour_weights=False)
