"""What the history commands share: the store, the organization and cycle they name,
and the dates they take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from okr_domain import clock, ids
from okr_domain.application import OkrApplication
from okr_domain.cycle import Cycle
from okr_domain.organization import Organization
from projections.replay.kept import KeptCheckpoints
from projections.source import EventSource
from projections.stores.database import open_database

ORGANIZATION_CREATED = "okr.Organization.Created"


class TargetError(Exception):
    """The organization or cycle named cannot be found (the message says why)."""


@dataclass(frozen=True)
class Target:
    source: EventSource
    organization_id: UUID
    slug: str
    cycle_id: UUID
    cycle_key: str
    starts_on: date
    ends_on: date


def organizations(source: EventSource) -> dict[str, UUID]:
    """Every organization in the store, by slug."""
    found: dict[str, UUID] = {}
    position = 0
    while True:
        notifications = source.recorder.select_notifications(
            start=position + 1, limit=1000, topics=(ORGANIZATION_CREATED,))
        if not notifications:
            return found
        for notification in notifications:
            event = source.decode(notification)
            if isinstance(event, Organization.Created):
                found[event.slug] = event.originator_id
        position = notifications[-1].id


def find_target(app: OkrApplication, cycle_key: str, slug: str | None) -> Target:
    source = EventSource(app)
    known = organizations(source)
    if slug is None:
        if len(known) != 1:
            names = ", ".join(sorted(known)) or "none"
            raise TargetError(f"name the organization with --organization (known: {names})")
        slug = next(iter(known))
    if slug not in known:
        raise TargetError(f"no organization {slug!r} in this store")
    org_id = known[slug]
    cycle_id = ids.cycle_id(org_id, cycle_key)
    try:
        cycle: Cycle = app.repository.get(cycle_id)
    except AggregateNotFoundError:
        raise TargetError(f"no cycle {cycle_key} in {slug}") from None
    assert isinstance(cycle, Cycle)
    return Target(source, org_id, slug, cycle_id, cycle_key, cycle.starts_on, cycle.ends_on)


@contextmanager
def opened(url: str) -> Iterator[OkrApplication]:
    from okr_api.storage import open_application

    app = open_application(url)
    try:
        yield app
    finally:
        app.close()


def parse_moment(text: str | None) -> datetime:
    """A date means through the end of that day (UTC); a date and time is taken as given
    (UTC when it names no zone); nothing means now."""
    if text is None:
        return clock.now()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) \
            - timedelta(microseconds=1)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TargetError(f"not a date or a date and time: {text!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def kept_checkpoints(url: str) -> KeptCheckpoints:
    """The history checkpoints kept in the store's read-model database: a replay
    resumes from them instead of from the log's beginning."""
    return KeptCheckpoints(open_database(url).checkpoint_store())
