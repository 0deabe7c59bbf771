"""/readyz answers 503, with every read model's position and lag, until the read models
have caught up with the event log as it stood when the process started; then 200. The
lag gauge of /metrics follows each read model."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from okr_api import read_side
from okr_api.read_side import init_read_models
from okr_api.settings import Settings
from okr_api.storage import init_database
from projections.registry import PROJECTIONS
from projections.running.service import run_projections
from projections.stores.database import open_database
from tests.api.conftest import SECRET, Api, running_api
from tests.projections.projection_histories import bulk_history

BACKLOG_EVENTS = 1500
CATCH_UP_WITHIN_SECONDS = 60.0


def store_with_backlog(url: str) -> int:
    """Events written before any read model has seen them; the log's head."""
    application = init_database(url)
    init_read_models(url)
    try:
        return bulk_history(application, BACKLOG_EVENTS)
    finally:
        application.close()


def lag_gauge(metrics: str) -> dict[str, float]:
    return {name: float(value) for name, value in re.findall(
        r'^okr_projection_lag_events\{projection="([^"]+)"\} (\S+)$', metrics, re.M)}


async def readiness(api: Api) -> tuple[int, dict[str, Any]]:
    response = await api.client.get("/readyz")
    return response.status_code, response.json()


async def until_ready(api: Api) -> None:
    deadline = time.monotonic() + CATCH_UP_WITHIN_SECONDS
    while (await readiness(api))[0] != 200:
        assert time.monotonic() < deadline, await readiness(api)
        await asyncio.sleep(0.1)


@contextmanager
def projection_worker(url: str) -> Iterator[None]:
    """``okr-api projections run``, in a thread of the test."""
    stop = threading.Event()
    worker = threading.Thread(target=run_projections, args=(url, None, stop), daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(30)


@asynccontextmanager
async def serving(url: str, tmp_path: Path, *, in_process: bool) -> AsyncIterator[Api]:
    settings = Settings(data_dir=tmp_path / "data", database_url=url, jwt_secret=SECRET,
                        projections_in_process=in_process)
    async with running_api(settings) as api:
        yield api


async def test_not_ready_until_a_worker_has_caught_up(api_url: str, tmp_path: Path) -> None:
    head = await asyncio.to_thread(store_with_backlog, api_url)
    async with serving(api_url, tmp_path, in_process=False) as api:
        status, body = await readiness(api)
        assert status == 503
        assert body["status"] == "catching_up"
        assert body["startHead"] == head
        assert body["readModels"] == {name: {"position": 0, "head": head, "lag": head}
                                      for name in PROJECTIONS}
        metrics = (await api.client.get("/metrics")).text
        assert lag_gauge(metrics) == dict.fromkeys(PROJECTIONS, head)
        assert "# HELP okr_projection_lag_events Events of the log a read model" in metrics

        with projection_worker(api_url):
            await until_ready(api)
            assert await readiness(api) == (200, {"status": "ready"})
            lags = lag_gauge((await api.client.get("/metrics")).text)
            assert set(lags) == set(PROJECTIONS)
            assert all(lag == 0 for lag in lags.values()), lags

        # Ready stays ready: later events are lag (in the gauge), not unreadiness.
        await asyncio.to_thread(api.app.create_organization, "Later", "later")
        assert (await readiness(api))[0] == 200
        lags = lag_gauge((await api.client.get("/metrics")).text)
        assert all(lag >= 1 for lag in lags.values()), lags


async def test_in_process_projections_report_their_lag_until_they_catch_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    head = await asyncio.to_thread(store_with_backlog, url)
    # Another runner holds the catalog (as a second process would): this process's
    # runner waits for it, and the start-up stops waiting for the catch-up at once.
    monkeypatch.setattr(read_side, "CATCH_UP_SECONDS", 0.0)
    holder = open_database(url).session()
    assert holder.try_lock("catalog")
    try:
        async with serving(url, tmp_path, in_process=True) as api:
            status, body = await readiness(api)
            assert status == 503
            assert body["startHead"] == head
            assert set(body["readModels"]) == set(PROJECTIONS)
            assert body["readModels"]["catalog"] == {"position": 0, "head": head, "lag": head}
            assert lag_gauge((await api.client.get("/metrics")).text)["catalog"] == head
            holder.unlock("catalog")
            await until_ready(api)
            assert lag_gauge((await api.client.get("/metrics")).text)["catalog"] == 0
    finally:
        holder.unlock("catalog")
        holder.close()
