"""Property-based fuzzing of the schema (hypothesis-graphql), through the real service:
valid and invalid queries and mutations, and hostile variables. No 5xx, no stack trace,
no internal error, and a refused request writes nothing."""

from __future__ import annotations

import os
import string
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC
from typing import Any

import pytest
from graphql import build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from okr_api.graphql.schema import sdl
from tests.reliability.hostile import Target, assert_no_internals, refused

pytestmark = pytest.mark.postgres
SCHEMA = build_schema(sdl())
SCALARS = {
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=3,
                           min_value=-10**9, max_value=10**9).map(
        lambda d: nodes.String(str(d))),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(
        lambda d: nodes.String(d.isoformat())),
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "JSON": st.text(max_size=20).map(nodes.String),
}
CASES: Counter[str] = Counter()
TOOK: Counter[str] = Counter()
SLOWEST: list[Any] = [0.0, ""]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)
WITH_VARIABLES = (
    "mutation C($input: RecordCheckInInput!) { recordCheckIn(input: $input) { position "
    "userErrors { code field message } } }",
    "mutation O($input: CreateObjectiveInput!) { createObjective(input: $input) { position "
    "userErrors { code field message } } }",
    "query Q($first: Int, $after: String, $filter: ObjectiveFilterInput) { objectives(first: "
    "$first, after: $after, filter: $filter) { totalCount nodes { id title } } }",
    "query N($id: ID!) { node(id: $id) { id } }",
    "query P($search: String, $first: Int) { people(search: $search, first: $first) "
    "{ totalCount nodes { name } } }",
)


def check(target: Target, kind: str, send: Callable[[], Any], *, writes: bool) -> None:
    before = target.head() if writes else 0
    started = time.monotonic()
    response = send()
    took = time.monotonic() - started
    TOOK[kind] += took
    if took > SLOWEST[0]:
        SLOWEST[:] = [took, response.request.content.decode()[:300]]
    CASES[kind] += 1
    assert_no_internals(response)
    if writes and refused(response):
        assert target.head() == before, f"a refused request wrote: {response.text[:300]}"


def one_mutation(mode: Mode) -> st.SearchStrategy[Any]:
    """Documents with one mutation field each, so a refusal is that mutation's own (with
    several, one failing non-null payload nulls the whole answer, the others' included)."""
    names = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
    return st.sampled_from(names).flatmap(
        lambda name: mutations(SCHEMA, fields=[name], custom_scalars=SCALARS, mode=mode))


def fuzz_documents(target: Target, strategy: st.SearchStrategy[Any], kind: str,
                   examples: int, writes: bool) -> None:
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(document=strategy)
    def run(document: Any) -> None:
        check(target, kind, lambda: target.post(str(document)), writes=writes)

    run()


def fuzz_variables(target: Target, examples: int) -> None:
    variables = st.dictionaries(
        st.sampled_from(["input", "first", "after", "filter", "id", "search", "extra"]),
        JSON_VALUES | st.fixed_dictionaries({}, optional={
            "keyResultId": st.text(max_size=40), "value": JSON_VALUES,
            "note": st.text(), "idempotencyKey": st.text(max_size=300),
            "cycleId": st.text(max_size=40), "title": st.text(), "level": JSON_VALUES}),
        max_size=4)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(document=st.sampled_from(WITH_VARIABLES), values=variables | JSON_VALUES)
    def run(document: str, values: Any) -> None:
        check(target, "variables", lambda: target.post(document, values), writes=True)

    run()


def fuzz_text(target: Target, examples: int) -> None:
    """Arbitrary text as the query, and corrupted valid documents."""
    garbage = st.text(alphabet=string.printable + "{}()[]$@!:\u0000\u202e\U0001f600",
                      max_size=200)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=garbage, cut=st.integers(0, 200), document=st.sampled_from(WITH_VARIABLES))
    def run(text: str, cut: int, document: str) -> None:
        check(target, "garbage", lambda: target.post(text), writes=True)
        broken = document[:cut] + text[:5] + document[cut + 1:]
        check(target, "corrupted", lambda: target.post(broken, {}), writes=True)

    run()


def fuzz_all(target: Target, examples: int) -> None:
    fuzz_documents(target, queries(SCHEMA, custom_scalars=SCALARS), "queries", examples,
                   writes=False)
    fuzz_documents(target, one_mutation(Mode.POSITIVE), "mutations", examples, writes=True)
    fuzz_documents(target, queries(SCHEMA, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
                   "invalid queries", examples // 2, writes=True)
    fuzz_documents(target, one_mutation(Mode.NEGATIVE), "invalid mutations", examples // 2,
                   writes=True)
    fuzz_variables(target, examples)
    fuzz_text(target, examples // 2)
    sys.stderr.write(f"\nfuzz cases tried: {sum(CASES.values())} {dict(CASES)}; seconds "
                     f"spent answering { {k: round(v, 1) for k, v in TOOK.items()} }; "
                     f"slowest {SLOWEST[0]:.2f}s: {SLOWEST[1]}\n")


def test_fuzz_the_schema(target: Target) -> None:
    fuzz_all(target, examples=int(os.environ.get("OKR_FUZZ_EXAMPLES", "25")))


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_fuzz_the_schema_long(target: Target) -> None:
    fuzz_all(target, examples=250)
