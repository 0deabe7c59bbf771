"""The ``okr-api`` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn
from uuid import UUID

import typer
from pydantic import ValidationError
from rich.console import Console

from okr_api.cli_history import EXPORT_HELP, export_command, replay_command, verify_command
from okr_api.cli_projections import projections_app
from okr_api.cli_seed import seed_command
from okr_api.clock_setting import apply_clock
from okr_api.settings import Settings

if TYPE_CHECKING:
    from okr_domain.values import Role

app = typer.Typer(help="okr-history: an event-sourced OKR service with a GraphQL API.",
                  no_args_is_help=True, add_completion=False,
                  rich_markup_mode="markdown")
db_app = typer.Typer(help="Database set-up.", no_args_is_help=True, rich_markup_mode="markdown")
schema_app = typer.Typer(help="The GraphQL schema (SDL).", no_args_is_help=True,
                         rich_markup_mode="markdown")
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(projections_app, name="projections")
app.command("seed")(seed_command)
app.command("replay")(replay_command)
app.command("export", help=EXPORT_HELP)(export_command)
app.command("verify")(verify_command)
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
    from okr_api.settings import get_settings

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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [env: OKR_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [env: OKR_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Load a demo organization first and print tokens to try it.")] = False,
    projections: Annotated[bool | None, typer.Option(
        "--projections/--no-projections",
        help="Keep the read models current in the API processes (the default), or leave "
             "it to `okr-api projections run` [env: OKR_PROJECTIONS_IN_PROCESS].")] = None,
) -> None:
    """Run the GraphQL API (GraphiQL at /graphql in development).

    On PostgreSQL, to use N cores: `okr-api projections run` in one process and
    `okr-api serve --workers N --no-projections` (see the README)."""
    import uvicorn

    from okr_api.app import database_url as url_of
    from okr_api.server_protocol import server_options
    from okr_api.storage import init_database

    if projections is not None:
        # Exported, as the other options are, so every worker process sees it.
        os.environ["OKR_PROJECTIONS_IN_PROCESS"] = "true" if projections else "false"
    settings = apply_options(data_dir, database_url)
    url = url_of(settings)
    if url.startswith("sqlite"):
        init_database(url).close()  # the embedded default makes its tables on first run
    host = host or settings.host
    port = port or settings.port
    if demo:
        from okr_api.demo_cli import print_demo

        print_demo(settings, url, host, port)
    # No per-message compression on WebSockets: an event fanned out to a thousand
    # subscribers would be compressed a thousand times, for a few hundred bytes each.
    uvicorn.run("okr_api.app:create_app", factory=True, host=host, port=port,
                workers=workers or settings.workers, log_level="info",
                ws_per_message_deflate=False, **server_options())


@db_app.command("init")
def db_init(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Create the event store and read model tables (safe to run again)."""
    from okr_api.app import database_url as url_of
    from okr_api.storage import init_database

    settings = apply_options(data_dir, database_url)
    url = url_of(settings)
    init_database(url).close()
    from okr_api.read_side import init_read_models

    init_read_models(url)
    console.print(f"[green]ready:[/green] {url.split('@')[-1]}")


@schema_app.command("export")
def schema_export(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path(
        "schema.graphql"),
    check: Annotated[bool, typer.Option(
        "--check", help="Only compare; exit 1 when the file differs from the code.")] = False,
) -> None:
    """Write the GraphQL schema (SDL) exported from the code."""
    from okr_api.graphql.schema import sdl

    text = sdl()
    if check:
        current = output.read_text() if output.exists() else ""
        if current != text:
            console.print(f"[red]{output} differs from the code[/red]; run okr-api schema export")
            raise typer.Exit(1)
        console.print(f"{output} is up to date")
        return
    output.write_text(text)
    console.print(f"wrote {output}")


@app.command()
def token(
    organization: Annotated[str, typer.Option(help="Organization slug.")],
    subject: Annotated[str, typer.Option(
        help="A person's external HR id, or service:<id> for a service account (its id "
             "or the serviceAccountId createServiceAccount answered).")],
    roles: Annotated[str | None, typer.Option(
        help="Comma-separated: ADMIN,MANAGER,MEMBER,HR,ANALYST. Default: MEMBER for a "
             "person; a service account's own roles (a subset may be given).")] = None,
    ttl_hours: Annotated[int, typer.Option(help="Hours until it expires.")] = 24,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Mint a bearer token signed with the configured secret. A service account's token
    needs the account to exist and not be revoked (the store is read to check)."""
    from okr_api.app import token_keys
    from okr_api.auth import SERVICE_PREFIX, mint_token
    from okr_domain import ids
    from okr_domain.values import Role

    settings = apply_options(data_dir, database_url)
    try:
        role_list = [Role(r.strip().upper()) for r in (roles or "").split(",") if r.strip()]
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    org_id = ids.organization_id(organization)
    if subject.startswith(SERVICE_PREFIX):
        account_id, role_list = _service_account(settings, org_id,
                                                 subject.removeprefix(SERVICE_PREFIX),
                                                 role_list)
        sub = SERVICE_PREFIX + str(account_id)
    else:
        sub = str(ids.person_id(org_id, subject))
        role_list = role_list or [Role.MEMBER]
    typer.echo(mint_token(token_keys(settings), organization_id=org_id, subject=sub,
                          roles=role_list, ttl_seconds=ttl_hours * 3600))


def _service_account(settings: Settings, organization_id: UUID, given: str,
                     roles: list[Role]) -> tuple[UUID, list[Role]]:
    """The account's id and the roles its token carries; exits (1) with the reason when
    the server would refuse the token."""
    from okr_api.accounts import ServiceAccountRefused, service_account_id, token_roles
    from okr_api.app import database_url as url_of
    from okr_api.storage import open_application
    from projections.stores.urls import Backend, StoreUrl

    url = url_of(settings)
    store = StoreUrl.parse(url)
    if store.backend is Backend.SQLITE and not Path(store.sqlite_path).exists():
        _refuse(f"there is no event store at /{store.sqlite_path.lstrip('/')} (--data-dir "
                "or --database-url names the service's)")
    try:
        account_id = service_account_id(given)
        application = open_application(url)
    except ServiceAccountRefused as error:
        _refuse(str(error))
    except Exception as error:
        _refuse(f"the event store cannot be read: {error}")
    try:
        return account_id, token_roles(application, organization_id, account_id, roles)
    except ServiceAccountRefused as error:
        _refuse(str(error))
    finally:
        application.close()


def _refuse(message: str) -> NoReturn:
    console.print(f"[red]{message}[/red]", soft_wrap=True)  # ids stay on one line
    raise typer.Exit(1)


@app.command("create-org")
def create_org(
    name: Annotated[str, typer.Argument(help="Display name.")],
    slug: Annotated[str, typer.Argument(help="Short unique id, like acme.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an organization (a tenant); then mint an ADMIN token with `okr-api token`."""
    from okr_api.app import database_url as url_of
    from okr_api.storage import open_application
    from okr_domain.errors import DomainError

    settings = apply_options(data_dir, database_url)
    application = open_application(url_of(settings))
    try:
        result = application.create_organization(name, slug)
    except DomainError as error:
        console.print(f"[red]{error.code}: {error.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        application.close()
    typer.echo(str(result.id))


def main() -> None:  # the console script
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive use
        sys.exit(130)
if __name__ == "__main__":
    main()
