"""The real ASGI app over HTTP (httpx), on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
import pytest_asyncio
from fastapi import FastAPI
from psycopg import sql
from strawberry.relay import to_base64

from okr_api.app import create_app
from okr_api.auth import TokenKeys, mint_token
from okr_api.read_side import init_read_models
from okr_api.settings import Settings
from okr_api.storage import init_database, postgres_dsn
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Kind, Level, MetricType, Role, TeamKind, Visibility
from tests.conftest import POSTGRES_URL, make_store_url, require_postgres

SECRET = "test-secret-that-is-long-enough-for-production-use"
KEYS = TokenKeys(secret=SECRET)


@dataclass
class Api:
    client: httpx.AsyncClient
    fastapi: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def app(self) -> OkrApplication:
        application: OkrApplication = self.fastapi.state.services.app
        return application

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *,
                  token: str | None = None, as_: str = "admin") -> dict[str, Any]:
        """POST a query; assert a 200 JSON answer and return the body."""
        response = await self.post(query, variables, token=token or self.tokens[as_])
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def post(self, query: str, variables: dict[str, Any] | None = None, *,
                   token: str | None = None, headers: dict[str, str] | None = None,
                   ) -> httpx.Response:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        return await self.client.post("/graphql", json={"query": query,
                                                        "variables": variables or {}},
                                      headers=sent)

    def events(self) -> int:
        return self.app.current_position()


def token_for(org: UUID, person: UUID, *roles: Role, ttl: int = 3600) -> str:
    return mint_token(KEYS, organization_id=org, subject=str(person), roles=list(roles),
                      ttl_seconds=ttl)


def gid(type_name: str, *ids: UUID) -> str:
    """The global ID of a node (key results and check-ins name their objective too)."""
    return to_base64(type_name, ".".join(i.hex for i in ids))


@pytest.fixture(params=["sqlite", "postgres"])
def api_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return make_store_url(request.param, tmp_path, request)


@pytest.fixture
def api_settings(api_url: str, tmp_path: Path) -> Settings:
    init_database(api_url).close()
    init_read_models(api_url)
    return Settings(data_dir=tmp_path / "data", database_url=api_url, jwt_secret=SECRET)


@asynccontextmanager
async def running_api(settings: Settings) -> AsyncIterator[Api]:
    """The app with its lifespan running, and an HTTP client over it."""
    fastapi = create_app(settings)
    async with fastapi.router.lifespan_context(fastapi):
        transport = httpx.ASGITransport(app=fastapi)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client, fastapi)


@pytest.fixture
async def api(api_settings: Settings) -> AsyncIterator[Api]:
    async with running_api(api_settings) as running:
        yield running


@dataclass
class World:
    """A small organization, made through the command side, and tokens for it."""

    org: UUID
    other_org: UUID
    cycle: UUID
    root_team: UUID
    engineering: UUID
    platform: UUID
    ceo: UUID
    lead: UUID
    alice: UUID
    bob: UUID
    company_objective: UUID
    team_objective: UUID
    alice_objective: UUID
    alice_private: UUID
    key_result: UUID
    other_objective: UUID
    other_admin: UUID


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
    cycle = app.create_cycle(system, "2026-Q4").id
    app.activate_cycle(system, cycle)
    company = app.create_objective(system, cycle, Level.COMPANY, "Delight customers").id
    team = app.create_objective(system, cycle, Level.TEAM, "Ship the platform",
                                owner_team_id=platform).id
    mine = app.create_objective(system, cycle, Level.INDIVIDUAL, "Learn GraphQL",
                                owner_person_id=alice).id
    private = app.create_objective(system, cycle, Level.INDIVIDUAL, "Private growth goal",
                                   owner_person_id=alice, visibility=Visibility.PRIVATE,
                                   kind=Kind.COMMITTED).id
    kr = app.add_key_result(system, mine, "Read the spec", MetricType.INCREASE_TO,
                            start=0, target=10).id
    app.add_key_result(system, private, "Private KR", MetricType.BINARY)
    app.add_key_result(system, team, "Uptime", MetricType.STAY_AT_OR_ABOVE, target=99.9)
    for objective in (company, team, mine, private):
        app.activate_objective(system, objective)
    app.align_objective(system, team, company)
    app.align_objective(system, mine, team)
    other = app.create_organization("Globex", "globex").id
    other_system = Actor.system(other)
    other_cycle = app.create_cycle(other_system, "2026-Q4").id
    other_objective = app.create_objective(other_system, other_cycle, Level.COMPANY,
                                           "Globex secret plan").id
    other_admin = app.upsert_person(other_system, "gadmin", "Gina Globex").id
    root = app.organization(system).root_team_id
    return World(org, other, cycle, root, engineering, platform, ceo, lead, alice, bob,
                 company, team, mine, private, kr, other_objective, other_admin)


@pytest.fixture
async def world(api: Api) -> World:
    return await start_world(api)


async def start_world(api: Api) -> World:
    """Build the world through the command side, mint its tokens, wait for the read side."""
    built = await asyncio.to_thread(build_world, api.app)
    api.tokens.update({
        "admin": token_for(built.org, built.ceo, Role.ADMIN),
        "ceo": token_for(built.org, built.ceo, Role.MANAGER),
        "lead": token_for(built.org, built.lead, Role.MANAGER),
        "alice": token_for(built.org, built.alice, Role.MEMBER),
        "bob": token_for(built.org, built.bob, Role.MEMBER),
        "other_admin": token_for(built.other_org, built.other_admin, Role.ADMIN),
    })
    position = api.events()
    assert await api.fastapi.state.services.read_model.wait_for_position(position, 10.0)
    return built


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_store_url(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store shared by the tests of one module (for tests that write nothing, or only
    what no other test of the module looks at)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'okr.sqlite3'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    dsn, _ = postgres_dsn(POSTGRES_URL)
    yield f"{dsn}?schema={schema}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_api(module_store_url: str,
                     tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    """One running app per module and backend; its tests run in the module's event loop
    (mark them ``pytest.mark.asyncio(loop_scope="module")``)."""
    init_database(module_store_url).close()
    init_read_models(module_store_url)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"),
                        database_url=module_store_url, jwt_secret=SECRET)
    async with running_api(settings) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_world(shared_api: Api) -> World:
    return await start_world(shared_api)
