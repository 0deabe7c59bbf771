"""The demo loads on any day, all or nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from okr_api import demo
from okr_api.demo import load_demo
from okr_api.storage import init_database
from okr_domain import clock
from okr_domain.application import OkrApplication
from okr_domain.errors import DomainError

FIRST_DAY = date(2026, 1, 1)


def _topics(app: OkrApplication) -> Counter[str]:
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return Counter(n.topic for n in notifications)


def test_the_demo_loads_on_every_day_of_a_year() -> None:
    failures: list[tuple[datetime, str]] = []
    for n in range(365):
        # Every day, at an hour that moves round the clock (check-ins are made at 10:00).
        moment = datetime.combine(FIRST_DAY + timedelta(days=n), time((n * 5) % 24), UTC)
        app = init_database("memory://")
        try:
            with clock.simulated_time(moment):
                loaded = load_demo(app)
        except DomainError as error:
            failures.append((moment, f"{error.code}: {error.message}"))
            continue
        finally:
            app.close()
        assert loaded.cycle_key == f"2026-Q{(moment.month - 1) // 3 + 1}"
    assert failures == []


@pytest.mark.parametrize(("moment", "check_ins"), [
    (datetime(2026, 10, 1, 9, tzinfo=UTC), False),     # the quarter's first day
    (datetime(2026, 10, 8, 9, 59, tzinfo=UTC), False),  # a minute before the first check-in
    (datetime(2026, 10, 8, 10, tzinfo=UTC), True),
    (datetime(2026, 12, 31, 23, tzinfo=UTC), True),
])
def test_the_demo_checks_in_only_up_to_now(moment: datetime, check_ins: bool) -> None:
    app = init_database("memory://")
    with clock.simulated_time(moment):
        load_demo(app)
    recorded = app.recorder.select_notifications(start=1, limit=1_000_000)
    applied = [n for n in recorded if n.topic == "okr.Objective.CheckInRecorded"]
    assert bool(applied) is check_ins
    app.close()


def test_a_failed_demo_load_leaves_nothing_and_the_next_one_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    app = init_database(url)
    goals = iter(range(10))

    def goal_that_fails_late(rng: object) -> str:
        # The tenth personal objective gets an empty title: the command refuses it.
        return "Grow" if next(goals, None) is not None else ""

    with monkeypatch.context() as patch:
        patch.setattr(demo, "_personal_goal", goal_that_fails_late)
        with pytest.raises(DomainError):
            load_demo(app)
    assert app.current_position() == 0
    loaded = load_demo(app)
    topics = _topics(app)
    assert topics["okr.Organization.Created"] == 1
    assert topics["okr.Person.Created"] >= 30
    assert load_demo(app) == loaded  # a second load finds the first
    assert _topics(app) == topics
    app.close()
