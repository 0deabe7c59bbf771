"""The events connection refuses what it cannot read with a typed error, never INTERNAL:
a forged cursor beyond 64 bits, a time without a time zone."""

from __future__ import annotations

import base64

import pytest

from tests.history.conftest import QuarterApi

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENTS = """query($after: String, $since: DateTime, $until: DateTime) {
  events(first: 5, after: $after, filter: {since: $since, until: $until})
  { edges { node { position } } } }"""


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(("variables", "words"), [
    ({"after": _cursor(f"event:{2**64}")}, "cursor"),
    ({"after": _cursor("event:-5")}, "cursor"),
    ({"after": _cursor(f"event:{10**40}")}, "cursor"),
    ({"since": "2026-10-01T00:00:00"}, "since needs a time zone"),
    ({"since": "2026-10-01T00:00:00Z", "until": "2026-10-02T00:00:00"},
     "until needs a time zone"),
], ids=["2**64", "negative", "10**40", "naive since", "naive until"])
async def test_unreadable_filters_are_typed_errors(
        quarter_api: QuarterApi, variables: dict[str, str], words: str) -> None:
    body = await quarter_api.api.gql(EVENTS, variables, as_="analyst")
    assert body.get("data") is None or body["data"]["events"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    assert words in error["message"], error
