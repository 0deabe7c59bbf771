"""Cycles fall within 1970-2200 and last at most 400 days: every other key or pair of
dates is a typed error that writes nothing (never INTERNAL)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, World

CREATE = """mutation($input: CreateCycleInput!) { createCycle(input: $input)
  { cycle { key } userErrors { code field } } }"""


@pytest.mark.parametrize(("given", "field"), [
    ({"key": "9999-Q4"}, "key"),
    ({"key": "0000-Q1"}, "key"),
    ({"key": "1969-Q4"}, "key"),
    ({"key": "custom", "startsOn": "0001-01-01", "endsOn": "0001-03-31"}, "startsOn"),
    ({"key": "custom", "startsOn": "2201-01-01", "endsOn": "2201-03-31"}, "startsOn"),
    ({"key": "custom", "startsOn": "2026-01-01", "endsOn": "9999-12-31"}, "endsOn"),
    ({"key": "long", "startsOn": "2026-01-01", "endsOn": "2027-06-30"}, "endsOn"),
], ids=["9999-Q4", "0000-Q1", "1969-Q4", "year 1", "year 2201", "ends in 9999", "18 months"])
async def test_cycles_out_of_bounds_are_refused(api: Api, world: World, given: dict[str, Any],
                                                field: str) -> None:
    before = api.events()
    body = await api.gql(CREATE, {"input": given})
    assert "errors" not in body, body
    assert body["data"]["createCycle"]["userErrors"] == [
        {"code": "INVALID_INPUT", "field": ["input", field]}]
    assert api.events() == before


@pytest.mark.parametrize("given", [
    {"key": "2200-Q4"}, {"key": "1970-Q1"},
    {"key": "FY2027", "startsOn": "2027-01-01", "endsOn": "2027-12-31"},
], ids=["2200-Q4", "1970-Q1", "a year"])
async def test_cycles_on_the_bounds_are_accepted(api: Api, world: World,
                                                 given: dict[str, Any]) -> None:
    body = await api.gql(CREATE, {"input": given})
    assert body["data"]["createCycle"]["userErrors"] == [], body
