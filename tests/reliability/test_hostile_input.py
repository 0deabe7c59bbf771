"""Hostile input through the real service: depth, alias, token, cost, batch and
body-size attacks refused quickly; oversized strings and strange Unicode stored and
returned intact (or refused cleanly when over a limit, writing nothing); SQL
metacharacters everywhere harmless."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.live.support import gid
from tests.reliability.hostile import Target, assert_no_internals
from tests.reliability.world import LoadWorld

pytestmark = pytest.mark.postgres
QUICK = 1.0
"""An attack is refused within this (seconds)."""

NESTED = "{ objectives(first: 1) { nodes { " + "keyResults { objective { " * 12 + "id" + \
    " } }" * 12 + " } } }"
ALIASES = "{ " + " ".join(f"a{i}: position" for i in range(200)) + " }"
TOKENS = "{ " + " ".join("position" for _ in range(5000)) + " }"
COSTLY = ("{ objectives(first: 100) { nodes { keyResults { checkIns(first: 100) { nodes { "
          "id note author { name } } } } children { keyResults { id } } } } }")
FRAGMENT_BOMB = ("query { ...A } fragment A on Query { position ...B } "
                 "fragment B on Query { position ...A }")
ATTACKS: dict[str, dict[str, Any]] = {
    "depth": {"json": {"query": NESTED}},
    "aliases": {"json": {"query": ALIASES}},
    "tokens": {"json": {"query": TOKENS}},
    "cost": {"json": {"query": COSTLY}},
    "fragment cycle": {"json": {"query": FRAGMENT_BOMB}},
    "batch": {"json": [{"query": "{ position }"}] * 50},
    "body size": {"json": {"query": "{ position }", "variables": {"x": "y" * 400_000}}},
    "deep JSON": {"content": b'{"query": "{ position }", "variables": ' + b"[" * 100_000
                  + b"]" * 100_000 + b"}"},
}
STRANGE = [
    "\u202eevil\u202c RTL override",
    "Z\u0351\u0364\u033a\u0318a\u0303\u0301l\u0335g\u0300o\u0353 combining",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467 family \U0001f3f3\ufe0f\u200d\U0001f308",
    "\U00020000\U0002a6d6 astral CJK \u6f22\u5b57 \ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631",
    "zero\u200bwidth\ufeffBOM\u2028line\u2029para",
    "quote ' double \" backslash \\ percent % underscore _ dollar $1 semicolon ;",
    "'; DROP TABLE okr_events; -- ",
    "Robert'); DELETE FROM catalog_objectives WHERE ('1'='1",
    "\\x00 E'\\\\' $$ $tag$ /* comment */ -- line",
    "multi\nline\ttabbed",
]
SQL_TEXT = ["'", "%", "_", "\\", "'; SELECT pg_sleep(5); --", "\" OR 1=1 --", "$$", "%%%'"]
CREATE = """mutation C($input: CreateObjectiveInput!) { createObjective(input: $input) {
  position userErrors { code field message } objective { id title description } } }"""
READ = "query R($id: ID!) { node(id: $id) { ... on Objective { title description } } }"


def cycle_id(target: Target) -> str:
    body = target.post('{ cycle(key: "2026-Q4") { id } }').json()
    value: str = body["data"]["cycle"]["id"]
    return value


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_attacks_are_refused_quickly(target: Target, attack: str) -> None:
    before = target.head()
    started = time.monotonic()
    response = target.http.post("/graphql", headers={
        "Authorization": f"Bearer {target.world.tokens['admin']}",
        "Content-Type": "application/json"}, **ATTACKS[attack])
    took = time.monotonic() - started
    assert_no_internals(response)
    body = response.json()
    assert body.get("errors"), f"{attack} was not refused: {response.text[:300]}"
    assert "data" not in body or body["data"] is None
    assert took < QUICK, f"{attack} took {took:.2f}s to refuse"
    assert target.head() == before


def create(target: Target, title: str, description: str = "") -> dict[str, Any]:
    world: LoadWorld = target.world
    response = target.post(CREATE, {"input": {
        "cycleId": cycle_id(target), "level": "INDIVIDUAL", "title": title,
        "description": description, "ownerPersonId": gid("Person", world.people[1])}})
    assert_no_internals(response)
    payload: dict[str, Any] = response.json()["data"]["createObjective"]
    return payload


@pytest.mark.parametrize("text", STRANGE, ids=range(len(STRANGE)))
def test_strange_unicode_and_sql_text_is_stored_and_returned_intact(
        target: Target, text: str) -> None:
    title = (text * 300)[:300].strip()
    description = (text * 2000)[:10_000].strip()
    payload = create(target, title, description)
    assert payload["userErrors"] == []
    assert payload["objective"]["title"] == title
    assert payload["objective"]["description"] == description
    read = target.post(READ, {"id": payload["objective"]["id"]}).json()
    assert read["data"]["node"] == {"title": title, "description": description}
    check_in = target.post("""mutation($input: RecordCheckInInput!) { recordCheckIn(
        input: $input) { userErrors { code } checkIn { note } } }""", {"input": {
        "keyResultId": target.world.key_results[0].gid, "value": "1",
        "note": (text * 1000)[:5000].strip()}}).json()["data"]["recordCheckIn"]
    assert check_in["userErrors"] == []
    assert check_in["checkIn"]["note"] == (text * 1000)[:5000].strip()


@pytest.mark.parametrize(("title", "description"), [
    ("x" * 301, ""), ("ok", "y" * 10_001), ("nul \u0000 inside", ""), ("bell \u0007", ""),
    ("", ""), ("   ", "")])
def test_oversized_or_invalid_text_is_refused_without_a_write(
        target: Target, title: str, description: str) -> None:
    before = target.head()
    payload = create(target, title, description)
    assert payload["userErrors"], payload
    assert payload["objective"] is None
    assert target.head() == before


@pytest.mark.parametrize("text", SQL_TEXT)
def test_sql_metacharacters_in_arguments_are_harmless(target: Target, text: str) -> None:
    started = time.monotonic()
    for query, variables in [
        ("query($s: String) { people(search: $s, first: 5) { totalCount nodes { name } } }",
         {"s": text}),
        ("query($a: String) { objectives(first: 5, after: $a) { totalCount } }", {"a": text}),
        ("query($k: String!) { cycle(key: $k) { id } }", {"k": text}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": text}),
        ("query($k: String) { objectives(filter: {cycleKey: $k}) { totalCount } }",
         {"k": text}),
        ('query($k: String!) { alignmentTree(cycle: $k) { rootIds } }', {"k": text}),
    ]:
        response = target.post(query, variables)
        assert_no_internals(response)
        for error in response.json().get("errors") or ():
            assert "syntax error" not in error["message"].lower()
    assert time.monotonic() - started < 5  # no pg_sleep ran
    assert target.head() > 0  # the tables are all there
