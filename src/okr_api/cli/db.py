"""``okr-api db init`` and ``okr-api create-org``: the store and its tenants."""

from __future__ import annotations

from typing import Annotated

import typer

from okr_api.cli.options import DatabaseUrl, DataDir, console, url_from_options

db_app = typer.Typer(help="Database set-up.", no_args_is_help=True, rich_markup_mode="markdown")


@db_app.command("init")
def db_init(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Create the event store and read model tables (safe to run again)."""
    from okr_api.read_side import init_read_models
    from okr_api.storage import init_database

    url = url_from_options(data_dir, database_url)
    init_database(url).close()
    init_read_models(url)
    console.print(f"[green]ready:[/green] {url.split('@')[-1]}")


def create_org(
    name: Annotated[str, typer.Argument(help="Display name.")],
    slug: Annotated[str, typer.Argument(help="Short unique id, like acme.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an organization (a tenant); then mint an ADMIN token with `okr-api token`."""
    from okr_api.storage import open_application
    from okr_domain.errors import DomainError

    application = open_application(url_from_options(data_dir, database_url))
    try:
        result = application.create_organization(name, slug)
    except DomainError as error:
        console.print(f"[red]{error.code}: {error.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        application.close()
    typer.echo(str(result.id))
