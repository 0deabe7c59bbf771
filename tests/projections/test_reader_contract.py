"""The readers answer the same on every store (sync and async) as the reference
readers over an in-memory replay, and the listing filters mean what they say."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import pytest
from projection_histories import History
from projection_support import catch_up

from okr_domain.application import OkrApplication
from okr_domain.values import Kind, Level, ObjectiveStatus, ProposalStatus, Visibility
from projections.reading.feed_rows import FeedQuery
from projections.reading.memory import MemoryCatalogReader, MemoryEventIndexReader
from projections.reading.queries import (
    EventFilter,
    InvalidQueryError,
    ObjectiveFilter,
    ObjectiveOrder,
    Page,
    ViewerScope,
)
from projections.replay.full_replay import replay
from projections.source import EventSource
from projections.stores.database import Database

Call = tuple[str, tuple[Any, ...], dict[str, Any]]


def lookups(h: History) -> list[Call]:
    org, other = h.org, uuid4()
    return [
        ("position", (), {}),
        ("organization", (org,), {}), ("organization", (other,), {}),
        ("cycles", (org,), {}), ("cycles", (other,), {}),
        ("cycle", (org,), {"cycle_id": h.q1}), ("cycle", (org,), {"key": "2026-Q2"}),
        ("cycle", (org,), {"key": "nope"}), ("cycle", (other,), {"cycle_id": h.q1}),
        ("cycles_by_ids", (org, [h.q1, h.q2, other]), {}),
        ("teams", (org,), {}),
        ("people", (org,), {}), ("people", (org,), {"team_id": h.platform}),
        ("people", (org,), {"manager_id": h.ann}),
        ("people_by_ids", (org, [h.bob, h.cy, other]), {}),
        ("teams_by_ids", (org, [h.platform, h.engineering, other]), {}),
        ("teams_by_ids", (other, [h.platform]), {}),
        ("viewer_scope", (org, h.ann), {}), ("viewer_scope", (org, h.bob), {}),
        ("viewer_scope", (org, h.cy), {}),
        ("objectives_by_ids", (org, [h.company, h.rust, other]), {}),
        ("objectives_by_ids", (other, [h.company]), {}),
        ("cycle_objectives", (org, h.q1), {}),
        ("children_of", (org, [h.company, h.reliability]), {}),
        ("key_results_of", (org, [h.reliability, h.company, h.next_quarter]), {}),
        ("key_results_by_ids", (org, [h.latency_kr, h.uptime_kr, h.removed_kr]), {}),
        ("cycle_key_results", (org, h.q1), {}),
        ("check_ins", (org,), {"key_result_id": h.latency_kr}),
        ("check_ins", (org,), {"objective_id": h.reliability}),
        ("check_ins_by_ids", (org, [h.corrected_check_in]), {}),
        ("check_ins_of", (org, [h.uptime_kr, h.latency_kr, other]), {}),
        ("check_ins_of", (other, [h.latency_kr]), {}),
        ("cycle_check_ins", (org, h.q1), {}),
        ("proposals", (org,), {}), ("proposals", (org,), {"objective_id": h.deals}),
        ("proposals", (org,), {"status": ProposalStatus.PENDING}),
        ("proposals_of", (org, [h.rust, h.company]), {}),
        ("proposals_by_ids", (org, [h.accepted, h.pending]), {}),
        ("feed_rows", (org, FeedQuery(
            [h.company, h.rust, h.reliability, other], [h.latency_kr, h.uptime_kr, other],
            [h.corrected_check_in, other], [h.cy, other], [h.bob], [h.platform])), {}),
        ("feed_rows", (org, FeedQuery([])), {}),
        ("feed_rows", (other, FeedQuery([h.company], [h.latency_kr])), {}),
    ]


def objective_filters(h: History) -> list[ObjectiveFilter]:
    return [
        ObjectiveFilter(), ObjectiveFilter(cycle_id=h.q1),
        ObjectiveFilter(team_id=h.engineering, include_sub_teams=True),
        ObjectiveFilter(team_id=h.platform), ObjectiveFilter(owner_person_id=h.bob),
        ObjectiveFilter(levels=(Level.TEAM, Level.COMPANY)),
        ObjectiveFilter(kinds=(Kind.COMMITTED,)),
        ObjectiveFilter(statuses=(ObjectiveStatus.CLOSED, ObjectiveStatus.ARCHIVED)),
        ObjectiveFilter(visibility=Visibility.PRIVATE),
        ObjectiveFilter(min_score=0.2, max_score=0.9), ObjectiveFilter(aligned=True),
        ObjectiveFilter(aligned=False, cycle_id=h.q1), ObjectiveFilter(text="PLATFORM"),
        ObjectiveFilter(text="deals"), ObjectiveFilter(parent_ids=(h.company,)),
    ]


def listings(h: History, scope: ViewerScope) -> list[Call]:
    calls: list[Call] = []
    for where in objective_filters(h):
        for order in ObjectiveOrder:
            for descending in (False, True):
                calls.append(("objectives_page", (h.org, where, None),
                              {"first": 2, "order": order, "descending": descending}))
    for view in (scope, ViewerScope()):
        calls.append(("objectives_page", (h.org, ObjectiveFilter(), view), {"first": 3}))
    calls.append(("objectives_page", (h.org, None, None), {"first": 0}))
    for people in ({}, {"text": "B"}, {"team_id": h.platform}, {"text": "ÜNAL"}):
        calls.append(("people_page", (h.org,), {"first": 1, **people}))
    calls.append(("check_ins_page", (h.org, h.latency_kr), {"first": 1}))
    return calls


def walk(call: Callable[[str | None], Page[Any]]) -> list[Page[Any]]:
    pages = [call(None)]
    while pages[-1].has_next_page and pages[-1].end_cursor:
        pages.append(call(pages[-1].end_cursor))
    return pages


async def awalk(call: Callable[[str | None], Awaitable[Page[Any]]]) -> list[Page[Any]]:
    pages = [await call(None)]
    while pages[-1].has_next_page and pages[-1].end_cursor:
        pages.append(await call(pages[-1].end_cursor))
    return pages


def event_filters(app: OkrApplication, h: History) -> list[EventFilter]:
    middle = app.mapper.to_domain_event(app.recorder.select_notifications(40, 1)[0]).timestamp
    return [EventFilter(), EventFilter(cycle_id=h.q1), EventFilter(aggregate_id=h.reliability),
            EventFilter(event_types=("okr.Objective.CheckInRecorded", "okr.Cycle.Closed")),
            EventFilter(since=middle), EventFilter(until=middle),
            EventFilter(cycle_id=h.q1, since=middle)]


@pytest.fixture
def reference_readers(app: OkrApplication,
                      history: History) -> tuple[MemoryCatalogReader, MemoryEventIndexReader]:
    memory = replay(EventSource(app), names=("catalog", "event_index"))
    return memory.catalog_reader(), memory.event_index_reader()


def sync_answers(catalog: Any, events: Any, app: OkrApplication, h: History) -> list[Any]:
    answers: list[Any] = [getattr(catalog, m)(*a, **k) for m, a, k in lookups(h)]
    scope = catalog.viewer_scope(h.org, h.bob)
    for m, a, k in listings(h, scope):
        answers.append(walk(lambda after, m=m, a=a, k=k: getattr(catalog, m)(
            *a, **k, after=after)))
    for where in event_filters(app, h):
        pages = [events.events(h.org, where, first=10)]
        while pages[-1].has_next_page:
            pages.append(events.events(h.org, where, first=10, after=pages[-1].end_position))
        answers.append(pages)
    return answers


async def async_answers(catalog: Any, events: Any, app: OkrApplication,
                        h: History) -> list[Any]:
    answers: list[Any] = [await getattr(catalog, m)(*a, **k) for m, a, k in lookups(h)]
    scope = await catalog.viewer_scope(h.org, h.bob)
    for m, a, k in listings(h, scope):
        answers.append(await awalk(lambda after, m=m, a=a, k=k: getattr(catalog, m)(
            *a, **k, after=after)))
    for where in event_filters(app, h):
        pages = [await events.events(h.org, where, first=10)]
        while pages[-1].has_next_page:
            pages.append(await events.events(h.org, where, first=10,
                                             after=pages[-1].end_position))
        answers.append(pages)
    return answers


def test_sync_readers_answer_like_the_reference(
        app: OkrApplication, database: Database, history: History,
        reference_readers: tuple[MemoryCatalogReader, MemoryEventIndexReader]) -> None:
    catch_up(app, database)
    catalog, events = database.catalog_reader(), database.event_index_reader()
    try:
        expected = sync_answers(*reference_readers, app, history)
        assert sync_answers(catalog, events, app, history) == expected
    finally:
        catalog.close()
        events.close()


async def test_async_readers_answer_like_the_reference(
        app: OkrApplication, database: Database, history: History,
        reference_readers: tuple[MemoryCatalogReader, MemoryEventIndexReader]) -> None:
    catch_up(app, database)
    catalog = await database.open_async_catalog_reader()
    events = await database.open_async_event_index_reader()
    try:
        expected = sync_answers(*reference_readers, app, history)
        assert await async_answers(catalog, events, app, history) == expected
    finally:
        await catalog.close()
        await events.close()


def test_listing_filters_mean_what_they_say(app: OkrApplication, database: Database,
                                            history: History) -> None:
    h = history
    catch_up(app, database)
    reader = database.catalog_reader()

    def ids(where: ObjectiveFilter, scope: ViewerScope | None = None) -> set[Any]:
        pages = walk(lambda after: reader.objectives_page(h.org, where, scope, first=2,
                                                          after=after))
        found = [r.id for p in pages for r in p.rows]
        assert len(found) == len(set(found)) == pages[0].total_count
        return set(found)

    everything = ids(ObjectiveFilter())
    assert len(everything) == 8
    assert ids(ObjectiveFilter(text="PLATFORM")) == {h.reliability}
    assert [p.id for p in reader.people_page(h.org, text="ÜNAL").rows] == [h.cy]
    assert ids(ObjectiveFilter(team_id=h.engineering, include_sub_teams=True)) == {
        h.reliability, h.archived, h.next_quarter}
    assert ids(ObjectiveFilter(team_id=h.engineering)) == {h.next_quarter}
    assert ids(ObjectiveFilter(aligned=True)) == {h.reliability, h.rust}
    assert ids(ObjectiveFilter(visibility=Visibility.PRIVATE)) == {h.rust, h.deals}
    bob = reader.viewer_scope(h.org, h.bob)
    assert h.bob in bob.person_ids
    assert h.platform in bob.team_ids
    assert ids(ObjectiveFilter(), ViewerScope()) == everything - {h.rust, h.deals}
    assert ids(ObjectiveFilter(), bob) == everything - {h.deals}
    page = reader.objectives_page(h.org, first=0)
    assert (page.rows, page.total_count, page.has_next_page) == ([], 8, True)
    created = reader.objectives_page(h.org, first=100).rows
    assert [r.created_position for r in created] == sorted(r.created_position for r in created)
    with pytest.raises(InvalidQueryError):
        reader.objectives_page(h.org, first=101)
    with pytest.raises(InvalidQueryError):
        reader.objectives_page(h.org, after="not a cursor")
    people_cursor = reader.people_page(h.org, first=1).end_cursor
    with pytest.raises(InvalidQueryError):
        reader.objectives_page(h.org, after=people_cursor)
    reader.close()
