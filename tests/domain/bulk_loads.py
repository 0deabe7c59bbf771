"""A small organization loaded through the commands, for the bulk-load tests."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from uuid import UUID

from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Level, MetricType


def load_people_with_check_ins(app: OkrApplication, people: int, weeks: int,
                               start: datetime | None = None) -> list[tuple[UUID, UUID]]:
    """``people`` people with an objective and a key result each, then ``weeks`` rounds
    of check-ins on every key result; (objective, key result) of each. With ``start``,
    in simulated time: set up at ``start``, each round a week later than the one before."""

    def at(weeks_in: int) -> AbstractContextManager[object]:
        if start is None:
            return nullcontext()
        return clock.simulated_time(start + timedelta(weeks=weeks_in))

    org = app.create_organization("Acme", "acme").id
    admin = Actor.system(org)
    cycle = app.create_cycle(admin, "2026-Q3").id
    app.activate_cycle(admin, cycle)
    made = []
    with at(0):
        for n in range(people):
            person = app.upsert_person(admin, f"p{n}", f"Person {n}").id
            objective = app.create_objective(admin, cycle, Level.INDIVIDUAL, f"Goal {n}",
                                             owner_person_id=person).id
            kr = app.add_key_result(admin, objective, "Measure", MetricType.INCREASE_TO,
                                    start=0, target=10).id
            app.activate_objective(admin, objective)
            made.append((objective, kr))
    for week in range(1, weeks + 1):
        with at(week):
            for objective, kr in made:
                app.record_check_in(admin, objective, kr, week)
    return made
