"""``okr-api serve --demo``: load the demo and print tokens and a first query."""

from __future__ import annotations

import json
import shlex

import typer

from okr_api.auth import mint_token
from okr_api.cli.options import signing_keys
from okr_api.dashboard.routes import publish_demo_tokens
from okr_api.demo import load_demo
from okr_api.settings import Settings
from okr_api.storage import open_application
from okr_domain.values import Role

TOKEN_HOURS = 12
FIRST_QUERY = ("{ viewer { person { name } } objectives(first: 5) "
               "{ totalCount nodes { title level score } } }")


def print_demo(settings: Settings, url: str, host: str, port: int) -> None:
    application = open_application(url)
    try:
        demo = load_demo(application)
    finally:
        application.close()
    keys = signing_keys(settings)
    people = {
        "admin": (demo.admin_id, [Role.ADMIN, Role.MANAGER]),
        "manager": (demo.manager_id, [Role.MANAGER]),
        "member": (demo.member_id, [Role.MEMBER]),
        "analyst": (demo.admin_id, [Role.ANALYST]),
    }
    typer.echo(f"Demo organization loaded (cycle {demo.cycle_key}). Tokens, valid "
               f"{TOKEN_HOURS} hours:")
    tokens = {}
    for label, (person_id, roles) in people.items():
        tokens[label] = mint_token(keys, organization_id=demo.organization_id,
                                   subject=str(person_id), roles=roles,
                                   ttl_seconds=TOKEN_HOURS * 3600)
        typer.echo(f"  {label:8} {tokens[label]}")
    publish_demo_tokens([{"label": label, "roles": [r.value for r in people[label][1]],
                          "token": token} for label, token in tokens.items()])
    body = json.dumps({"query": FIRST_QUERY})
    endpoint = f"http://{host}:{port}/graphql"
    typer.echo("\nA first query:")
    typer.echo(f"  curl -s {endpoint} -H 'Content-Type: application/json' "
               f"-H 'Authorization: Bearer {tokens['admin']}' -d {shlex.quote(body)}")
    typer.echo(f"\nGraphiQL: {endpoint} (paste a token as 'Authorization: Bearer ...')")
    typer.echo(f"Dashboard: http://{host}:{port}/ (one click signs in with a demo token)\n")
