"""Service settings, read from ``OKR_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path(".okr"), description="Folder of the embedded SQLite store.")
    database_url: str | None = Field(
        default=None, description="postgresql://... to use PostgreSQL; unset for embedded SQLite.")
    environment: Environment = Environment.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    jwt_secret: SecretStr | None = Field(default=None, description="HS256 signing secret.")
    jwt_public_key: str | None = Field(default=None, description="RS256 public key (PEM).")
    live_queue_size: int = Field(
        default=1000, ge=1,
        description="Events a subscriber may fall behind before it is closed "
                    "with SUBSCRIBER_TOO_SLOW (it then resumes from its cursor).")
    live_poll_seconds: float = Field(
        default=1.0, gt=0,
        description="Longest wait between two reads of the event log by the live "
                    "tailer (NOTIFY and local saves wake it sooner).")
    live_lean_sockets: bool = Field(
        default=True,
        description="Serve graphql-transport-ws subscriptions to the live feeds from now on "
                    "(no after, no filter) without strawberry's per-operation machinery "
                    "(false: strawberry's handler serves every operation).")
    webhooks_enabled: bool = Field(
        default=True, description="Run the webhook delivery worker here (one process delivers at "
                                  "a time; the others stand by).")
    webhooks_allow_loopback: bool | None = Field(
        default=None, description="Allow http:// and loopback webhook URLs (unset: only in "
                                  "development).")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="Per delivery attempt.")
    webhook_retry_base_seconds: float = Field(
        default=1.0, gt=0, description="First retry delay; doubles per failure, with full jitter.")
    webhook_retry_max_seconds: float = Field(
        default=600.0, gt=0, description="Longest retry delay.")
    reminders_enabled: bool = Field(
        default=True, description="Record check-in reminders (okr.check_in.due) in the process "
                                  "that delivers webhooks.")
    reminder_interval_seconds: float = Field(
        default=300.0, gt=0, le=86_400, description="How often the reminder schedule looks for "
                                                    "check-ins that fell due (each pass reads the "
                                                    "open cycles' objectives).")
    projections_in_process: bool = Field(
        default=True, description="Keep the read models current in this process; false when "
                                  "`okr-api projections run` workers do it.")
    history_cache_rows: int = Field(
        default=8_000_000, ge=0, description="Rows the \"as of\" checkpoint cache may hold in this "
                                             "process (a 10,000-person quarter is some 700,000).")
    history_checkpoint_events: int = Field(
        default=25_000, ge=100,
        description="Events between two checkpoints of an \"as of\" replay.")
    history_keep_checkpoints: bool = Field(
        default=False, description="Keep \"as of\" checkpoints of the open cycles in the store "
                                   "from this process as the log grows (the projections worker, "
                                   "`okr-api projections run`, does unless told not to); a build "
                                   "holds one cycle's rows in memory while it runs.")
    history_keep_every_events: int = Field(
        default=100_000, ge=100, description="Log positions between two checkpoints kept in the "
                                             "store: the most a question reads past the one it "
                                             "resumes from, for recent moments.")
    command_threads: int = Field(
        default=32, ge=1, le=256, description="Threads that run commands: up to this many commands "
                                              "are in flight at once and share a transaction.")
    heavy_query_slots: int = Field(
        default=2, ge=1, le=64, description="Heavy queries (trees, analyses, history) executing at "
                                            "once; the others wait their turn in arrival order.")
    request_head_seconds: float = Field(
        default=10.0, gt=0, le=600, description="A client must send a complete request head "
                                                "within this after connecting (or after its "
                                                "previous response), or it is disconnected.")
    request_body_seconds: float = Field(
        default=30.0, gt=0, le=600, description="A request body must arrive within this "
                                                "(408 otherwise).")
    clock_start: datetime | None = Field(
        default=None, description="Run the service's clock from this moment (ISO 8601 with a time "
                                  "zone) instead of the system's: for demos and tests, refused in "
                                  "production.")
    clock_anchor: float | None = Field(
        default=None, description="The real time (seconds since the epoch) at which the clock read "
                                  "OKR_CLOCK_START; processes given both agree on the time. Unset: "
                                  "when the first process started (it is passed on to the others).")
    cors_origins: str = Field(
        default="", description="Origins (scheme://host[:port], comma-separated) whose pages may "
                                "call the API from a browser; in development localhost origins "
                                "(any port) may too.")
    malloc_arenas: int = Field(
        default=2, ge=0, le=64,
        description="glibc malloc arenas the process's threads share (M_ARENA_MAX, set when "
                    "the service starts); 0 leaves glibc's default of eight per core, where "
                    "memory freed by one thread's answer stays resident in its own arena.")
    memory_sweep_seconds: float = Field(
        default=5.0, gt=0, le=3_600,
        description="How often the process forgets analysis rows and results kept for a "
                    "read-model position it has moved past, and hands free memory back to "
                    "the system (while no heavy query runs).")
    history_warm_up: bool = Field(
        default=False,
        description="Replay every open cycle into the \"as of\" cache at start-up (in "
                    "the background), so the first question about one is fast.")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in _split(value):
            _origin(origin)
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        """The origins as browsers send them (lower case, without a default port)."""
        return [_origin(origin) for origin in _split(self.cors_origins)]

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def webhook_loopback_allowed(self) -> bool:
        if self.webhooks_allow_loopback is not None:
            return self.webhooks_allow_loopback
        return not self.is_production


def _split(origins: str) -> list[str]:
    return [part.strip() for part in origins.split(",") if part.strip()]


def _origin(given: str) -> str:
    parts = urlsplit(given.lower())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (parts.scheme not in ("http", "https") or not parts.hostname or port == -1
            or parts.path not in ("", "/") or parts.query or parts.fragment
            or "@" in parts.netloc):
        raise ValueError(f"{given!r} is not an origin: give scheme://host[:port], like "
                         "https://okr.example.com")
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


@lru_cache
def get_settings() -> Settings:
    return Settings()
