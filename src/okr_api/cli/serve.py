"""``okr-api serve``: run the API."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from okr_api.cli.options import DatabaseUrl, DataDir, apply_options, store_url


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
    # The server and the app's modules load only when a command needs them.
    import uvicorn

    from okr_api.http.server_protocol import server_options
    from okr_api.storage import init_database

    if projections is not None:
        # Exported, as the other options are, so every worker process sees it.
        os.environ["OKR_PROJECTIONS_IN_PROCESS"] = "true" if projections else "false"
    settings = apply_options(data_dir, database_url)
    url = store_url(settings)
    if url.startswith("sqlite"):
        init_database(url).close()  # the embedded default makes its tables on first run
    host = host or settings.host
    port = port or settings.port
    if demo:
        from okr_api.cli.demo import print_demo

        print_demo(settings, url, host, port)
    # No per-message compression on WebSockets: an event fanned out to a thousand
    # subscribers would be compressed a thousand times, for a few hundred bytes each.
    uvicorn.run("okr_api.app:create_app", factory=True, host=host, port=port,
                workers=workers or settings.workers, log_level="info",
                ws_per_message_deflate=False, **server_options())
