"""``okr-api schema export``: the GraphQL schema (SDL) the code defines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from okr_api.cli.options import console

schema_app = typer.Typer(help="The GraphQL schema (SDL).", no_args_is_help=True,
                         rich_markup_mode="markdown")


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
