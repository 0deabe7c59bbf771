"""Every argument of every root field, fed its type's edge values (Int extremes, huge and
tiny decimals, the years 1 and 9999, every time zone offset) through the real app: never
a 5xx, never an INTERNAL error, never internals in the answer, and a refused request (or
any query) writes nothing.

Documents come from hypothesis-graphql, derandomized, a few per root field, so the run is
bounded and the same every time; the edge values replace its own scalar strategies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import graphql
import pytest
from graphql import build_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from strawberry.relay import to_base64

from okr_api.graphql.schema import sdl
from tests.api.conftest import Api, World, gid
from tests.api.test_bad_input import LEAK

SCHEMA = build_schema(sdl())
EXAMPLES_PER_FIELD = 5
"""Documents tried per root field (53 fields: about 260 requests per backend)."""
ENDINGS = frozenset({"archiveObjective", "closeCycle", "removeKeyResult",
                     "deleteWebhookEndpoint", "revokeServiceAccount"})
"""Mutations tried last: once they succeed, the world's objective, cycle or key result
refuses every other change, and the other mutations would stop at that refusal."""
INTS = [-2**31, -2**31 - 1, -1, 0, 100, 101, 2**31 - 1, 2**31, 2**63,
        -36318474522477302120448, 10**39]
FLOATS = ["1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "0", "-0.0",
          "1000.0001", "1e-999", "1e999", "-1e999"]
DECIMALS = ["1E+999999999", "-1E+999999999", "1E-999999999", "0E+999999999", "0E-999999999",
            "0", "-0", "0.000001", "0.0000001", "999999999999999.999999", "1e15", "-1e15",
            "NaN", "-Infinity", "sNaN", "1" * 300, "1e", ""]
YEARS = [1, 9999, 1969, 1970, 2200, 2201]
MINUTES_IN_A_DAY = 24 * 60
OFFSETS = [14 * 60, -14 * 60, MINUTES_IN_A_DAY - 1, 1 - MINUTES_IN_A_DAY, 0, None]
TEXTS = ["", " ", "2026-Q1", "0000-Q1", "9999-Q4", "1969-Q4", "x" * 10_001, "a\x00b",
         "\u202e", "%' OR '1'='1", "https://127.0.0.1:1/hook"]


def _offset(minutes: int | None) -> str:
    if minutes is None:
        return ""  # no offset at all
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _moment(year: int, end_of_year: bool, offset: int | None) -> str:
    day = "12-31T23:59:59.999999" if end_of_year else "01-01T00:00:00"
    return f"{year:04d}-{day}{_offset(offset)}"


def _sane_or_edge(sane: graphql.ValueNode, edges: st.SearchStrategy[graphql.ValueNode]
                  ) -> st.SearchStrategy[graphql.ValueNode]:
    """A usable value first (hypothesis starts from it, so the document reaches past the
    lookups), edge values otherwise: each example mixes both over its arguments."""
    return st.just(sane) | edges


def edge_values(w: World, now: datetime) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Strategies for every scalar of the schema, built-in ones included."""
    offsets = (st.sampled_from(OFFSETS)
               | st.integers(1 - MINUTES_IN_A_DAY, MINUTES_IN_A_DAY - 1))
    moments = st.builds(_moment, st.sampled_from(YEARS), st.booleans(), offsets)
    found = [gid("KeyResult", w.alice_objective, w.key_result),
             gid("Objective", w.alice_objective), gid("Objective", w.company_objective),
             gid("Cycle", w.cycle), gid("Team", w.platform), gid("Person", w.alice)]
    unknown = [gid("Objective", w.alice_private), gid("Objective", w.other_objective),
               gid("Person", w.other_admin), gid("Objective", uuid4()),
               to_base64("Objective", "not-a-uuid"), "garbage!!", ""]
    floats = st.sampled_from(FLOATS).map(lambda text: graphql.FloatValueNode(value=text))
    return {
        "Int": _sane_or_edge(nodes.Int(1), st.sampled_from(INTS).map(nodes.Int)),
        "Float": _sane_or_edge(graphql.FloatValueNode(value="0.5"), floats),
        "String": _sane_or_edge(nodes.String("2026-Q4"), (
            st.sampled_from(TEXTS) | st.text(max_size=12)).map(nodes.String)),
        "ID": st.sampled_from(found + unknown).map(nodes.String),
        "Decimal": _sane_or_edge(nodes.String("5"), st.sampled_from(DECIMALS).map(
            nodes.String) | st.sampled_from(INTS).map(nodes.Int) | floats),
        # Now: after the world was made, and not in the future.
        "DateTime": _sane_or_edge(nodes.String(now.isoformat()), moments.map(nodes.String)),
        "Date": _sane_or_edge(nodes.String("2026-10-01"), st.builds(
            lambda y, end: f"{y:04d}-{'12-31' if end else '01-01'}", st.sampled_from(YEARS),
            st.booleans()).map(nodes.String)),
        "JSON": st.sampled_from(["{}", "null"]).map(nodes.String),
    }


def _reporting(document: graphql.DocumentNode) -> str:
    """The mutation document, its payload selecting userErrors and position (so that a
    refusal shows, and can be checked to have written nothing)."""
    text = graphql.print_ast(document)
    operation = graphql.parse(text).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    field = operation.selection_set.selections[0]
    assert isinstance(field, graphql.FieldNode)
    assert field.selection_set is not None
    assert field.selection_set.loc is not None
    at = field.selection_set.loc.start + 1
    return f"{text[:at]} userErrors {{ code field message }} position {text[at:]}"


def _refused(body: dict[str, Any]) -> bool:
    if body.get("errors"):
        return True
    payloads = (body.get("data") or {}).values()
    return any(isinstance(p, dict) and p.get("userErrors") for p in payloads)


async def _check(api: Api, document: str, *, may_write: bool) -> None:
    before = api.events()
    response = await api.client.post("/graphql", json={"query": document}, headers={
        "Authorization": f"Bearer {api.tokens['admin']}"})
    assert response.status_code < 500, (document, response.text)
    assert not LEAK.search(response.text), (document, response.text)
    body: dict[str, Any] = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors", [])]
    assert None not in codes, ("an error without a code", document, body)
    assert "INTERNAL" not in json.dumps(body), (document, body)
    if not may_write or _refused(body):
        assert api.events() == before, f"wrote: {document} -> {response.text[:300]}"


async def _try_every_root_field(
        api: Api, names: list[str], documents: Callable[[str], st.SearchStrategy[Any]],
        *, may_write: bool) -> None:
    loop = asyncio.get_running_loop()

    def send(document: object) -> None:
        asyncio.run_coroutine_threadsafe(
            _check(api, str(document), may_write=may_write), loop).result(timeout=120)

    def run(name: str) -> None:
        @settings(max_examples=EXAMPLES_PER_FIELD, derandomize=True, database=None,
                  deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(document=documents(name))
        def one(document: object) -> None:
            send(document)

        one()

    # Hypothesis drives the examples in a thread; the app answers on this event loop.
    await asyncio.to_thread(lambda: [run(name) for name in names])


@pytest.mark.timeout(600)
async def test_edge_values_in_every_query_argument(api: Api, world: World) -> None:
    scalars = edge_values(world, datetime.now(UTC))
    assert SCHEMA.query_type is not None
    await _try_every_root_field(
        api, sorted(SCHEMA.query_type.fields),
        lambda name: queries(SCHEMA, fields=[name], custom_scalars=scalars), may_write=False)


@pytest.mark.timeout(600)
async def test_edge_values_in_every_mutation_argument(api: Api, world: World) -> None:
    scalars = edge_values(world, datetime.now(UTC))
    assert SCHEMA.mutation_type is not None
    names = sorted(SCHEMA.mutation_type.fields, key=lambda name: (name in ENDINGS, name))
    await _try_every_root_field(
        api, names,
        lambda name: mutations(SCHEMA, fields=[name], custom_scalars=scalars,
                               print_ast=_reporting), may_write=True)


async def test_every_time_zone_offset_at_the_edges_of_the_window(
        api: Api, world: World) -> None:
    """Whatever the offset, the window's own edges are answered and the years beyond
    it refused with VALUE_OUT_OF_RANGE (converting those to UTC would overflow)."""
    query = ("query($id: ID!) { objective(id: $id, asOf: OUTSIDE) { title } "
             'events(filter: {since: "SINCE", until: "UNTIL"}) { nodes { position } } }')
    objective = gid("Objective", world.alice_objective)
    offsets = [*range(-MINUTES_IN_A_DAY + 1, MINUTES_IN_A_DAY, 30), MINUTES_IN_A_DAY - 1]
    for minutes in offsets:
        inside = query.replace("asOf: OUTSIDE", f'asOf: "{_moment(1970, False, minutes)}"')
        inside = inside.replace("SINCE", _moment(1970, False, minutes))
        inside = inside.replace("UNTIL", _moment(2200, True, minutes))
        answer = await api.gql(inside, {"id": objective})
        assert "errors" not in answer, (minutes, answer)
        for year, end in ((1, False), (9999, True), (1969, True), (2201, False)):
            outside = query.replace("OUTSIDE", json.dumps(_moment(year, end, minutes)))
            outside = outside.replace("SINCE", "2026-01-01T00:00:00Z").replace(
                "UNTIL", "2026-12-31T00:00:00Z")
            body = await api.gql(outside, {"id": objective})
            assert [e["extensions"]["code"] for e in body["errors"]] == [
                "VALUE_OUT_OF_RANGE"], (minutes, year, body)
