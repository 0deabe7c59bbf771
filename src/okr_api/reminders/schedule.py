"""The reminder schedule: which people have check-ins due, recorded as one
``CheckInReminder`` per person, cycle and cadence period.

It runs in the process that holds the webhook delivery lease (one at a time), on the
service's clock (``okr_domain.clock``): each pass asks what is due *now*. A reminder's id
is its natural key, so a pass repeated after a restart, or by a second process that
took the lease over, records nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from okr_domain import clock, ids
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.organization import Organization
from okr_domain.reminders import MAX_ITEMS
from okr_domain.values import CycleStatus, Level, Visibility
from projections.analysis import practice
from projections.catalog.rows import CycleRow, ObjectiveRow, TeamRow
from projections.reading.interface import AsyncCatalogReader

log = logging.getLogger("okr_api.reminders")

ORGANIZATIONS_PAGE = 1000
RECORD_BATCH = 500
"""The most reminders recorded in one transaction."""


class ReminderSchedule:
    def __init__(self, app: OkrApplication, read_model: AsyncCatalogReader,
                 interval_seconds: float, holding: Callable[[], bool]) -> None:
        self.app = app
        self.read_model = read_model
        self.interval_seconds = interval_seconds
        self.holding = holding
        self._organizations: list[UUID] = []
        self._scanned = 0
        self._known: set[UUID] = set()
        """Reminders this process knows exist: not asked of the store again."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="check-in-reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            if self.holding():
                try:
                    await self.run_once(clock.now())
                except Exception as error:  # the database may be briefly unreachable
                    log.warning("the reminder schedule failed (retrying): %s", error)
            await asyncio.sleep(self.interval_seconds)

    async def run_once(self, now: datetime) -> int:
        """Record the reminders due at ``now``; returns how many were recorded."""
        made = 0
        for organization_id in await asyncio.to_thread(self._new_organizations):
            self._organizations.append(organization_id)
        for organization_id in self._organizations:
            made += await self._remind(organization_id, now)
        return made

    def _new_organizations(self) -> list[UUID]:
        found: list[UUID] = []
        while True:
            page = self.app.recorder.select_notifications(
                self._scanned + 1, ORGANIZATIONS_PAGE, topics=[Organization.Created.TOPIC])
            found += [self.app.mapper.to_domain_event(n).originator_id for n in page]
            if len(page) < ORGANIZATIONS_PAGE:
                self._scanned = max([self._scanned, *(n.id for n in page)])
                return found
            self._scanned = page[-1].id

    async def _remind(self, organization_id: UUID, now: datetime) -> int:
        rm = self.read_model
        organization = await rm.organization(organization_id)
        if organization is None:
            return 0
        policy = organization.policy
        today = now.astimezone(policy.zone).date()
        cycles = [c for c in await rm.cycles(organization_id)
                  if c.status is CycleStatus.ACTIVE and c.starts_on <= today <= c.ends_on]
        if not cycles:
            return 0
        teams = {t.id: t for t in await rm.teams(organization_id)}
        made = 0
        for cycle in cycles:
            objectives = await rm.cycle_objectives(organization_id, cycle.id)
            key_results = await rm.cycle_key_results(organization_id, cycle.id)
            due = practice.check_ins_due(objectives, key_results, {cycle.id: cycle},
                                         policy.check_in_cadence_days, now)
            by_person: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
            for item in due:
                person = _answerable(item.objective, teams)
                if person is not None:
                    by_person[person].append(_item(item))
            period = practice.due_period(cycle, policy.check_in_cadence_days, now,
                                         policy.zone)
            starts = practice.period_starts_at(cycle, policy.check_in_cadence_days,
                                               period, policy.zone)
            waiting = {person_id: items[:MAX_ITEMS] for person_id, items in by_person.items()
                       if self._reminder_id(organization_id, person_id, cycle, period)
                       not in self._known}
            people = list(waiting)
            # One transaction per batch: a large organization's first pass of a period
            # writes thousands of reminders, which one command each would queue behind
            # (and between) the users' own writes.
            for start in range(0, len(people), RECORD_BATCH):
                batch = {p: waiting[p] for p in people[start:start + RECORD_BATCH]}
                recorded = await asyncio.to_thread(
                    self.app.remind_check_ins, Actor.system(organization_id), cycle.id,
                    period, starts, batch)
                made += len(recorded)
                self._known.update(self._reminder_id(organization_id, p, cycle, period)
                                   for p in batch)
        return made

    @staticmethod
    def _reminder_id(organization_id: UUID, person_id: UUID, cycle: CycleRow,
                     period: int) -> UUID:
        return ids.check_in_reminder_id(organization_id, person_id, cycle.id, period)


def _answerable(objective: ObjectiveRow, teams: dict[UUID, TeamRow]) -> UUID | None:
    """Who checks in on it: the person of an individual objective, a team's lead."""
    if objective.level is Level.INDIVIDUAL:
        return objective.owner_person_id
    team = teams.get(objective.owner_team_id) if objective.owner_team_id else None
    return team.lead_id if team is not None and objective.level is Level.TEAM else None


def _item(due: practice.DueCheckIn) -> dict[str, Any]:
    return {
        "objectiveId": due.objective.id.hex,
        "keyResultId": due.key_result.id.hex,
        "objectiveTitle": due.objective.title,
        "keyResultTitle": due.key_result.title,
        "private": due.objective.visibility is Visibility.PRIVATE,
        "dueSince": due.due_since.isoformat(),
    }
