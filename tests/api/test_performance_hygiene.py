"""Two habits that keep the API fast: relations are batched through DataLoaders (a page
costs the same number of read-model round trips whatever its size), and the blocking
event store is never called on the event loop's thread.

Both tests instrument the real objects (they count or note calls and pass them on);
nothing is mocked.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from okr_domain.access import Actor
from okr_domain.values import Level, MetricType
from tests.api.conftest import Api, World, gid


class CountingReader:
    """Delegates every call to the real read model, counting the async ones."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return await attribute(*args, **kwargs)

        return counted


@contextmanager
def counting_reads(api: Api) -> Iterator[CountingReader]:
    services = api.fastapi.state.services
    real = services.read_model
    counter = CountingReader(real)
    services.read_model = counter
    try:
        yield counter
    finally:
        services.read_model = real


PAGE = """query($first: Int!) { objectives(first: $first) { totalCount nodes {
    title level
    keyResults { title score }
    ownerPerson { name team { name } manager { name } }
    ownerTeam { name lead { name } }
    parent { title ownerTeam { name } }
    cycle { key status }
} } }"""


def _more_objectives(api: Api, w: World, count: int) -> None:
    """Newest first, so the pages hold only these: individual objectives of Alice and
    Bob under the team objective, and Platform team objectives under the company one."""
    system = Actor.system(w.org)
    for n in range(count):
        if n % 2:
            objective = api.app.create_objective(system, w.cycle, Level.TEAM, f"Team {n}",
                                                 owner_team_id=w.platform).id
            parent = w.company_objective
        else:
            owner = w.alice if n % 4 else w.bob
            objective = api.app.create_objective(system, w.cycle, Level.INDIVIDUAL,
                                                 f"Personal {n}", owner_person_id=owner).id
            parent = w.team_objective
        api.app.add_key_result(system, objective, f"Measure {n}", MetricType.INCREASE_TO,
                               start=0, target=10)
        api.app.activate_objective(system, objective)
        api.app.align_objective(system, objective, parent)


async def _page(api: Api, first: int) -> tuple[Counter[str], list[dict[str, Any]]]:
    with counting_reads(api) as reader:
        body = await api.gql(PAGE, {"first": first}, as_="bob")
    assert "errors" not in body, body
    nodes: list[dict[str, Any]] = body["data"]["objectives"]["nodes"]
    return reader.calls, nodes


async def test_a_page_costs_the_same_round_trips_whatever_its_size(api: Api,
                                                                    world: World) -> None:
    await asyncio.to_thread(_more_objectives, api, world, 12)
    assert await api.fastapi.state.services.read_model.wait_for_position(api.events(), 10.0)

    small, small_nodes = await _page(api, 3)
    large, large_nodes = await _page(api, 12)

    # Every relation was really loaded, for every row.
    for nodes, size in ((small_nodes, 3), (large_nodes, 12)):
        assert len(nodes) == size
        assert all(n["keyResults"] and n["parent"] and n["cycle"] for n in nodes), nodes
        assert all(n["ownerPerson"] or n["ownerTeam"] for n in nodes), nodes
        assert {n["level"] for n in nodes} == {"INDIVIDUAL", "TEAM"}
    assert {"objectives_page", "key_results_of", "people_by_ids", "objectives_by_ids",
            "cycles_by_ids", "teams"} <= set(large), large
    assert small == large, f"round trips grow with the page: {small} for 3, {large} for 12"
    assert sum(large.values()) <= 12, large


@contextmanager
def noting_threads(api: Api) -> Iterator[list[tuple[str, int]]]:
    """Note the thread of every event-store call: the recorder's methods (whoever calls
    them: commands, group commits, repository reads) and the repository itself."""
    application = api.app
    calls: list[tuple[str, int]] = []
    patched: list[tuple[Any, str]] = []

    def note(owner: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def noted(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, threading.get_ident()))
            return original(*args, **kwargs)

        setattr(owner, name, noted)
        patched.append((owner, name))

    for name in ("insert_events", "select_events", "select_notifications",
                 "max_notification_id"):
        note(application.recorder, name)
    note(application.repository, "get")
    try:
        yield calls
    finally:
        for owner, name in patched:
            delattr(owner, name)


async def test_the_event_store_is_never_called_on_the_event_loop(api: Api,
                                                                 world: World) -> None:
    w = world
    loop_thread = threading.get_ident()
    key_result = gid("KeyResult", w.alice_objective, w.key_result)
    with noting_threads(api) as calls:
        created = await api.gql(
            "mutation($c: ID!, $p: ID!) { createObjective(input: {cycleId: $c, "
            "level: INDIVIDUAL, title: \"Threads\", ownerPersonId: $p, "
            "idempotencyKey: \"k1\"}) { userErrors { code } objective { title } } }",
            {"c": gid("Cycle", w.cycle), "p": gid("Person", w.alice)}, as_="alice")
        assert created["data"]["createObjective"] == {"userErrors": [],
                                                      "objective": {"title": "Threads"}}
        for _ in range(2):
            checked = await api.gql(
                "mutation($kr: ID!) { recordCheckIn(input: {keyResultId: $kr, value: \"5\", "
                "idempotencyKey: \"k2\"}) { userErrors { code } checkIn { id } } }",
                {"kr": key_result}, as_="alice")
            assert checked["data"]["recordCheckIn"]["userErrors"] == []
        refused = await api.gql(
            "mutation($kr: ID!) { recordCheckIn(input: {keyResultId: $kr, value: \"5\"}) "
            "{ userErrors { code } } }", {"kr": key_result}, as_="bob")
        assert refused["data"]["recordCheckIn"]["userErrors"] == [{"code": "FORBIDDEN"}]
        account = await api.gql('mutation { createServiceAccount(input: {name: "feed", '
                                'roles: [HR]}) { userErrors { code } token } }')
        token = account["data"]["createServiceAccount"]["token"]
        viewer = await api.gql("{ viewer { roles } }", token=token)
        assert viewer["data"]["viewer"]["roles"] == ["HR"]
        closed = await api.gql("mutation($c: ID!) { closeCycle(input: {cycleId: $c}) "
                               "{ userErrors { code } cycle { status } } }",
                               {"c": gid("Cycle", w.cycle)})
        assert closed["data"]["closeCycle"] == {"userErrors": [],
                                                "cycle": {"status": "CLOSED"}}
        assert (await api.client.get("/readyz")).status_code == 200
        assert (await api.client.get("/metrics")).status_code == 200

    names = Counter(name for name, _ in calls)
    assert names["insert_events"] >= 3, names
    assert names["get"] >= 3, names
    on_loop = [name for name, thread in calls if thread == loop_thread]
    assert on_loop == [], f"event store calls on the event loop thread: {Counter(on_loop)}"
