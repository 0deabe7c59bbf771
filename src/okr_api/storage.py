"""Where the event store lives: a database URL (or the embedded default) mapped to the
``eventsourcing`` persistence settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg import sql

from okr_domain.application import OkrApplication

SQLITE_FILE = "okr.sqlite3"


class StoreNotInitialized(RuntimeError):
    """The PostgreSQL tables do not exist yet (run ``okr-api db init``)."""


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def store_env(url: str, *, create_tables: bool) -> dict[str, str]:
    """The eventsourcing environment for a database URL.

    ``sqlite:///path`` (the embedded default), ``memory://`` (tests), and
    ``postgresql://user:password@host:port/dbname?schema=NAME``.
    """
    parts = urlsplit(url)
    create = "y" if create_tables else "n"
    if parts.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
            "CREATE_TABLE": "y",  # the embedded store makes its tables on first run
        }
    if parts.scheme in ("postgresql", "postgres"):
        query = parse_qs(parts.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
            "POSTGRES_POOL_SIZE": query.get("pool_size", ["10"])[0],
            "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", ["20"])[0],
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_PRE_PING": "y",
            "CREATE_TABLE": create,
        }
        return env
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")


def postgres_dsn(url: str) -> tuple[str, str]:
    """A libpq DSN (without the schema parameter) and the schema name."""
    parts = urlsplit(url)
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    dsn = parts._replace(query="", scheme="postgresql").geturl()
    return dsn, schema


def init_database(url: str) -> OkrApplication:
    """Create the schema and tables (idempotent) and return the application."""
    if urlsplit(url).scheme in ("postgresql", "postgres"):
        dsn, schema = postgres_dsn(url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    return OkrApplication(env=store_env(url, create_tables=True))


def open_application(url: str) -> OkrApplication:
    """Open the store; PostgreSQL must have been initialized with ``okr-api db init``."""
    app = OkrApplication(env=store_env(url, create_tables=False))
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
