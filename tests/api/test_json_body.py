"""GraphQL answers are encoded with orjson: what Starlette's JSONResponse would have
written (the very same bytes, but for the notation of very small or large floats)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.responses import JSONResponse

from okr_api.http.json_response import GraphQLJSONResponse
from tests.api.conftest import Api, World

BODIES: list[Any] = [
    {"data": {"a": 1, "b": [1.5, 0.1, 123456789.25, -0.0, 0.7, 1 / 3, 0.65], "c": None}},
    {"data": {"title": "Grüße, 東京, emoji \U0001f680, quote \" and \\ and \n tab \t"}},
    {"errors": [{"message": "x", "extensions": {"code": "NOT_FOUND"}, "path": ["a", 0]}],
     "data": None},
    {"data": {"nested": {"deep": [{"x": True}, {"y": False}, []]}}, "extensions": {"cost": 7}},
    {"data": {"big": 2**31 - 1, "small": -(2**31), "zero": 0, "ctrl": "\x00\x1f\u2028"}},
]


@pytest.mark.parametrize("body", BODIES)
def test_the_same_bytes_as_the_standard_encoder(body: Any) -> None:
    assert GraphQLJSONResponse(body).body == JSONResponse(body).body


def test_tiny_and_huge_floats_keep_their_exact_value() -> None:
    values = [1e-7, 2.5e-05, 5e-324, 1e16, 1e22, 1.7976931348623157e308]
    encoded = GraphQLJSONResponse({"data": values}).body
    assert json.loads(encoded) == {"data": values}


async def test_a_real_answer_is_encoded_the_same(api: Api, world: World) -> None:
    response = await api.post("query { viewer { subject roles organization { name } } }",
                              token=api.tokens["admin"])
    assert response.status_code == 200
    assert response.content == JSONResponse(response.json()).body
