"""``okr-api token``: mint a bearer token for a person or a service account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn
from uuid import UUID

import typer

from okr_api.auth import SERVICE_PREFIX, mint_token
from okr_api.cli.options import (
    DatabaseUrl,
    DataDir,
    apply_options,
    console,
    signing_keys,
    store_url,
)
from okr_api.settings import Settings
from okr_domain import ids
from okr_domain.values import Role


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
    typer.echo(mint_token(signing_keys(settings), organization_id=org_id, subject=sub,
                          roles=role_list, ttl_seconds=ttl_hours * 3600))


def _service_account(settings: Settings, organization_id: UUID, given: str,
                     roles: list[Role]) -> tuple[UUID, list[Role]]:
    """The account's id and the roles its token carries; exits (1) with the reason when
    the server would refuse the token."""
    from okr_api.accounts import ServiceAccountRefused, service_account_id, token_roles
    from okr_api.storage import open_application
    from projections.stores.urls import Backend, StoreUrl

    url = store_url(settings)
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
