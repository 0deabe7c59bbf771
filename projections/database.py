"""Database URLs: which store a URL names and the ``eventsourcing`` settings for it.

``memory://`` (tests), ``sqlite:///path`` (the embedded default) and
``postgresql://user:password@host:port/dbname?schema=NAME``. Read models live in the
same database as the events: the same SQLite file, the same PostgreSQL schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class Backend(StrEnum):
    MEMORY = "memory"
    SQLITE = "sqlite"
    POSTGRES = "postgres"


@dataclass(frozen=True)
class StoreUrl:
    """A parsed database URL."""

    url: str
    backend: Backend
    sqlite_path: str = ""
    dsn: str = ""
    schema: str = "public"

    @classmethod
    def parse(cls, url: str) -> StoreUrl:
        parts = urlsplit(url)
        if parts.scheme == "memory":
            return cls(url, Backend.MEMORY)
        if parts.scheme == "sqlite":
            return cls(url, Backend.SQLITE, sqlite_path=unquote(parts.path))
        if parts.scheme in ("postgresql", "postgres"):
            dsn, schema = postgres_dsn(url)
            return cls(url, Backend.POSTGRES, dsn=dsn, schema=schema)
        raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")


def postgres_dsn(url: str) -> tuple[str, str]:
    """A libpq DSN (without the schema parameter) and the schema name."""
    parts = urlsplit(url)
    schema = parse_qs(parts.query).get("schema", ["public"])[0]
    dsn = parts._replace(query="", scheme="postgresql").geturl()
    return dsn, schema


def store_env(url: str, *, create_tables: bool) -> dict[str, str]:
    """The eventsourcing environment for a database URL."""
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
        return {
            "PERSISTENCE_MODULE": "projections.event_store:BoundedRetryPostgresFactory",
            "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
            "POSTGRES_POOL_SIZE": query.get("pool_size", ["5"])[0],
            "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", ["20"])[0],
            # How long a call waits for a pooled connection: with the retry of
            # projections.event_store, an outage is reported within a few seconds.
            "POSTGRES_CONNECT_TIMEOUT": "2",
            "POSTGRES_PRE_PING": "y",
            "CREATE_TABLE": create,
        }
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")
