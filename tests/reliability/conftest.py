"""Fixtures of the reliability scenarios: a private PostgreSQL cluster for the faults
(restarted at will; the shared server is never touched), a store per test, the load
world, and the service's processes (always stopped, also on failure)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql

from okr_api.read_side import init_read_models
from okr_api.storage import init_database, postgres_dsn
from tests.reliability.cluster import Cluster, find_bindir
from tests.reliability.hostile import Target
from tests.reliability.processes import ApiProcess, Process, api_process, worker_process
from tests.reliability.world import LoadWorld, build_load_world

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
        if IN_CI:
            pytest.fail(message + " (CI=true: the fault scenarios need them)")
        pytest.skip(message)
    made = Cluster.make(bindir)
    try:
        made.start()
        made.wait_ready()
        yield made
    finally:
        made.remove()


@pytest.fixture
def private_url(cluster: Cluster) -> Iterator[str]:
    """A fresh schema on the private cluster, with the tables made."""
    cluster.ensure_running()
    schema = f"r_{uuid.uuid4().hex[:12]}"
    url = f"{cluster.dsn}?schema={schema}"
    init_database(url).close()
    init_read_models(url)
    yield url
    cluster.ensure_running()
    with psycopg.connect(cluster.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def shared_url(postgres_url: str) -> str:
    """A schema of its own on the shared server (for scenarios that restart nothing)."""
    init_database(postgres_url).close()
    init_read_models(postgres_url)
    return postgres_url


def make_world(url: str) -> LoadWorld:
    from okr_api.storage import open_application

    app = open_application(url)
    try:
        return build_load_world(app)
    finally:
        app.close()


class Processes:
    """Every process a test starts; all stopped at the end, whatever happened."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Process] = []

    def api(self, url: str, name: str = "api", **env: str) -> ApiProcess:
        process = api_process(url, self.folder, name, **env)
        self.started.append(process)
        return process

    def worker(self, url: str, name: str = "worker") -> Process:
        process = worker_process(url, self.folder, name)
        self.started.append(process)
        return process

    def stop_all(self) -> list[str]:
        """Stop every process; the names of those that ignored SIGTERM for 20 s."""
        return [p.log_path.stem for p in self.started if p.stop()]

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.output()}" for p in self.started)


@pytest.fixture
def processes(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Processes]:
    running = Processes(tmp_path)
    forced: list[str] = []
    try:
        yield running
    finally:
        forced = running.stop_all()
        report = getattr(request.node, "rep_call", None)
        if forced or (report is not None and report.failed):
            print(running.logs())
    assert not forced, f"{forced} did not shut down within 20 s of SIGTERM"


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One API process on a schema of its own (shared server), for a whole module."""
    from tests.conftest import POSTGRES_URL, require_postgres

    require_postgres()
    schema = f"h_{uuid.uuid4().hex[:12]}"
    dsn, _ = postgres_dsn(POSTGRES_URL)
    url = f"{dsn}?schema={schema}"
    init_database(url).close()
    init_read_models(url)
    folder = tmp_path_factory.mktemp("hostile")
    api = api_process(url, folder)
    try:
        world = make_world(url)
        api.start_ready()
        with httpx.Client(base_url=api.base_url, timeout=30) as http:
            yield Target(api, world, url, http)
    finally:
        api.stop()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
