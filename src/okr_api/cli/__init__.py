"""The ``okr-api`` command line: the commands, one module per group, put together.

The command modules import the service, the projections and the history inside the
commands that use them, so that ``okr-api --help`` and quick commands start without
loading the whole service (the layout test counts those imports too: none makes a
circle)."""

from __future__ import annotations

import sys

import typer

from okr_api.cli.db import create_org, db_app
from okr_api.cli.history import EXPORT_HELP, export_command, replay_command, verify_command
from okr_api.cli.projections import projections_app
from okr_api.cli.schema import schema_app
from okr_api.cli.seed import seed_command
from okr_api.cli.serve import serve
from okr_api.cli.token import token

app = typer.Typer(help="okr-history: an event-sourced OKR service with a GraphQL API.",
                  no_args_is_help=True, add_completion=False,
                  rich_markup_mode="markdown")
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(projections_app, name="projections")
app.command("seed")(seed_command)
app.command("replay")(replay_command)
app.command("export", help=EXPORT_HELP)(export_command)
app.command("verify")(verify_command)
app.command("serve")(serve)
app.command("token")(token)
app.command("create-org")(create_org)


def main() -> None:  # the console script
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive use
        sys.exit(130)
