"""The query cost is counted on validated arguments, before any field runs: an argument
a field refuses never lowers the cost of the rest, and counting takes linear time."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from okr_api.graphql.schema import paged_fields
from okr_api.query_limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size, query_cost
from tests.api.conftest import Api, World, gid
from tests.api.test_bad_input import assert_clean

module_loop = pytest.mark.asyncio(loop_scope="module")

COSTLY = ("objectives(first: 100) { nodes { keyResults { checkIns(first: 100) "
          "{ nodes { note } } } } }")
SUBTRACTING = ("node(id: $id) { ... on Objective { keyResults { checkIns(first: FIRST) "
               "{ totalCount } } } }")


def _cost(query: str, variables: dict[str, Any] | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions
                     if isinstance(d, OperationDefinitionNode))
    return query_cost(document, variables, operation, paged_fields())


@pytest.mark.parametrize(("given", "counted"), [
    (None, DEFAULT_PAGE_SIZE), (0, 0), (7, 7), (MAX_PAGE_SIZE, MAX_PAGE_SIZE),
    (MAX_PAGE_SIZE + 1, MAX_PAGE_SIZE), (-1, MAX_PAGE_SIZE), (-2**31, MAX_PAGE_SIZE),
    (2**70, MAX_PAGE_SIZE), (True, MAX_PAGE_SIZE), ("10", MAX_PAGE_SIZE)])
def test_a_page_counts_as_the_largest_it_may_return(given: object, counted: int) -> None:
    assert page_size(given) == counted


def test_a_refused_first_never_lowers_the_cost() -> None:
    alone = _cost("{ " + COSTLY + " }")
    for first in ("-2147483648", "-1", "101", "2147483647"):
        both = _cost("query($id: ID!) { " + COSTLY + " "
                     + SUBTRACTING.replace("FIRST", first) + " }")
        assert both > alone


def test_paged_fields_without_first_count_their_default_page() -> None:
    assert {"objectives", "people", "events", "checkIns", "history"} <= paged_fields()
    given = _cost("{ objectives(first: 20) { edges { node { title } } } }")
    assert _cost("{ objectives { edges { node { title } } } }") == given


def test_variables_count_with_the_operations_defaults() -> None:
    query = "query($f: Int = 100) { objectives(first: $f) { edges { node { title } } } }"
    assert _cost(query, {"f": 100}) == _cost(query.replace("$f)", "100)"))


@pytest.mark.timeout(10)
def test_fragments_spread_many_times_are_counted_once_each() -> None:
    levels = 60
    fragments = " ".join(f"fragment F{i} on Viewer {{ ...F{i + 1} ...F{i + 1} }}"
                         for i in range(levels))
    query = f"{{ viewer {{ ...F0 }} }} {fragments} fragment F{levels} on Viewer {{ subject }}"
    assert _cost(query) == 1 + 2**levels


@module_loop
async def test_a_refused_argument_cannot_buy_room_for_a_costly_query(
        shared_api: Api, shared_world: World) -> None:
    api, objective = shared_api, gid("Objective", shared_world.alice_objective)
    for first, variables in [("-2147483648", {}), ("$first", {"first": -2147483648}),
                             ("$first", {"first": 101})]:
        declared = ", $first: Int" if first == "$first" else ""
        query = (f"query($id: ID!{declared}) {{ {COSTLY} "
                 + SUBTRACTING.replace("FIRST", first)
                 + " ".join(f" a{i}: " + SUBTRACTING.replace("FIRST", first)
                            for i in range(28)) + " }")
        before = api.events()
        response = await api.post(query, {"id": objective, **variables},
                                  token=api.tokens["alice"])
        body = assert_clean(response)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["COST_LIMIT"], body
        assert "data" not in body, "a field ran"
        assert api.events() == before


@module_loop
async def test_variable_defaults_are_counted(shared_api: Api, shared_world: World) -> None:
    query = ("query($f: Int = 100) { objectives(first: $f) { nodes { keyResults { "
             "checkIns(first: $f) { nodes { note } } } } } }")
    body = await shared_api.gql(query, as_="alice")
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT", body
    assert "data" not in body


@pytest.mark.parametrize(("query", "variables", "code"), [
    ("{ objectives(first: -36318474522477302120448) { totalCount } }", {},
     "GRAPHQL_VALIDATION_FAILED"),
    ("{ objectives(first: 2147483648) { totalCount } }", {}, "GRAPHQL_VALIDATION_FAILED"),
    ("query($f: Int) { objectives(first: $f) { totalCount } }",
     {"f": -36318474522477302120448}, "GRAPHQL_VALIDATION_FAILED"),
    ("{ objectives(first: " + "9" * 5000 + ") { totalCount } }", {}, "VALUE_OUT_OF_RANGE"),
    ("{ objectives(minPosition: " + "9" * 5000 + ") { totalCount } }", {},
     "VALUE_OUT_OF_RANGE"),
    ("mutation($kr: ID!) { recordCheckIn(input: {keyResultId: $kr, value: " + "1" * 41
     + "}) { position } }", {}, "VALUE_OUT_OF_RANGE"),
])
@module_loop
async def test_integers_outside_the_int_range_are_refused_with_a_code(
        shared_api: Api, shared_world: World, query: str, variables: dict[str, Any],
        code: str) -> None:
    if "$kr" in query:
        variables = {"kr": gid("KeyResult", shared_world.alice_objective,
                               shared_world.key_result)}
    before = shared_api.events()
    response = await shared_api.post(query, variables, token=shared_api.tokens["admin"])
    body = assert_clean(response)
    assert [e["extensions"]["code"] for e in body["errors"]] == [code], body
    assert "data" not in body, body
    assert "extensions" not in body, body
    assert shared_api.events() == before


@module_loop
async def test_numbers_of_thousands_of_digits_in_json_are_refused(
        shared_api: Api, shared_world: World) -> None:
    content = ('{"query": "query($f: Int) { objectives(first: $f) { totalCount } }", '
               '"variables": {"f": ' + "9" * 5000 + "}}").encode()
    response = await shared_api.client.post("/graphql", content=content, headers={
        "Authorization": f"Bearer {shared_api.tokens['admin']}",
        "Content-Type": "application/json"})
    body = assert_clean(response)
    assert response.status_code == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    response = await shared_api.client.get("/graphql", params={
        "query": "query($f: Int) { objectives(first: $f) { totalCount } }",
        "variables": '{"f": ' + "9" * 5000 + "}"},
        headers={"Authorization": f"Bearer {shared_api.tokens['admin']}"})
    assert assert_clean(response)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_nodes_and_edges_of_a_page_cost_the_same() -> None:
    by_nodes = _cost("{ objectives(first: 50) { nodes { title keyResults { title } } } }")
    by_edges = _cost("{ objectives(first: 50) { edges { node { title keyResults { title } } "
                     "} } }")
    # The edge's `node` is one more field per item; otherwise the same page.
    assert by_edges == by_nodes + 50
    assert by_nodes == 1 + 50 * (1 + 1 + 1 + 10)


def test_nodes_by_id_count_once_per_id() -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    assert _cost(query, {"ids": ["a"] * 3}) == 1 + 3
    assert _cost(query, {"ids": ["a"] * 100}) == 1 + 100
    assert _cost('{ nodes(ids: ["a", "b"]) { id } }') == 1 + 2


@module_loop
async def test_nodes_by_id_take_at_most_a_hundred_ids(shared_api: Api,
                                                      shared_world: World) -> None:
    objective = gid("Objective", shared_world.alice_objective)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    many = await shared_api.post(query, {"ids": [objective] * 3_500},
                                 token=shared_api.tokens["alice"])
    body = assert_clean(many)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_INPUT"], body
    assert "data" not in body
    costly = ("query($ids: [ID!]!) { nodes(ids: $ids) { ... on Objective { keyResults { "
              "checkIns(first: 100) { nodes { note author { name } } } } } } }")
    body = assert_clean(await shared_api.post(costly, {"ids": [objective] * 100},
                                              token=shared_api.tokens["alice"]))
    assert [e["extensions"]["code"] for e in body["errors"]] == ["COST_LIMIT"], body
    fine = await shared_api.gql(query, {"ids": [objective] * 5}, as_="alice")
    assert [n["id"] for n in fine["data"]["nodes"]] == [objective] * 5
