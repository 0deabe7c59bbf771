"""Bad input gets a clear error, never a 500, leaks nothing and writes nothing.

Table-driven over one shared organization per backend: every rejected request must
leave the event count unchanged. Valid but unusual text (SQL metacharacters, emoji,
right-to-left scripts, combining marks) is stored and returned exactly as sent.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from tests.api.conftest import Api, World, gid

pytestmark = pytest.mark.asyncio(loop_scope="module")

LEAK = re.compile(r"Traceback|File \"|site-packages|\.py\b|/(?:usr|home|root|work|tmp|opt|var)/|"
                  r"asyncpg|sqlite3|psycopg|eventsourcing|Exception\b|Error\(", re.IGNORECASE)


def _kr(w: World) -> str:
    return gid("KeyResult", w.alice_objective, w.key_result)


def _objective(w: World) -> str:
    return gid("Objective", w.alice_objective)


def _cycle(w: World) -> str:
    return gid("Cycle", w.cycle)


def _mutation(name: str, input_type: str | None = None) -> str:
    input_type = input_type or f"{name[0].upper()}{name[1:]}Input"
    return (f"mutation($input: {input_type}!) {{ {name}(input: $input) "
            f"{{ userErrors {{ code field message }} position }} }}")


CHECK_IN = _mutation("recordCheckIn")
CREATE_OBJECTIVE = _mutation("createObjective")
UPDATE_OBJECTIVE = _mutation("updateObjective")
ADD_KEY_RESULT = _mutation("addKeyResult")
UPSERT_PERSON = _mutation("upsertPerson")
OBJECTIVES = ("query($first: Int, $after: String, $filter: ObjectiveFilterInput) "
              "{ objectives(first: $first, after: $after, filter: $filter) { totalCount } }")
PEOPLE = ("query($first: Int, $after: String, $search: String) "
          "{ people(first: $first, after: $after, search: $search) { totalCount } }")
NODE = "query($id: ID!) { node(id: $id) { id } }"
KEY_RESULTS = "query($ids: [ID!]!) { keyResults(objectiveIds: $ids) { title } }"


def _company(title: str, **more: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"input": {"cycleId": _cycle(w), "level": "COMPANY", "title": title,
                                **more}}


def _check_in(**given: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"input": {"keyResultId": _kr(w), "value": "1", **given}}


@dataclass(frozen=True)
class Bad:
    """A request that must be refused. ``error``: a fragment of the (first) GraphQL
    error's message; ``code``: its extensions.code; ``user_error``: the payload's
    userErrors code (with ``field``, its path); ``check``: anything else to assert."""

    name: str
    query: str
    variables: Callable[[World], dict[str, Any]] = lambda w: {}
    error: str | None = None
    code: str | None = None
    user_error: str | None = None
    field: list[str] | None = None
    operation_name: str | None = None
    check: Callable[[dict[str, Any]], None] | None = None


def _node_is_null(body: dict[str, Any]) -> None:
    assert "errors" not in body, body
    assert body["data"]["node"] is None


def _no_key_results(body: dict[str, Any]) -> None:
    assert "errors" not in body, body
    assert body["data"]["keyResults"] == []


def _deep_selection(levels: int) -> str:
    return "{ viewer { person { " + "manager { " * levels + "name" + " }" * levels + " } } }"


CASES = [
    # Wrong variable and literal types.
    Bad("string for Int", OBJECTIVES, lambda w: {"first": "ten"},
        error="Int cannot represent non-integer value"),
    Bad("float for Int", OBJECTIVES, lambda w: {"first": 1.5},
        error="Int cannot represent non-integer value"),
    Bad("Int beyond 32 bits", OBJECTIVES, lambda w: {"first": 2**40},
        error="Int cannot represent non 32-bit signed integer"),
    Bad("object for ID", NODE, lambda w: {"id": {"a": 1}}, error="ID cannot represent"),
    Bad("list for String", PEOPLE, lambda w: {"search": ["x"]},
        error="String cannot represent"),
    Bad("null for ID!", NODE, lambda w: {"id": None}, error="of non-null type 'ID!'"),
    Bad("string for Int in an input", CHECK_IN, _check_in(confidence="high"),
        error="Int cannot represent non-integer value"),
    Bad("string literal for Int", '{ objectives(first: "ten") { totalCount } }',
        error="Int cannot represent non-integer value"),
    Bad("not a decimal", CHECK_IN, _check_in(value="abc"), error="cannot represent a Decimal"),
    Bad("impossible date", _mutation("createCycle"),
        lambda w: {"input": {"key": "X1", "startsOn": "2026-02-30", "endsOn": "2026-03-31"}},
        error="cannot represent a Date"),
    Bad("not a date-time", CHECK_IN, _check_in(appliesAt="yesterday"),
        error="cannot represent a DateTime"),
    Bad("unknown enum value", CREATE_OBJECTIVE,
        lambda w: {"input": {"cycleId": _cycle(w), "level": "GALAXY", "title": "t"}},
        error="does not exist in 'Level' enum"),
    # Unknown fields, arguments, types.
    Bad("unknown field", "{ viewer { nope } }", error="Cannot query field 'nope'"),
    Bad("unknown root field", "{ nope }", error="Cannot query field 'nope' on type 'Query'"),
    Bad("unknown argument", "{ objectives(bogus: 1) { totalCount } }",
        error="Unknown argument 'bogus'"),
    Bad("unknown input field", _mutation("createCycle"),
        lambda w: {"input": {"key": "2031-Q1", "bogus": 1}},
        error="not to include unknown field 'bogus'"),
    Bad("unknown variable type", "query($x: Nope) { position }", error="Unknown type 'Nope'"),
    Bad("unknown directive", "{ position @nope }", error="Unknown directive '@nope'"),
    # Unknown, foreign, mistyped and malformed IDs.
    Bad("unknown objective", UPDATE_OBJECTIVE,
        lambda w: {"input": {"objectiveId": gid("Objective", uuid.uuid4()), "title": "x"}},
        user_error="NOT_FOUND", field=["input", "objectiveId"]),
    Bad("unknown objective node", NODE, lambda w: {"id": gid("Objective", uuid.uuid4())},
        check=_node_is_null),
    Bad("other organization's objective", UPDATE_OBJECTIVE,
        lambda w: {"input": {"objectiveId": gid("Objective", w.other_objective),
                             "title": "mine now"}},
        user_error="NOT_FOUND", field=["input", "objectiveId"]),
    Bad("other organization's objective node", NODE,
        lambda w: {"id": gid("Objective", w.other_objective)}, check=_node_is_null),
    Bad("other organization's key results", KEY_RESULTS,
        lambda w: {"ids": [gid("Objective", w.other_objective)]}, check=_no_key_results),
    Bad("a Team id for an Objective", UPDATE_OBJECTIVE,
        lambda w: {"input": {"objectiveId": gid("Team", w.platform), "title": "x"}},
        user_error="NOT_FOUND", field=["input", "objectiveId"]),
    Bad("a Team id for an Objective in a query", KEY_RESULTS,
        lambda w: {"ids": [gid("Team", w.platform)]}, code="NOT_FOUND"),
    Bad("an Objective id for a KeyResult", CHECK_IN,
        lambda w: {"input": {"keyResultId": _objective(w), "value": "1"}},
        user_error="NOT_FOUND", field=["input", "keyResultId"]),
    Bad("a key result under the wrong objective", CHECK_IN,
        lambda w: {"input": {"keyResultId": gid("KeyResult", w.team_objective, w.key_result),
                             "value": "1"}},
        user_error="NOT_FOUND"),
    Bad("a Cycle id for a Team filter", OBJECTIVES,
        lambda w: {"filter": {"teamId": _cycle(w)}}, code="NOT_FOUND"),
    Bad("garbage base64 node id", NODE, lambda w: {"id": "garbage!!"},
        error="cannot represent a GlobalID", code="INVALID_INPUT"),
    Bad("a node id that is no ID at all", '{ node(id: "nonsense") { id } }',
        error="cannot represent a GlobalID", code="INVALID_INPUT"),
    Bad("no ID at all among nodes", '{ nodes(ids: ["nonsense"]) { id } }',
        code="INVALID_INPUT"),
    Bad("no ID at all for a path", '{ alignmentPath(objectiveId: "nonsense") { end } }',
        code="INVALID_INPUT"),
    Bad("garbage base64 in a mutation", UPDATE_OBJECTIVE,
        lambda w: {"input": {"objectiveId": "garbage", "title": "x"}},
        error="cannot represent a GlobalID", code="INVALID_INPUT"),
    Bad("an id that is not a UUID", UPDATE_OBJECTIVE,
        lambda w: {"input": {"objectiveId": to_base64("Objective", "not-a-uuid"), "title": "x"}},
        user_error="NOT_FOUND", field=["input", "objectiveId"]),
    # Out-of-range values.
    Bad("confidence 11", CHECK_IN, _check_in(confidence=11),
        user_error="VALUE_OUT_OF_RANGE", field=["input", "confidence"]),
    Bad("weight -1", ADD_KEY_RESULT,
        lambda w: {"input": {"objectiveId": _objective(w), "title": "t", "metricType": "BINARY",
                             "weight": -1}},
        user_error="VALUE_OUT_OF_RANGE", field=["input", "weight"]),
    Bad("override 1.5", _mutation("gradeObjective"),
        lambda w: {"input": {"objectiveId": _objective(w), "override": 1.5, "reason": "r"}},
        user_error="VALUE_OUT_OF_RANGE", field=["input", "override"]),
    Bad("value 1e20", CHECK_IN, _check_in(value="1e20"),
        user_error="VALUE_OUT_OF_RANGE", field=["input", "value"]),
    Bad("value NaN", CHECK_IN, _check_in(value="NaN"),
        user_error="INVALID_INPUT", field=["input", "value"]),
    Bad("value 1E+999999999", CHECK_IN, _check_in(value="1E+999999999"),
        user_error="VALUE_OUT_OF_RANGE", field=["input", "value"]),
    Bad("value 1E-999999999", CHECK_IN, _check_in(value="-1E-999999999"),
        user_error="VALUE_OUT_OF_RANGE", field=["input", "value"]),
    Bad("target 1E+999999999", ADD_KEY_RESULT,
        lambda w: {"input": {"objectiveId": _objective(w), "title": "t",
                             "metricType": "INCREASE_TO", "target": "1E+999999999"}},
        user_error="VALUE_OUT_OF_RANGE", field=["input", "target"]),
    Bad("alignmentTree as of the year 9999",
        '{ alignmentTree(cycle: "2026-Q4", asOf: "9999-12-31T23:59:59Z") { __typename } }',
        code="VALUE_OUT_OF_RANGE", error="in the years 1970 to 2200"),
    Bad("changes from the year 1 to 9999 (variables)",
        "query($from: DateTime!, $to: DateTime) { changes(cycle: \"2026-Q4\", from: $from, "
        "to: $to) { __typename } }",
        lambda w: {"from": "0001-01-01T00:00:00Z", "to": "9999-12-31T23:59:59Z"},
        code="VALUE_OUT_OF_RANGE"),
    Bad("objective as of the year 1, fourteen hours east",
        "query($id: ID!) { objective(id: $id, asOf: \"0001-01-01T00:00:00+14:00\") { title } }",
        lambda w: {"id": _objective(w)}, code="VALUE_OUT_OF_RANGE"),
    Bad("events since 1969", '{ events(filter: {since: "1969-12-31T23:59:59Z"}) '
        "{ nodes { position } } }", code="VALUE_OUT_OF_RANGE"),
    Bad("cycleTimeline until 2201 (variables)",
        'query($u: DateTime) { cycleTimeline(cycle: "2026-Q4", until: $u) { __typename } }',
        lambda w: {"u": "2201-01-01T00:00:00-14:00"}, code="VALUE_OUT_OF_RANGE"),
    Bad("a check-in applying in the year 1", CHECK_IN,
        _check_in(appliesAt="0001-01-01T00:00:00Z"), code="VALUE_OUT_OF_RANGE"),
    Bad("a check-in applying in the year 9999", CHECK_IN,
        _check_in(appliesAt="9999-12-31T23:59:59Z"), code="VALUE_OUT_OF_RANGE"),
    Bad("a check-in applying 15 days before its quarter", CHECK_IN,
        _check_in(appliesAt="2026-09-16T00:00:00Z"),
        user_error="VALUE_OUT_OF_RANGE", field=["input", "appliesAt"]),
    Bad("a cycle starting in the year 1", _mutation("createCycle"),
        lambda w: {"input": {"key": "X2", "startsOn": "0001-01-01", "endsOn": "2026-03-31"}},
        code="VALUE_OUT_OF_RANGE"),
    Bad("a quarter of the year 9999", _mutation("createCycle"),
        lambda w: {"input": {"key": "9999-Q4"}},
        user_error="VALUE_OUT_OF_RANGE", field=["input", "key"]),
    Bad("a quarter of the year 0", _mutation("createCycle"),
        lambda w: {"input": {"key": "0000-Q1"}},
        user_error="VALUE_OUT_OF_RANGE", field=["input", "key"]),
    Bad("minPosition beyond 32 bits", "{ objectives(minPosition: 99999999999) "
        "{ totalCount } }", error="Int cannot represent non 32-bit signed integer"),
    Bad("first -1", OBJECTIVES, lambda w: {"first": -1}, code="INVALID_INPUT"),
    Bad("first 101", OBJECTIVES, lambda w: {"first": 101}, code="INVALID_INPUT"),
    Bad("people first 101", PEOPLE, lambda w: {"first": 101}, code="INVALID_INPUT"),
    Bad("check-ins first -1",
        "query($id: ID!) { node(id: $id) { ... on KeyResult { checkIns(first: -1) "
        "{ totalCount } } } }", lambda w: {"id": _kr(w)}, code="INVALID_INPUT"),
    Bad("alignmentTree depth -1",
        '{ alignmentTree(cycle: "2026-Q4", depth: -1) { __typename } }', code="INVALID_INPUT"),
    Bad("alignmentTree depth 11",
        '{ alignmentTree(cycle: "2026-Q4", depth: 11) { __typename } }', code="INVALID_INPUT"),
    Bad("101 objective ids", KEY_RESULTS,
        lambda w: {"ids": [_objective(w)] * 101}, code="INVALID_INPUT"),
    Bad("service token of 0 days", _mutation("createServiceAccount"),
        lambda w: {"input": {"name": "feed", "roles": ["HR"], "tokenDays": 0}},
        user_error="INVALID_INPUT", field=["input", "tokenDays"]),
    # Huge strings.
    Bad("title of 10,000 characters", CREATE_OBJECTIVE, _company("x" * 10_000),
        user_error="INVALID_INPUT", field=["input", "title"]),
    Bad("description of 20,000 characters", CREATE_OBJECTIVE,
        _company("fine", description="d" * 20_000),
        user_error="INVALID_INPUT", field=["input", "description"]),
    Bad("note of 6,000 characters", CHECK_IN, _check_in(note="n" * 6_000),
        user_error="INVALID_INPUT", field=["input", "note"]),
    Bad("idempotency key of 10,000 characters", CHECK_IN,
        _check_in(idempotencyKey="k" * 10_000),
        user_error="INVALID_INPUT", field=["input", "idempotencyKey"]),
    Bad("search of 10,000 characters", OBJECTIVES,
        lambda w: {"filter": {"search": "s" * 10_000}}, code="INVALID_INPUT"),
    Bad("people search of 10,000 characters", PEOPLE, lambda w: {"search": "s" * 10_000},
        code="INVALID_INPUT"),
    # Control characters.
    Bad("NUL in a title", CREATE_OBJECTIVE, _company("a\x00b"),
        user_error="INVALID_INPUT", field=["input", "title"]),
    Bad("BEL in a title", CREATE_OBJECTIVE, _company("ring\x07"),
        user_error="INVALID_INPUT", field=["input", "title"]),
    Bad("ESC in a person's name", UPSERT_PERSON,
        lambda w: {"input": {"externalId": "esc", "name": "\x1b[31mred"}},
        user_error="INVALID_INPUT", field=["input", "name"]),
    Bad("NUL in a note", CHECK_IN, _check_in(note="\x00"),
        user_error="INVALID_INPUT", field=["input", "note"]),
    Bad("NUL in a search", OBJECTIVES, lambda w: {"filter": {"search": "a\x00"}},
        code="INVALID_INPUT"),
    Bad("NUL in a people search", PEOPLE, lambda w: {"search": "a\x00"},
        code="INVALID_INPUT"),
    Bad("NUL in a cursor", OBJECTIVES, lambda w: {"after": "\x00"}, code="INVALID_INPUT"),
    # Query shapes.
    Bad("over-deep query", _deep_selection(14), error="exceeds maximum operation depth"),
    Bad("nesting the parser refuses", "{ " + "viewer { " * 900 + "x" + " }" * 900 + " }",
        error="nested too deeply"),
    Bad("alias bomb", "{ " + " ".join(f"a{i}: viewer {{ subject }}" for i in range(300)) + " }",
        error="aliases found"),
    Bad("token bomb", "{ viewer { " + "subject " * 4000 + "} }", error="tokens"),
    Bad("fragment cycle",
        "{ viewer { ...A } } fragment A on Viewer { subject ...B } "
        "fragment B on Viewer { roles ...A }", error="Cannot spread fragment 'A' within itself"),
    Bad("unknown fragment", "{ viewer { ...Nope } }", error="Unknown fragment 'Nope'"),
    Bad("many operations without operationName",
        "query A { viewer { subject } } query B { position } query C { cycles { key } }",
        error="Must provide operation name"),
    Bad("mutation among many without operationName",
        'mutation M { createCycle(input: {key: "2032-Q1"}) { position } } query Q { position }',
        error="Must provide operation name"),
    Bad("unknown operationName", "query A { position }", operation_name="B",
        error="Unknown operation named 'B'"),
    Bad("a document without an operation", "fragment F on Query { position }",
        error="operation"),
    Bad("cursor garbage", OBJECTIVES, lambda w: {"after": "garbage"}, code="INVALID_INPUT"),
    Bad("people cursor garbage", PEOPLE, lambda w: {"after": "garbage"}, code="INVALID_INPUT"),
    Bad("cursor of another listing", OBJECTIVES,
        lambda w: {"after": to_base64("Person", "x")}, code="INVALID_INPUT"),
    Bad("check-ins cursor garbage",
        "query($id: ID!) { node(id: $id) { ... on KeyResult { checkIns(after: \"garbage\") "
        "{ totalCount } } } }", lambda w: {"id": _kr(w)}, code="INVALID_INPUT"),
]


def assert_clean(response: httpx.Response) -> dict[str, Any]:
    """Never a server error; a JSON body without stack traces or internals."""
    assert response.status_code < 500, response.text
    assert not LEAK.search(response.text), response.text
    body: dict[str, Any] = response.json()
    return body


async def _send(api: Api, query: str, variables: dict[str, Any],
                operation_name: str | None) -> httpx.Response:
    payload: dict[str, Any] = {"query": query, "variables": variables}
    if operation_name is not None:
        payload["operationName"] = operation_name
    return await api.client.post("/graphql", json=payload, headers={
        "Authorization": f"Bearer {api.tokens['admin']}"})


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_bad_input_is_refused_clearly(shared_api: Api, shared_world: World,
                                            case: Bad) -> None:
    api = shared_api
    before = api.events()
    response = await _send(api, case.query, case.variables(shared_world), case.operation_name)
    body = assert_clean(response)
    assert api.events() == before, "a refused request wrote events"
    if case.check is not None:
        case.check(body)
    if case.user_error is not None:
        assert "errors" not in body, body
        payload = next(iter(body["data"].values()))
        assert payload["position"] is None
        error = payload["userErrors"][0]
        assert error["code"] == case.user_error, payload
        assert error["message"]
        if case.field is not None:
            assert error["field"] == case.field, payload
    if case.error is not None or case.code is not None:
        assert body.get("errors"), body
        error = body["errors"][0]
        if case.error is not None:
            messages = [e["message"].lower() for e in body["errors"]]
            assert any(case.error.lower() in m for m in messages), body
        if case.code is not None:
            assert (error.get("extensions") or {}).get("code") == case.code, body
    assert "INTERNAL" not in json.dumps(body), body


@dataclass(frozen=True)
class Raw:
    """A request body (or GET query string) that is not acceptable as it stands."""

    name: str
    body: Callable[[World], bytes] | None = None
    params: Callable[[World], dict[str, str]] | None = None
    status: int = 400
    headers: dict[str, str] = field(default_factory=dict)


def _json_text(query: str, variables: str) -> Callable[[World], bytes]:
    return lambda w: ('{"query": ' + json.dumps(query) + ', "variables": '
                      + variables.replace("CYCLE", _cycle(w)) + "}").encode()


RAW = [
    Raw("deeply nested JSON", lambda w: b'{"query": "{ position }", "variables": {"a": '
        + b"[" * 100_000 + b"]" * 100_000 + b"}}"),
    Raw("lone surrogate in a title", _json_text(
        CREATE_OBJECTIVE,
        '{"input": {"cycleId": "CYCLE", "level": "COMPANY", "title": "a\\ud800b"}}')),
    Raw("lone low surrogate in a search", _json_text(OBJECTIVES,
                                                     '{"filter": {"search": "\\udfff"}}')),
    Raw("lone surrogate as operationName",
        lambda w: b'{"query": "query A { position }", "operationName": "\\ud83d"}'),
    Raw("invalid UTF-8", lambda w: b'{"query": "{ position }", "variables": {"s": "\xff\xfe"}}'),
    Raw("encoded surrogate bytes",
        lambda w: b'{"query": "{ position }", "variables": {"s": "\xed\xa0\x80"}}'),
    Raw("GET variables nested deeply", params=lambda w: {
        "query": "{ position }", "variables": '{"a": ' + "[" * 5_000 + "]" * 5_000 + "}"}),
    Raw("GET variables with a lone surrogate", params=lambda w: {
        "query": "query($s: String) { people(search: $s) { totalCount } }",
        "variables": '{"s": "\\ud800"}'}),
    Raw("extensions not an object",
        lambda w: b'{"query": "{ position }", "extensions": "minPosition=3"}'),
    Raw("minPosition not an integer",
        lambda w: b'{"query": "{ position }", "extensions": {"minPosition": "3"}}'),
    Raw("GET extensions not JSON", params=lambda w: {"query": "{ position }",
                                                      "extensions": "{minPosition: 3"}),
    Raw("GET minPosition not an integer", params=lambda w: {
        "query": "{ position }", "extensions": '{"minPosition": 1.5}'}),
    Raw("GET mutation hidden among operations", status=200, params=lambda w: {
        "query": 'mutation M { createCycle(input: {key: "2033-Q1"}) { position } } '
                 "query Q { position }"}),
    Raw("GET mutation hidden among operations (graphql-response)", status=400,
        headers={"Accept": "application/graphql-response+json"}, params=lambda w: {
            "query": 'mutation M { createCycle(input: {key: "2033-Q1"}) { position } } '
                     "query Q { position }"}),
]


@pytest.mark.parametrize("case", RAW, ids=[c.name for c in RAW])
async def test_malformed_requests_are_refused(shared_api: Api, shared_world: World,
                                              case: Raw) -> None:
    api = shared_api
    headers = {"Authorization": f"Bearer {api.tokens['admin']}", **case.headers}
    before = api.events()
    if case.params is not None:
        response = await api.client.get("/graphql", params=case.params(shared_world),
                                         headers=headers)
    else:
        assert case.body is not None
        response = await api.client.post("/graphql", content=case.body(shared_world),
                                         headers={**headers,
                                                  "Content-Type": "application/json"})
    body = assert_clean(response)
    assert response.status_code == case.status, response.text
    assert body["errors"][0]["message"], body
    assert "data" not in body or body["data"] is None, body
    assert api.events() == before, "a refused request wrote events"


STRANGE_TEXT = {
    "sql": "'; DROP TABLE x; --",
    "sql quotes": "Robert'); DELETE FROM objectives WHERE ('1'='1",
    "like wildcards": "100% of _all_ [tests] \\ pass",
    "emoji": "Ship it 🚀👩🏽‍💻 with 🇪🇺 flags",
    "right to left": "هدف الربع — שיפור הביצועים \u200f(RTL)\u200e",
    "combining marks": "Cafe\u0301 Z\u0351\u0352a\u0353l\u0354g\u0355o",
    "astral and CJK": "\U0001d518\U0001d52b\U0001d526 目標 🀄 \U0001fa90",
}


@pytest.mark.parametrize("label", list(STRANGE_TEXT))
async def test_unusual_text_is_stored_and_returned_intact(shared_api: Api,
                                                          shared_world: World,
                                                          label: str) -> None:
    api, w = shared_api, shared_world
    text = STRANGE_TEXT[label]
    title = f"{text} ({label})"
    created = await api.gql(CREATE_OBJECTIVE.replace("position", "position objective { id }"),
                            _company(title, description=text * 3)(w))
    payload = created["data"]["createObjective"]
    assert payload["userErrors"] == [], payload
    objective_id = payload["objective"]["id"]
    person = await api.gql(UPSERT_PERSON, {"input": {"externalId": f"x-{label}", "name": text}})
    assert person["data"]["upsertPerson"]["userErrors"] == []
    check_in = await api.gql(CHECK_IN, _check_in(note=text)(w))
    assert check_in["data"]["recordCheckIn"]["userErrors"] == []

    response = await api.client.post("/graphql", headers={
        "Authorization": f"Bearer {api.tokens['admin']}"}, json={
        "query": "query($id: ID!, $kr: ID!, $search: String) { node(id: $id) "
                 "{ ... on Objective { title description } } "
                 "kr: node(id: $kr) { ... on KeyResult { checkIns(first: 100) "
                 "{ nodes { note } } } } objectives(filter: {search: $search}, first: 100) "
                 "{ nodes { title } } people(search: $search, first: 100) { nodes { name } } }",
        "variables": {"id": objective_id, "kr": _kr(w), "search": text},
        "extensions": {"minPosition": api.events()}})
    read = assert_clean(response)
    assert "errors" not in read, read
    data = read["data"]
    assert data["node"] == {"title": title, "description": text * 3}
    assert text in [c["note"] for c in data["kr"]["checkIns"]["nodes"]]
    assert [n["title"] for n in data["objectives"]["nodes"]] == [title]
    assert [p["name"] for p in data["people"]["nodes"]] == [text]


@pytest.mark.parametrize("pattern", ["%", "_", "\\", "'", "%' OR '1'='1"])
async def test_search_metacharacters_match_only_themselves(shared_api: Api,
                                                           shared_world: World,
                                                           pattern: str) -> None:
    """LIKE wildcards and quotes in a search are plain text, not patterns or SQL."""
    body = await shared_api.gql(
        "query($s: String) { objectives(first: 100, filter: {search: $s}) { nodes { title } } "
        "people(first: 100, search: $s) { nodes { name } } }", {"s": pattern})
    assert "errors" not in body, body
    titles = [n["title"] for n in body["data"]["objectives"]["nodes"]]
    names = [n["name"] for n in body["data"]["people"]["nodes"]]
    assert all(pattern.lower() in t.lower() for t in titles), titles
    assert all(pattern.lower() in n.lower() for n in names), names
    assert "Delight customers" not in titles


async def test_get_requests_take_json_extensions(shared_api: Api, shared_world: World) -> None:
    """The counterpart of the refusals above: well-formed GET extensions are honoured."""
    api = shared_api
    response = await api.client.get("/graphql", params={
        "query": "{ position }", "extensions": json.dumps({"minPosition": api.events()})},
        headers={"Authorization": f"Bearer {api.tokens['admin']}"})
    body = assert_clean(response)
    assert response.status_code == 200, body
    assert body["data"]["position"] >= api.events()
