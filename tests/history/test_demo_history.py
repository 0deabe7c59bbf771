"""The demo's quarter unfolds week by week "as of" its weeks: its check-ins are entered
when the demo loads, each applying at its week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from okr_api.demo import load_demo
from okr_api.storage import init_database
from okr_domain import clock, ids
from projections.analysis import Viewer
from projections.analysis.timeline import Interval, step_moments
from projections.replay.asof import AsOfReplayer
from projections.replay.timeline_walk import cycle_timeline
from projections.source import EventSource

LOADED = datetime(2026, 11, 20, 15, tzinfo=UTC)


def test_the_demo_quarter_unfolds_as_of_its_weeks() -> None:
    app = init_database("memory://")
    try:
        with clock.simulated_time(LOADED):
            demo = load_demo(app)
        cycle_id = ids.cycle_id(demo.organization_id, demo.cycle_key)
        replayer = AsOfReplayer(EventSource(app))
        moments = step_moments(datetime(2026, 10, 1).date(), datetime(2026, 12, 31).date(),
                               Interval.WEEK, LOADED)
        steps = cycle_timeline(replayer, demo.organization_id, cycle_id, moments,
                               Viewer.admin()).steps
        assert all(s.objective_count == steps[0].objective_count > 0 for s in steps)
        totals = [s.check_ins_total for s in steps]
        assert totals[0] == totals[1] == 0  # the first check-ins are on 8 October, 10:00
        assert all(a < b for a, b in pairwise(totals[1:]))
        assert all(s.check_ins > 0 for s in steps[2:])
        means = [s.mean for s in steps[1:]]
        assert means[-1] is not None
        assert means[0] is not None
        assert means[-1] > means[0]
        # As recorded before the check-ins were entered, there were none.
        before = replayer.state_at(demo.organization_id, cycle_id, LOADED,
                                   known_at=LOADED - timedelta(seconds=1))
        assert before.exists
        assert before.check_ins_recorded == 0
    finally:
        app.close()
