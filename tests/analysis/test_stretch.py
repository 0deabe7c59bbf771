"""The stretch analysis: counts, mean, median, histogram, bands, committed hit rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from okr_domain.errors import NotFound
from okr_domain.values import (
    Band,
    BandEdges,
    CycleStatus,
    Kind,
    ObjectiveStatus,
    OkrPolicy,
    RollUp,
)
from projections.analysis import Scope, ScoringOptions, StretchAnalysis, Viewer, stretch_analysis
from projections.catalog.rows import CycleRow, PersonRow, TeamRow

from .factories import Org, at

NOW = at(date(2026, 2, 15), 12)
ADMIN = Viewer.admin()
SCORES = (0.05, 0.3, 0.45, 0.6, 0.65, 0.7, 0.75, 0.9, 1.0)


def analyse(org: Org, cycle: CycleRow, viewer: Viewer = ADMIN, scope: Scope | None = None,
            policy: OkrPolicy | None = None,
            options: ScoringOptions | None = None) -> StretchAnalysis:
    return stretch_analysis(cycle, org.objectives, org.key_results, org.directory, viewer,
                            policy or org.policy, NOW, scope or Scope.organization(),
                            options or ScoringOptions())


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 9)


def count_mean(result: StretchAnalysis) -> tuple[int, float | None]:
    return result.aspirational_count, rounded(result.mean)


def scored_cycle(status: CycleStatus = CycleStatus.ACTIVE) -> tuple[Org, CycleRow]:
    org = Org()
    q1 = org.cycle(status=status)
    for score in SCORES:
        org.objective(q1, f"A{score}", krs=(score,))
    for score in (1.0, 1.0, 0.8):
        org.objective(q1, f"C{score}", kind=Kind.COMMITTED, krs=(score,))
    # Left out: a draft, an archived objective.
    org.objective(q1, "Draft", krs=(0.0,), status=ObjectiveStatus.DRAFT)
    org.objective(q1, "Gone", krs=(0.0,), status=ObjectiveStatus.ARCHIVED)
    return org, q1


def test_counts_mean_median_and_distance() -> None:
    org, q1 = scored_cycle()
    result = analyse(org, q1)
    assert result.aspirational_count == 9
    # Sum 0.05 + 0.3 + 0.45 + 0.6 + 0.65 + 0.7 + 0.75 + 0.9 + 1.0 = 5.4; 5.4 / 9 = 0.6.
    assert result.mean == pytest.approx(0.6)
    # Sorted, the 5th of 9 is 0.65.
    assert result.median == pytest.approx(0.65)
    # 0.6 - 0.7 = -0.1: less safe than the 0.7 target.
    assert result.distance_from_target == pytest.approx(-0.1)
    assert result.final_grades is False


def test_histogram_puts_edge_values_in_the_bucket_above() -> None:
    org, q1 = scored_cycle()
    buckets = analyse(org, q1).histogram
    # 0.05 -> [0, .1); 0.3 -> [.3, .4); 0.45 -> [.4, .5); 0.6, 0.65 -> [.6, .7);
    # 0.7, 0.75 -> [.7, .8); 0.9, 1.0 -> [.9, 1.0].
    assert [b.count for b in buckets] == [1, 0, 0, 1, 1, 0, 2, 2, 0, 2]
    assert (buckets[0].lower, buckets[0].upper) == (0.0, 0.1)
    assert (buckets[9].lower, buckets[9].upper) == (0.9, 1.0)


def test_bands_with_values_exactly_on_the_edges() -> None:
    org, q1 = scored_cycle()
    bands = [(b.band, b.count, rounded(b.share)) for b in analyse(org, q1).bands]
    # LOW < 0.3: 0.05. PROGRESS [0.3, 0.6): 0.3, 0.45. SWEET_SPOT [0.6, 0.7]: 0.6, 0.65, 0.7.
    # HIGH (0.7, 0.9): 0.75. TOO_SAFE >= 0.9: 0.9, 1.0. Shares out of 9.
    assert bands == [
        (Band.LOW, 1, rounded(1 / 9)),
        (Band.PROGRESS, 2, rounded(2 / 9)),
        (Band.SWEET_SPOT, 3, rounded(3 / 9)),
        (Band.HIGH, 1, rounded(1 / 9)),
        (Band.TOO_SAFE, 2, rounded(2 / 9)),
    ]


def test_bands_follow_the_given_policy() -> None:
    org, q1 = scored_cycle()
    other = OkrPolicy(bands=BandEdges(low=0.2, sweet_from=0.5, sweet_to=0.8, too_safe=0.95))
    counts = [b.count for b in analyse(org, q1, policy=other).bands]
    # LOW < 0.2: 0.05. PROGRESS [0.2, 0.5): 0.3, 0.45. SWEET [0.5, 0.8]: 0.6 0.65 0.7 0.75.
    # HIGH (0.8, 0.95): 0.9. TOO_SAFE >= 0.95: 1.0.
    assert counts == [1, 2, 4, 1, 1]


def test_committed_hit_rate() -> None:
    org, q1 = scored_cycle()
    result = analyse(org, q1)
    # 1.0 and 1.0 met, 0.8 missed: 2 / 3.
    assert (result.committed_count, result.committed_met) == (3, 2)
    assert result.committed_hit_rate == pytest.approx(2 / 3)


def test_closed_cycle_uses_final_grades() -> None:
    org = Org()
    q4 = org.cycle("2025-Q4", status=CycleStatus.CLOSED)
    # Key results say 0.9 and 0.5, but the recorded grades are 0.7 (an override) and 0.5.
    org.objective(q4, "A", krs=(0.9,), status=ObjectiveStatus.CLOSED, final_score=0.7,
                  override=0.7)
    org.objective(q4, "B", krs=(0.5,), status=ObjectiveStatus.CLOSED, final_score=0.5)
    result = analyse(org, q4)
    assert result.final_grades is True
    assert result.mean == pytest.approx(0.6)  # (0.7 + 0.5) / 2
    assert result.pace is None
    rescored = analyse(org, q4, options=ScoringOptions(use_final_grades=False,
                                                       apply_overrides=False))
    assert rescored.mean == pytest.approx(0.7)  # (0.9 + 0.5) / 2


@dataclass
class Scoped:
    org: Org
    q1: CycleRow
    sales: TeamRow
    sam: PersonRow
    sid: PersonRow
    ian: PersonRow
    eve: PersonRow


def scoped_org() -> Scoped:
    org = Org()
    sales = org.team("Sales")
    inside = org.team("Inside Sales", parent=sales)
    eng = org.team("Eng")
    sam = org.person("Sam", team=sales)
    sid = org.person("Sid", team=sales, manager=sam)
    ian = org.person("Ian", team=inside, manager=sam)
    eve = org.person("Eve", team=eng)
    q1 = org.cycle()
    org.objective(q1, "Company", krs=(0.5,))
    org.objective(q1, "Sales", team=sales, krs=(0.4,))
    org.objective(q1, "Inside", team=inside, krs=(0.8,))
    org.objective(q1, "Ian's", person=ian, krs=(0.6,))
    org.objective(q1, "Sid's", person=sid, krs=(0.2,))
    org.objective(q1, "Eve's", person=eve, krs=(1.0,))
    org.objective(q1, "Sid's secret", person=sid, krs=(0.0,), private=True)
    return Scoped(org, q1, sales, sam, sid, ian, eve)


def test_scopes() -> None:
    w = scoped_org()
    org, q1, sales, ian = w.org, w.q1, w.sales, w.ian
    everyone = analyse(org, q1)
    # All seven: (0.5 + 0.4 + 0.8 + 0.6 + 0.2 + 1.0 + 0.0) / 7 = 3.5 / 7 = 0.5.
    assert count_mean(everyone) == (7, 0.5)
    with_subs = analyse(org, q1, scope=Scope.team(sales.id))
    # Sales, Inside, Ian's, Sid's, Sid's secret: (0.4 + 0.8 + 0.6 + 0.2 + 0.0) / 5 = 0.4.
    assert count_mean(with_subs) == (5, 0.4)
    # Median of 0.0 0.2 0.4 0.6 0.8 is 0.4.
    assert with_subs.median == pytest.approx(0.4)
    alone = analyse(org, q1, scope=Scope.team(sales.id, include_sub_teams=False))
    # Sales, Sid's, Sid's secret: (0.4 + 0.2 + 0.0) / 3 = 0.2.
    assert count_mean(alone) == (3, 0.2)
    person = analyse(org, q1, scope=Scope.person(ian.id))
    assert count_mean(person) == (1, 0.6)
    with pytest.raises(NotFound):
        analyse(org, q1, scope=Scope.team(q1.id))
    with pytest.raises(NotFound):
        analyse(org, q1, scope=Scope.person(q1.id))


def test_private_objectives_count_only_for_those_who_may_see_them() -> None:
    w = scoped_org()
    org, q1, sid, sam, eve = w.org, w.q1, w.sid, w.sam, w.eve
    scope = Scope.person(sid.id)
    # Sid's manager Sam sees both: (0.2 + 0.0) / 2 = 0.1.
    managed = analyse(org, q1, Viewer(sam.id), scope)
    assert count_mean(managed) == (2, 0.1)
    # Eve sees only the public one: 0.2, and nothing says there is another.
    other = analyse(org, q1, Viewer(eve.id), scope)
    assert count_mean(other) == (1, 0.2)


def test_what_the_viewer_may_not_see_enters_no_figure() -> None:
    org = Org()
    q1 = org.cycle()
    boss = org.person("Boss")
    ann = org.person("Ann", manager=boss)
    bob = org.person("Bob")
    team = org.team("T", lead=boss)
    parent = org.objective(q1, "Team goal", team=team, krs=(0.2,))
    org.objective(q1, "Ann open", person=ann, parent=parent, krs=(0.4,))
    org.objective(q1, "Ann secret", person=ann, parent=parent, private=True, krs=(0.95,))
    org.objective(q1, "Ann must", person=ann, kind=Kind.COMMITTED, private=True, krs=(1.0,))
    org.objective(q1, "Ann stalled", person=ann, private=True, krs=(0.1,))
    org.objective(q1, "Team must", team=team, kind=Kind.COMMITTED, krs=(0.5,))
    children = OkrPolicy(roll_up=RollUp.ALIGNED_CHILDREN)

    def figures(viewer: Viewer) -> tuple[object, ...]:
        r = analyse(org, q1, viewer, policy=children)
        assert r.pace is not None
        return (count_mean(r), [b.count for b in r.histogram], [b.count for b in r.bands],
                rounded(r.bands[-1].share), (r.committed_count, r.committed_met),
                rounded(r.pace.aspirational_mean), len(r.pace.behind))

    # Bob: Team goal rolls up Ann open alone (0.4), Ann open 0.4; Team must 0.5, missed;
    # halfway through the cycle nothing is behind pace (0.35 and 0.5 expected).
    assert figures(Viewer(bob.id)) == (
        (2, 0.4), [0, 0, 0, 0, 2, 0, 0, 0, 0, 0], [0, 2, 0, 0, 0], 0.0, (1, 0), 0.4, 0)
    # Her manager and an admin: Team goal (0.4 + 0.95) / 2 = 0.675, 0.4, 0.95 and 0.1
    # (behind pace); Ann must met, Team must missed.
    mean = round((0.675 + 0.4 + 0.95 + 0.1) / 4, 9)
    everything = ((4, mean), [0, 1, 0, 0, 1, 0, 1, 0, 0, 1], [1, 1, 1, 0, 1], 0.25, (2, 1),
                  mean, 1)
    assert figures(Viewer(boss.id)) == everything
    assert figures(ADMIN) == everything


def test_empty_cycle() -> None:
    org = Org()
    q1 = org.cycle()
    result = analyse(org, q1)
    assert result.aspirational_count == 0
    assert (result.mean, result.median, result.distance_from_target) == (None, None, None)
    assert [b.count for b in result.histogram] == [0] * 10
    assert [(b.count, b.share) for b in result.bands] == [(0, None)] * 5
    assert (result.committed_count, result.committed_hit_rate) == (0, None)
    assert result.pace is not None
    assert (result.pace.aspirational_mean, result.pace.behind) == (None, ())


def test_no_aspirational_objectives() -> None:
    org = Org()
    q1 = org.cycle()
    org.objective(q1, "Must", kind=Kind.COMMITTED, krs=(1.0,))
    result = analyse(org, q1)
    assert (result.aspirational_count, result.mean) == (0, None)
    assert (result.committed_count, result.committed_met, result.committed_hit_rate) == (
        1, 1, 1.0)


def test_uncapped_scores_fall_in_the_end_buckets() -> None:
    org = Org()
    q1 = org.cycle()
    over = org.objective(q1, "Over")
    org.kr(over, 1.0, progress=1.4)
    under = org.objective(q1, "Under")
    org.kr(under, 0.0, progress=-0.2)
    result = analyse(org, q1, options=ScoringOptions(cap_progress=False))
    assert [b.count for b in result.histogram] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    # (1.4 + -0.2) / 2 = 0.6.
    assert result.mean == pytest.approx(0.6)
