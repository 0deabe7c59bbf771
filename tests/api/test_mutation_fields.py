"""Each root mutation field is its own transaction: one field's error never hides
another field's committed result."""

from __future__ import annotations

from tests.api.conftest import Api, World, gid

TWO_CHECK_INS = """mutation($good: ID!, $bad: ID!) {
  a: recordCheckIn(input: {keyResultId: $good, value: "5"}) { position userErrors { code } }
  b: recordCheckIn(input: {keyResultId: $bad, value: "5"}) { position userErrors { code } }
}"""


async def test_a_failing_field_leaves_the_other_fields_result_visible(
        api: Api, world: World) -> None:
    before = api.events()
    body = await api.gql(TWO_CHECK_INS, {
        "good": gid("KeyResult", world.alice_objective, world.key_result), "bad": ""})
    assert body["data"]["b"] is None
    assert [error["path"] for error in body["errors"]] == [["b"]]
    written = body["data"]["a"]
    assert written["userErrors"] == []
    # What the answer reports is exactly what was written: one check-in.
    assert written["position"] == api.events() == before + 1


async def test_a_refused_field_writes_nothing_and_the_next_one_still_runs(
        api: Api, world: World) -> None:
    before = api.events()
    body = await api.gql("""mutation($id: ID!) {
      a: recordCheckIn(input: {keyResultId: $id, value: "1", confidence: 11})
        { position userErrors { code } }
      b: recordCheckIn(input: {keyResultId: $id, value: "7"}) { position userErrors { code } }
    }""", {"id": gid("KeyResult", world.alice_objective, world.key_result)})
    assert "errors" not in body
    assert body["data"]["a"]["userErrors"] != []
    assert body["data"]["b"]["userErrors"] == []
    assert body["data"]["b"]["position"] == api.events() == before + 1
