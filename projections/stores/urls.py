"""Database URLs: which store a URL names.

``memory://`` (tests), ``sqlite:///path`` (the embedded default) and
``postgresql://user:password@host:port/dbname?schema=NAME``. Read models live in the
same database as the events: the same SQLite file, the same PostgreSQL schema (the
events' settings for a URL: ``okr_domain.persistence.settings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
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
