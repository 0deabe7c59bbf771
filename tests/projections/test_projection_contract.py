"""The contract every store keeps, run on memory, SQLite and PostgreSQL: the same
events give the same rows, whatever the batch size, and the rows say what the
aggregates say."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from projection_histories import History
from projection_support import assert_agrees_with_aggregates, catch_up, dump, position, reference

from okr_domain.application import OkrApplication
from okr_domain.values import (
    CycleStatus,
    Kind,
    ObjectiveStatus,
    ProposalSide,
    ProposalStatus,
    RollUp,
    Visibility,
)
from projections.catalog.tables import (
    CHECK_INS,
    CYCLES,
    KEY_RESULTS,
    OBJECTIVES,
    ORGANIZATIONS,
    PEOPLE,
    PROPOSALS,
    TEAMS,
)
from projections.indexes.event_index import EVENT_INDEX
from projections.registry import PROJECTIONS
from projections.stores.database import Database


@pytest.mark.parametrize("name", list(PROJECTIONS))
@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_every_projection_gives_the_reference_rows_in_any_batch_size(
        app: OkrApplication, database: Database, history: History, name: str,
        batch_size: int) -> None:
    catch_up(app, database, (name,), batch_size=batch_size)
    assert dump(database, name) == reference(app, name)
    assert position(database, name) == app.current_position()


def test_catalog_agrees_with_the_aggregates(app: OkrApplication, database: Database,
                                            history: History) -> None:
    catch_up(app, database, ("catalog",))
    rows = dump(database, "catalog")
    assert len(rows[OBJECTIVES.name]) == 8
    assert_agrees_with_aggregates(app, rows)


def test_catalog_rows_say_what_happened(app: OkrApplication, database: Database,
                                        history: History) -> None:
    h = history
    catch_up(app, database, ("catalog",))
    rows = dump(database, "catalog")
    by_id = {name: {r.id: r for r in table} for name, table in rows.items()}
    org = by_id[ORGANIZATIONS.name][h.org]
    assert org.policy.roll_up is RollUp.BOTH
    assert org.policy.bands.low == 0.25
    assert by_id[PEOPLE.name][h.bob].name == "Bob Builder"
    assert by_id[PEOPLE.name][h.bob].manager_id == h.ann
    assert by_id[TEAMS.name][h.platform].lead_id == h.bob
    assert by_id[TEAMS.name][h.platform].parent_team_id == h.engineering
    q1 = by_id[CYCLES.name][h.q1]
    assert q1.status is CycleStatus.CLOSED
    assert q1.grades_hash
    assert by_id[CYCLES.name][h.q2].status is CycleStatus.PLANNING

    objectives = by_id[OBJECTIVES.name]
    reliability = objectives[h.reliability]
    assert reliability.kind is Kind.COMMITTED
    assert reliability.status is ObjectiveStatus.CLOSED
    assert reliability.parent_id == h.company
    assert reliability.band in ("MET", "MISSED")
    assert objectives[h.rust].parent_id == h.reliability
    assert objectives[h.rust].visibility is Visibility.PRIVATE
    deals = objectives[h.deals]
    assert (deals.title, deals.visibility, deals.supporters_can_check_in) == (
        "Close bigger deals", Visibility.PRIVATE, True)
    assert (deals.grade_override, deals.final_score, deals.grade_reason) == (
        0.65, 0.65, "market shifted")
    assert objectives[h.company].supporters == [h.cy]
    assert objectives[h.company].grade_override is None
    assert objectives[h.archived].status is ObjectiveStatus.ARCHIVED
    assert not [o for o in objectives.values() if o.parent_id == h.archived]
    assert objectives[h.next_quarter].status is ObjectiveStatus.DRAFT
    # (0.8 x 1 + 0.2 x 2 + 0.1 x 3) / 6: exactly 1/4, whatever the order of the sum.
    assert objectives[h.precision].score == Fraction(1, 4)
    assert len([o for o in objectives.values() if o.title == "Platform reliability"]) == 1

    key_results = by_id[KEY_RESULTS.name]
    assert h.removed_kr not in key_results
    assert not [c for c in by_id[CHECK_INS.name].values() if c.key_result_id == h.removed_kr]
    latency = key_results[h.latency_kr]
    assert (latency.current, latency.target, latency.check_in_count) == (
        Decimal(250), Decimal(150), 3)
    assert latency.progress == pytest.approx(0.6)
    assert key_results[h.uptime_kr].check_in_count == 1
    corrected = by_id[CHECK_INS.name][h.corrected_check_in]
    assert (corrected.value, corrected.corrected, corrected.correction_reason,
            corrected.confidence) == (Decimal(250), True, "wrong dashboard", 9)
    assert corrected.previous_value == Decimal(350)

    proposals = by_id[PROPOSALS.name]
    assert {p: proposals[p].status for p in (h.accepted, h.declined, h.withdrawn, h.pending)} == {
        h.accepted: ProposalStatus.ACCEPTED, h.declined: ProposalStatus.DECLINED,
        h.withdrawn: ProposalStatus.WITHDRAWN, h.pending: ProposalStatus.PENDING}
    assert proposals[h.declined].response_reason == "not this quarter"
    assert [proposals[p].awaiting_side for p in (h.accepted, h.pending)] == [
        ProposalSide.PARENT, ProposalSide.CHILD]
    assert proposals[h.declined].responded_at is not None
    assert proposals[h.withdrawn].withdrawn_at is not None
    assert proposals[h.pending].responded_at is proposals[h.pending].withdrawn_at is None
    assert reliability.last_one_on_one_at is not None  # one check-in was made in a 1:1
    assert objectives[h.company].last_one_on_one_at is None


def test_row_positions_are_the_last_event_that_changed_them(
        app: OkrApplication, database: Database, history: History) -> None:
    catch_up(app, database, ("catalog",))
    rows = dump(database, "catalog")
    last_change: dict[object, int] = {}
    for n in app.recorder.select_notifications(1, 10_000):
        last_change[n.originator_id] = n.id
    org = rows[ORGANIZATIONS.name][0]
    policy_changed = [n.id for n in app.recorder.select_notifications(1, 10_000)
                      if n.topic == "okr.Organization.PolicyChanged"]
    assert org.position == policy_changed[-1]
    for table in (TEAMS, PEOPLE, PROPOSALS):
        for row in rows[table.name]:
            assert row.position == last_change[row.id]
    for row in rows[OBJECTIVES.name]:
        assert row.created_position <= row.position <= last_change[row.id]


def test_event_index_has_one_row_per_event(app: OkrApplication, database: Database,
                                           history: History) -> None:
    catch_up(app, database, ("event_index",))
    rows = dump(database, "event_index")[EVENT_INDEX.name]
    notifications = app.recorder.select_notifications(1, 10_000)
    assert [r.position for r in rows] == [n.id for n in notifications]
    for row, n in zip(rows, notifications, strict=True):
        event = app.mapper.to_domain_event(n)
        assert (row.event_type, row.aggregate_id, row.aggregate_version, row.occurred_at) == (
            n.topic, n.originator_id, n.originator_version, event.timestamp)
        assert (row.organization_id, row.cycle_id, row.actor_id) == (
            history.org, event.cycle_id, event.actor_id)
    assert {r.cycle_id for r in rows} == {None, history.q1, history.q2}
