"""Cycles fall within 1970-2200 and last at most 400 days: every other key or pair of
dates is a typed error that writes nothing (never INTERNAL). Dates outside the years are
refused by the Date scalar itself, before the mutation runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, World

CREATE = """mutation($input: CreateCycleInput!) { createCycle(input: $input)
  { cycle { key } userErrors { code field } } }"""


@pytest.mark.parametrize(("given", "code", "field"), [
    ({"key": "9999-Q4"}, "VALUE_OUT_OF_RANGE", "key"),
    ({"key": "0000-Q1"}, "VALUE_OUT_OF_RANGE", "key"),
    ({"key": "1969-Q4"}, "VALUE_OUT_OF_RANGE", "key"),
    ({"key": "long", "startsOn": "2026-01-01", "endsOn": "2027-06-30"}, "INVALID_INPUT",
     "endsOn"),
], ids=["9999-Q4", "0000-Q1", "1969-Q4", "18 months"])
async def test_cycles_out_of_bounds_are_refused(api: Api, world: World, given: dict[str, Any],
                                                code: str, field: str) -> None:
    before = api.events()
    body = await api.gql(CREATE, {"input": given})
    assert "errors" not in body, body
    assert body["data"]["createCycle"]["userErrors"] == [
        {"code": code, "field": ["input", field]}]
    assert api.events() == before


@pytest.mark.parametrize("given", [
    {"key": "custom", "startsOn": "0001-01-01", "endsOn": "0001-03-31"},
    {"key": "custom", "startsOn": "2201-01-01", "endsOn": "2201-03-31"},
    {"key": "custom", "startsOn": "2026-01-01", "endsOn": "9999-12-31"},
], ids=["year 1", "year 2201", "ends in 9999"])
async def test_dates_out_of_the_years_are_refused_by_the_scalar(
        api: Api, world: World, given: dict[str, Any]) -> None:
    before = api.events()
    body = await api.gql(CREATE, {"input": given})
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "VALUE_OUT_OF_RANGE"
    assert api.events() == before


@pytest.mark.parametrize("given", [
    {"key": "2200-Q4"}, {"key": "1970-Q1"},
    {"key": "FY2027", "startsOn": "2027-01-01", "endsOn": "2027-12-31"},
], ids=["2200-Q4", "1970-Q1", "a year"])
async def test_cycles_on_the_bounds_are_accepted(api: Api, world: World,
                                                 given: dict[str, Any]) -> None:
    body = await api.gql(CREATE, {"input": given})
    assert body["data"]["createCycle"]["userErrors"] == [], body
