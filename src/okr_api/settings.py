"""Service settings, read from ``OKR_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path(".okr"), description="Folder of the embedded SQLite store.")
    database_url: str | None = Field(
        None, description="postgresql://... to use PostgreSQL; unset for embedded SQLite.")
    environment: Environment = Environment.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    jwt_secret: SecretStr | None = Field(None, description="HS256 signing secret.")
    jwt_public_key: str | None = Field(None, description="RS256 public key (PEM).")

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION


@lru_cache
def get_settings() -> Settings:
    return Settings()
