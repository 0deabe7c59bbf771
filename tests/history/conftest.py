"""The real ASGI app with the hand-computed quarter (quarter.py), on SQLite and PostgreSQL.

``quarter_api`` is shared by the tests of a module (they only read); tests that write
use ``fresh_quarter_api``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import pytest_asyncio
from psycopg import sql

from okr_api.read_side import init_read_models
from okr_api.settings import Settings
from okr_api.storage import init_database, postgres_dsn
from okr_domain.values import Role
from tests.api.conftest import SECRET, Api, running_api, token_for
from tests.conftest import POSTGRES_URL, make_store_url, require_postgres
from tests.history.quarter import Quarter, build_quarter


@dataclass
class QuarterApi:
    api: Api
    quarter: Quarter


async def start_quarter(api: Api, *, close: bool = False) -> QuarterApi:
    q = await asyncio.to_thread(build_quarter, api.app, close=close)
    api.tokens.update({
        "admin": token_for(q.org, q.lead, Role.ADMIN),
        "analyst": token_for(q.org, q.analyst, Role.ANALYST),
        "lead_analyst": token_for(q.org, q.lead, Role.ANALYST, Role.MANAGER),
        "member": token_for(q.org, q.bob, Role.MEMBER),
        "manager": token_for(q.org, q.lead, Role.MANAGER),
    })
    services = api.fastapi.state.services
    assert await services.read_model.wait_for_position(api.events(), 10.0)
    event_index = await services.extras["history"].event_index()
    assert await event_index.wait_for_position(api.events(), 10.0)
    return QuarterApi(api, q)


def _settings(url: str, data_dir: Path) -> Settings:
    init_database(url).close()
    init_read_models(url)
    return Settings(data_dir=data_dir, database_url=url, jwt_secret=SECRET)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def quarter_store_url(request: pytest.FixtureRequest,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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
async def quarter_api(quarter_store_url: str,
                      tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[QuarterApi]:
    """Mark the tests using it ``pytest.mark.asyncio(loop_scope="module")``."""
    settings = _settings(quarter_store_url, tmp_path_factory.mktemp("data"))
    async with running_api(settings) as api:
        yield await start_quarter(api)


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return make_store_url(request.param, tmp_path, request)


@pytest.fixture
async def fresh_quarter_api(fresh_url: str, tmp_path: Path) -> AsyncIterator[QuarterApi]:
    async with running_api(_settings(fresh_url, tmp_path / "data")) as api:
        yield await start_quarter(api)
