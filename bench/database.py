"""The benchmark's own schema in the target PostgreSQL, dropped at the end."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from projections.stores.urls import postgres_dsn

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class BenchDatabase:
    dsn: str
    schema: str

    @property
    def url(self) -> str:
        """The service's database URL: the events and read models in our schema."""
        return f"{self.dsn}?schema={self.schema}"

    @classmethod
    def create(cls, url: str) -> BenchDatabase:
        host = urlsplit(url).hostname or ""
        if host not in LOOPBACK:
            raise SystemExit(f"benchmarks only talk to 127.0.0.1, not {host!r}")
        dsn, _ = postgres_dsn(url)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        return cls(dsn, schema)

    def scratch_table(self, name: str) -> str:
        """A qualified name for a baseline's table (in our schema, dropped with it)."""
        return f'"{self.schema}"."{name}"'

    def drop(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(self.schema)))
