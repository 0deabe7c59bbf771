"""The load: N clients mixing check-ins (some on the same "hot" key results),
alignment changes and queries for a while, against a running server.

Check-ins carry an idempotency key; one answered 503 or lost in transit is sent again
with the same key until it is acknowledged, as a real client would. Alignment changes
have no key: an unanswered one is left unknown (it may or may not have happened)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import httpx
from strawberry.relay import from_base64

from tests.live.support import gid
from tests.reliability.ledger import AlignmentAck, CheckInAck, Ledger
from tests.reliability.world import KeyResultRef, LoadWorld

REQUEST_TIMEOUT = 20.0
"""A request that takes longer has hung: a failure."""
RESOLVE_SECONDS = 45.0
"""How long after the end a client keeps retrying a check-in it has not seen answered."""

CHECK_IN = """mutation C($input: RecordCheckInInput!) { recordCheckIn(input: $input) {
  position replayed userErrors { code field message } checkIn { id } } }"""
ALIGN = """mutation A($input: AlignObjectiveInput!) { alignObjective(input: $input) {
  position userErrors { code message } } }"""
UNALIGN = """mutation U($input: UnalignObjectiveInput!) { unalignObjective(input: $input) {
  position userErrors { code message } } }"""
QUERIES = (
    ("{ objectives(first: 20) { totalCount pageInfo { hasNextPage endCursor } "
     "nodes { id title score keyResults { id current score checkInCount } } } }", None),
    ("query K($id: ID!) { node(id: $id) { ... on KeyResult { id current checkInCount "
     "checkIns(first: 5) { totalCount nodes { id value note } } } } }", "kr"),
    ('{ alignmentTree(cycle: "2026-Q4") { position rootIds orphanIds nodes { id } } }', None),
    ("{ viewer { person { name } } position }", None),
)


class Client:
    def __init__(self, number: int, http: httpx.AsyncClient, world: LoadWorld,
                 ledger: Ledger, rng: random.Random) -> None:
        self.number = number
        self.http = http
        self.world = world
        self.ledger = ledger
        self.rng = rng
        self.sent = 0
        self.token = world.tokens["admin"] if number % 4 else world.tokens[
            f"p{number % len(world.people)}"]

    async def post(self, query: str, variables: dict[str, Any],
                   token: str | None = None) -> tuple[int, dict[str, Any] | None]:
        """(status, body); status 0 when the request got no answer."""
        started = time.monotonic()
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token or self.world.tokens['admin']}"},
                timeout=REQUEST_TIMEOUT)
        except httpx.TimeoutException:
            self.ledger.fail(f"no answer within {REQUEST_TIMEOUT}s: {query[:40]}")
            return 0, None
        except httpx.TransportError as error:
            self.ledger.transport_errors.append(type(error).__name__)
            return 0, None
        latency = time.monotonic() - started
        self.ledger.status(response.status_code, latency)
        text = response.text
        if "Traceback" in text or 'File "' in text:
            self.ledger.fail(f"a stack trace in an answer: {text[:300]}")
        if response.status_code == 503:
            body = response.json()
            code = body["errors"][0]["extensions"]["code"]
            if code != "SERVICE_UNAVAILABLE" or "Retry-After" not in response.headers:
                self.ledger.fail(f"503 without the clear error: {text[:300]}")
            return 503, None
        if response.status_code != 200:
            self.ledger.fail(f"HTTP {response.status_code}: {text[:300]}")
            return response.status_code, None
        body = response.json()
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors", ())}
        if codes == {"SERVICE_UNAVAILABLE"}:
            self.ledger.partial += 1
        elif codes:
            self.ledger.fail(f"errors in a 200 answer: {text[:300]}")
        return 200, body

    async def check_in(self, deadline: float) -> None:
        world = self.world
        ref = (self.rng.choice(world.hot) if self.rng.random() < 0.5
               else self.rng.choice(world.key_results))
        self.sent += 1
        key = f"load-{self.number}-{self.sent}-{self.rng.getrandbits(32):08x}"
        note = f"check-in {key}"
        variables = {"input": {"keyResultId": ref.gid, "idempotencyKey": key, "note": note,
                               "value": f"{self.rng.uniform(0, 100):.2f}",
                               "confidence": self.rng.randint(0, 10)}}
        self.ledger.keys_sent.add(key)
        give_up = deadline + RESOLVE_SECONDS
        while True:
            status, body = await self.post(CHECK_IN, variables)
            if status == 200 and body is not None:
                self._check_in_answer(body, key, ref, note)
                return
            if status not in (0, 503) or time.monotonic() > give_up:
                return
            self.ledger.retries += 1
            await asyncio.sleep(0.2 + self.rng.random() * 0.3)

    def _check_in_answer(self, body: dict[str, Any], key: str, ref: KeyResultRef,
                         note: str) -> None:
        payload = (body.get("data") or {}).get("recordCheckIn")
        if payload is None:
            return
        if payload["userErrors"]:
            for error in payload["userErrors"]:
                self.ledger.user_errors[error["code"]] += 1
            self.ledger.refused_keys.add(key)
            return
        check_in_id = None
        if payload["checkIn"] is not None:
            _, raw = from_base64(payload["checkIn"]["id"])
            check_in_id = UUID(hex=raw.split(".")[-1])
        self.ledger.check_ins.append(CheckInAck(key, check_in_id, payload["position"], ref,
                                                note))

    async def alignment(self) -> None:
        world = self.world
        child = self.rng.choice(world.children)
        if self.rng.random() < 0.6:
            parent: UUID | None = self.rng.choice(world.parents)
            status, body = await self.post(ALIGN, {"input": {
                "childId": gid("Objective", child),
                "parentId": gid("Objective", parent)}})  # type: ignore[arg-type]
            name = "alignObjective"
        else:
            parent = None
            status, body = await self.post(UNALIGN, {"input": {
                "objectiveId": gid("Objective", child), "reason": "load"}})
            name = "unalignObjective"
        if status != 200 or body is None:
            return
        payload = (body.get("data") or {}).get(name)
        if payload is None:
            return
        if payload["userErrors"]:
            for error in payload["userErrors"]:
                self.ledger.user_errors[error["code"]] += 1
            return
        self.ledger.alignments.append(AlignmentAck(child, parent, payload["position"]))

    async def query(self) -> None:
        text, needs = self.rng.choice(QUERIES)
        variables = {"id": self.rng.choice(self.world.key_results).gid} if needs else {}
        await self.post(text, variables, token=self.token)

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            roll = self.rng.random()
            if roll < 0.5:
                await self.check_in(deadline)
            elif roll < 0.65:
                await self.alignment()
            else:
                await self.query()


async def run_load(base_url: str, world: LoadWorld, ledger: Ledger, *, clients: int,
                   seconds: float, seed: int = 7,
                   during: Callable[[], Any] | None = None) -> None:
    """Run the clients for ``seconds``; ``during`` (a coroutine function) runs alongside,
    to inject faults."""
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as http:
        deadline = time.monotonic() + seconds
        tasks = [asyncio.create_task(Client(n, http, world, ledger,
                                            random.Random(seed * 1000 + n)).run(deadline))
                 for n in range(clients)]
        fault = asyncio.create_task(during()) if during is not None else None
        try:
            await asyncio.gather(*tasks)
            if fault is not None:
                await fault
        finally:
            for task in (*tasks, *([fault] if fault else [])):
                task.cancel()
            for task in (*tasks, *([fault] if fault else [])):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
