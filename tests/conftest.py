"""Shared fixtures: the event store on every backend, each test isolated.

PostgreSQL tests get a schema of their own, dropped afterwards. Outside CI they skip
when no server answers; with CI=true a missing server is a failure.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from okr_api.storage import init_database, postgres_dsn
from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication

POSTGRES_URL = os.environ.get(
    "OKR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("memory", "sqlite", "postgres")
TEST_NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
"""When the test run starts, for every clock in it: no test depends on the day it runs."""


def pytest_configure(config: pytest.Config) -> None:
    # The service's clock starts at TEST_NOW, here and (through the environment) in every
    # server process a test starts: they all share one clock that runs from there.
    anchor = time.time()
    os.environ["OKR_CLOCK_START"] = TEST_NOW.isoformat()
    os.environ["OKR_CLOCK_ANCHOR"] = repr(anchor)
    clock.set_clock(clock.ShiftedClock(TEST_NOW, anchor))


@pytest.fixture(autouse=True)
def _okr_environment() -> Iterator[None]:
    """Each test starts from the run's ``OKR_*`` environment: commands export their
    options to it (for server worker processes), which would reach later tests."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("OKR_")}
    yield
    for name in [k for k in os.environ if k.startswith("OKR_") and k not in saved]:
        del os.environ[name]
    os.environ.update(saved)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run the long variants too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _postgres_answers() -> str | None:
    dsn, _ = postgres_dsn(POSTGRES_URL)
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def require_postgres() -> None:
    problem = _postgres_answers()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} does not answer: {problem}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI=true: PostgreSQL is required)")
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose schema belongs to this test alone."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    dsn, _ = postgres_dsn(POSTGRES_URL)
    yield f"{dsn}?schema={schema}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def make_store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "memory":
        return "memory://"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every backend in turn: in-memory, SQLite file, PostgreSQL."""
    return make_store_url(request.param, tmp_path, request)


@pytest.fixture
def app(store_url: str) -> Iterator[OkrApplication]:
    application = init_database(store_url)
    yield application
    application.close()


@pytest.fixture
def pg_app(postgres_url: str) -> Iterator[OkrApplication]:
    application = init_database(postgres_url)
    yield application
    application.close()


@pytest.fixture
def org(app: OkrApplication) -> Actor:
    """A fresh organization, acted on by the system (an admin without a person)."""
    return Actor.system(app.create_organization("Acme", "acme").id)
