"""Fixtures of the live tests: a real server on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from okr_api.read_side import init_read_models
from okr_api.storage import init_database
from tests.conftest import make_store_url
from tests.live.support import Server, World, build_world, serve_here, settings_for


@pytest.fixture(params=["sqlite", "postgres"])
def live_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = make_store_url(request.param, tmp_path, request)
    init_database(url).close()
    init_read_models(url)
    return url


@pytest.fixture
async def server(live_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    async with serve_here(settings_for(live_url, tmp_path / "data")) as running:
        yield running


@pytest.fixture
async def world(server: Server) -> World:
    built = await asyncio.to_thread(build_world, server.app)
    read_model = server.fastapi.state.services.read_model
    assert await read_model.wait_for_position(server.app.current_position(), 10.0)
    return built
