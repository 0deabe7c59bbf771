"""A real server for the live tests: uvicorn on a free loopback port (in this event loop,
or as a separate process), a small organization, tokens and clients."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from strawberry.relay import to_base64

from okr_api.app import create_app
from okr_api.auth import TokenKeys, mint_token
from okr_api.http.server_protocol import server_options
from okr_api.settings import Settings
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Level, MetricType, Role, TeamKind, Visibility

SECRET = "live-test-secret-that-is-long-enough-for-production"
KEYS = TokenKeys(secret=SECRET)
TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
VENV_BIN = Path(sys.executable).parent

EVENT_FIELDS = """
  eventId position type occurredAt organizationId organizationName hrMode
  cycleId cycleKey cycleName objectiveId objectiveTitle objectiveLevel objectiveKind
  ownerPersonId teamId keyResultId keyResultTitle checkInId actorId
  value previousValue confidence note appliesAt inOneOnOne
  scoreBefore scoreAfter objectiveScoreBefore objectiveScoreAfter
  computedScore gradeOverride finalScore band reason
  previousCheckInAt cadenceKept redacted parentObjectiveId supporterId
"""
SCORE_EVENTS = ("subscription S($after: Int, $filter: OkrEventFilterInput) {"
                f" scoreEvents(after: $after, filter: $filter) {{ {EVENT_FIELDS} }} }}")
OKR_EVENTS = ("subscription O($after: Int, $filter: OkrEventFilterInput) {"
              f" okrEvents(after: $after, filter: $filter) {{ {EVENT_FIELDS} }} }}")
RECORD_CHECK_IN = """mutation R($input: RecordCheckInInput!) {
  recordCheckIn(input: $input) { position userErrors { code message } } }"""


def gid(type_name: str, *ids: UUID) -> str:
    return to_base64(type_name, ".".join(i.hex for i in ids))


def token_for(org: UUID, person: UUID | str, *roles: Role) -> str:
    subject = person if isinstance(person, str) else str(person)
    return mint_token(KEYS, organization_id=org, subject=subject, roles=list(roles))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class World:
    org: UUID
    other_org: UUID
    cycle: UUID
    platform: UUID
    engineering: UUID
    ceo: UUID
    lead: UUID
    alice: UUID
    bob: UUID
    hr: UUID
    objective: UUID
    key_result: UUID
    private_objective: UUID
    private_key_result: UUID
    other_objective: UUID
    other_key_result: UUID
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def kr_gid(self) -> str:
        return gid("KeyResult", self.objective, self.key_result)


def build_world(app: OkrApplication) -> World:
    org = app.create_organization("Acme", "acme").id
    system = Actor.system(org)
    ceo = app.upsert_person(system, "ceo", "Cleo Ceo").id
    engineering = app.create_team(system, "Engineering", kind=TeamKind.DEPARTMENT,
                                  lead_id=ceo).id
    lead = app.upsert_person(system, "lead", "Lee Lead", team_id=engineering,
                             manager_id=ceo).id
    platform = app.create_team(system, "Platform", parent_team_id=engineering,
                               lead_id=lead).id
    alice = app.upsert_person(system, "alice", "Alice", team_id=platform, manager_id=lead).id
    bob = app.upsert_person(system, "bob", "Bob", team_id=platform, manager_id=lead).id
    hr = app.upsert_person(system, "hannah", "Hannah HR").id
    cycle = app.create_cycle(system, "2026-Q4").id
    app.activate_cycle(system, cycle)
    objective = app.create_objective(system, cycle, Level.INDIVIDUAL, "Learn GraphQL",
                                     owner_person_id=alice).id
    kr = app.add_key_result(system, objective, "Read the spec", MetricType.INCREASE_TO,
                            start=0, target=10).id
    private = app.create_objective(system, cycle, Level.INDIVIDUAL, "Private growth goal",
                                   owner_person_id=alice, visibility=Visibility.PRIVATE).id
    private_kr = app.add_key_result(system, private, "Private KR", MetricType.INCREASE_TO,
                                    start=0, target=10).id
    for oid in (objective, private):
        app.activate_objective(system, oid)
    other = app.create_organization("Globex", "globex").id
    other_system = Actor.system(other)
    other_cycle = app.create_cycle(other_system, "2026-Q4").id
    app.activate_cycle(other_system, other_cycle)
    other_objective = app.create_objective(other_system, other_cycle, Level.COMPANY,
                                           "Globex secret plan").id
    other_kr = app.add_key_result(other_system, other_objective, "Secret KR",
                                  MetricType.INCREASE_TO, start=0, target=10).id
    app.activate_objective(other_system, other_objective)
    world = World(org, other, cycle, platform, engineering, ceo, lead, alice, bob, hr,
                  objective, kr, private, private_kr, other_objective, other_kr)
    world.tokens.update({
        "admin": token_for(org, ceo, Role.ADMIN),
        "alice": token_for(org, alice, Role.MEMBER),
        "lead": token_for(org, lead, Role.MANAGER),
        "bob": token_for(org, bob, Role.MEMBER),
        "hr": token_for(org, hr, Role.HR),
        "other_admin": token_for(other, UUID(int=7), Role.ADMIN),
        "other_hr": token_for(other, ceo, Role.HR),
    })
    return world


@dataclass
class Server:
    base_url: str
    settings: Settings
    fastapi: Any = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/graphql"

    @property
    def app(self) -> OkrApplication:
        application: OkrApplication = self.fastapi.state.services.app
        return application

    async def post(self, query: str, variables: dict[str, Any] | None = None, *,
                   token: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        return body

    async def check_in(self, world: World, value: float, *, token: str | None = None,
                       note: str = "", key_result: str | None = None) -> int:
        body = await self.post(RECORD_CHECK_IN, {"input": {
            "keyResultId": key_result or world.kr_gid, "value": str(value), "note": note,
            "confidence": 7}}, token=token or world.tokens["admin"])
        payload = body["data"]["recordCheckIn"]
        assert payload["userErrors"] == [], payload
        position: int = payload["position"]
        return position

    def client(self, token: str | None, protocol: str = TRANSPORT_WS,
               payload: dict[str, Any] | None = None) -> Client:
        init = payload if payload is not None else (
            {"Authorization": f"Bearer {token}"} if token else {})
        transport = WebsocketsTransport(url=self.ws_url, init_payload=init,
                                        subprotocols=[protocol], ack_timeout=10)
        return Client(transport=transport, fetch_schema_from_transport=False)


def settings_for(url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "database_url": url,
                              "jwt_secret": SECRET, "webhooks_allow_loopback": True,
                              "live_poll_seconds": 0.5}
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def serve_here(settings: Settings, *, send_buffer: int | None = None,
                     service_protocols: bool = False) -> AsyncIterator[Server]:
    """uvicorn in this event loop (a real socket; shares the loop with the test).
    ``send_buffer`` caps the kernel's send buffer of every connection (like a slow link);
    ``service_protocols``: uvicorn's protocols as ``okr-api serve`` sets them."""
    fastapi = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer is not None:  # accepted connections inherit it
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = server_options() if service_protocols else {}
    config = uvicorn.Config(fastapi, log_level="warning", lifespan="on",
                            ws_ping_interval=None, timeout_graceful_shutdown=5, **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 30
    while not server.started:
        if task.done():
            task.result()
        assert time.monotonic() < deadline, "the server did not start"
        await asyncio.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", settings, fastapi=fastapi)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


def start_process(url: str, data_dir: Path, **env: str) -> Server:
    """``okr-api serve`` as a separate process; wait for /readyz."""
    port = free_port()
    environment = {**os.environ, "OKR_JWT_SECRET": SECRET, "OKR_DATA_DIR": str(data_dir),
                   "OKR_WEBHOOKS_ALLOW_LOOPBACK": "true", "OKR_LIVE_POLL_SECONDS": "0.5",
                   **env}
    process = subprocess.Popen(
        [str(VENV_BIN / "okr-api"), "serve", "--port", str(port), "--database-url", url],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(f"http://127.0.0.1:{port}", settings_for(url, data_dir),
                    process=process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError("the API process did not become ready")


def stop_process(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


class Feed:
    """A subscription running in the background, collecting what it receives."""

    def __init__(self, client: Client, document: str, variables: dict[str, Any]) -> None:
        self.client = client
        # A request of its own: gql keeps variables on the request object.
        self.request = GraphQLRequest(document, variable_values=variables)
        self.events: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        try:
            async with self.client as session:
                async for result in session.subscribe(self.request):
                    self.events.append(next(iter(result.values())))
        except Exception as error:
            self.error = error

    async def __aenter__(self) -> Feed:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def wait_for(self, count: int, within: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while len(self.events) < count:
            if self.error is not None:
                raise AssertionError(f"the subscription failed: {self.error!r}")
            assert time.monotonic() < deadline, f"{len(self.events)} of {count} events"
            await asyncio.sleep(0.02)
        return list(self.events)

    async def wait_for_error(self, within: float = 20.0) -> BaseException:
        deadline = time.monotonic() + within
        while self.error is None:
            assert time.monotonic() < deadline, "no error arrived"
            await asyncio.sleep(0.02)
        return self.error


async def subscribers(server: Server) -> int:
    count: int = server.fastapi.state.services.extras["live"].hub.subscriber_count
    return count


async def wait_subscribed(server: Server, count: int, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while await subscribers(server) < count:
        assert time.monotonic() < deadline, "the subscription did not register"
        await asyncio.sleep(0.02)
