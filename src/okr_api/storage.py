"""Where the event store lives: a database URL (or the embedded default) mapped to the
``eventsourcing`` persistence settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from okr_domain.application import OkrApplication
from okr_domain.persistence.settings import store_env
from projections.stores.urls import postgres_dsn

__all__ = [
    "SQLITE_FILE", "StoreNotInitialized", "default_url", "init_database", "open_application",
    "postgres_dsn", "store_env",
]

SQLITE_FILE = "okr.sqlite3"


class StoreNotInitialized(RuntimeError):
    """The PostgreSQL tables do not exist yet (run ``okr-api db init``)."""


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def init_database(url: str) -> OkrApplication:
    """Create the schema and tables (idempotent) and return the application."""
    if urlsplit(url).scheme in ("postgresql", "postgres"):
        dsn, schema = postgres_dsn(url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    return OkrApplication(env=store_env(url, create_tables=True))


def open_application(url: str, *, group_commit: bool = False) -> OkrApplication:
    """Open the store; PostgreSQL must have been initialized with ``okr-api db init``.

    ``group_commit``: concurrent commands share transactions (the API server's mode).
    """
    env = store_env(url, create_tables=False)
    if group_commit:
        env[OkrApplication.GROUP_COMMIT] = "y"
    app = OkrApplication(env=env)
    try:
        app.recorder.max_notification_id()
    except Exception as error:
        app.close()
        if "does not exist" in str(error):
            raise StoreNotInitialized(
                "the event store tables do not exist; run `okr-api db init` first"
            ) from error
        raise
    return app
