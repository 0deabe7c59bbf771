"""What every command shares: the store options, settings from them, the error console."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from okr_api.auth import TokenKeys
from okr_api.clock_setting import apply_clock
from okr_api.settings import Settings, get_settings

console = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder of the embedded SQLite store [env: OKR_DATA_DIR].")]
DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", help="postgresql://... instead of SQLite [env: OKR_DATABASE_URL].")]


def apply_options(data_dir: Path | None, database_url: str | None) -> Settings:
    """Command-line options win over the environment; they are exported so that
    server worker processes see the same settings."""
    if data_dir is not None:
        os.environ["OKR_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        os.environ["OKR_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    try:
        settings = get_settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "OKR_" + "_".join(str(part) for part in problem["loc"]).upper()
            console.print(f"[red]{name}: {problem['msg']}[/red]")
        raise typer.Exit(2) from None
    apply_clock(settings)
    return settings


def store_url(settings: Settings) -> str:
    """The event store's URL, as the settings give it."""
    from okr_api.app import database_url  # the app's modules load only when needed

    return database_url(settings)


def url_from_options(data_dir: Path | None, database_url: str | None) -> str:
    """The event store's URL, as the options and the environment give it."""
    return store_url(apply_options(data_dir, database_url))


def signing_keys(settings: Settings) -> TokenKeys:
    """The keys tokens are signed with, as the server uses them."""
    from okr_api.app import token_keys

    return token_keys(settings)
