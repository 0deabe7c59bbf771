"""The ``eventsourcing`` settings for a database URL.

``memory://`` (tests), ``sqlite:///path`` (the embedded default) and
``postgresql://user:password@host:port/dbname?schema=NAME&pool_size=N&max_overflow=N``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

POSTGRES_FACTORY = "okr_domain.persistence.postgres_store:BoundedRetryPostgresFactory"
"""The PostgreSQL recorders' factory, by topic (imported only when PostgreSQL is used)."""


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
            "PERSISTENCE_MODULE": POSTGRES_FACTORY,
            "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", ["public"])[0],
            "POSTGRES_POOL_SIZE": query.get("pool_size", ["5"])[0],
            "POSTGRES_MAX_OVERFLOW": query.get("max_overflow", ["20"])[0],
            # How long a call waits for a pooled connection: with the retry of
            # ``postgres_store``, an outage is reported within a few seconds.
            "POSTGRES_CONNECT_TIMEOUT": "2",
            "POSTGRES_PRE_PING": "y",
            "CREATE_TABLE": create,
        }
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}")
