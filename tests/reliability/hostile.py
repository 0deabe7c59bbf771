"""Support for the hostile-input scenarios: one API process per module on its own schema,
a synchronous client, and the event store's head (to prove a refused request wrote
nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
from psycopg import sql

from okr_api.storage import postgres_dsn
from tests.reliability.processes import ApiProcess
from tests.reliability.world import LoadWorld

STACK_MARKERS = ("Traceback", 'File "', "site-packages", "psycopg", "asyncpg",
                 "eventsourcing")


@dataclass
class Target:
    api: ApiProcess
    world: LoadWorld
    url: str
    http: httpx.Client

    def post(self, query: str, variables: Any = None, *, token: str | None = None,
             **extra: Any) -> httpx.Response:
        body: dict[str, Any] = {"query": query, **extra}
        if variables is not None:
            body["variables"] = variables
        return self.http.post("/graphql", json=body, headers={
            "Authorization": f"Bearer {token or self.world.tokens['admin']}"})

    def head(self) -> int:
        """The event store's last position, read directly."""
        dsn, schema = postgres_dsn(self.url)
        with psycopg.connect(dsn) as conn:
            row = conn.execute(sql.SQL("SELECT coalesce(max(notification_id), 0) FROM {}.{}")
                               .format(sql.Identifier(schema),
                                       sql.Identifier("okr_events"))).fetchone()
        return int(row[0]) if row else 0


def assert_no_internals(response: httpx.Response) -> None:
    """No 5xx, no stack trace, no masked internal error."""
    assert response.status_code < 500, response.text[:500]
    text = response.text
    for marker in STACK_MARKERS:
        assert marker not in text, f"{marker!r} in an answer: {text[:500]}"
    if response.headers.get("content-type", "").startswith("application/"):
        body = response.json()
        if isinstance(body, dict):
            for error in body.get("errors") or ():
                code = (error.get("extensions") or {}).get("code")
                assert code != "INTERNAL", text[:500]


def refused(response: httpx.Response) -> bool:
    """Whether the request as a whole was refused (nothing may have been written)."""
    if response.status_code >= 400:
        return True
    body = response.json()
    data = body.get("data")
    if not data:
        return True
    payloads = [v for v in data.values() if isinstance(v, dict) and "userErrors" in v]
    return bool(payloads) and len(payloads) == len(data) and all(
        p["userErrors"] for p in payloads)
