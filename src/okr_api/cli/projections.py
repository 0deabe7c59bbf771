"""``okr-api projections run|rebuild|status``."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from okr_api.cli.options import (
    DatabaseUrl,
    DataDir,
    apply_options,
    console,
    store_url,
    url_from_options,
)

projections_app = typer.Typer(help="Read models: run them, rebuild them, see their lag.",
                              no_args_is_help=True, rich_markup_mode="markdown")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop


@projections_app.command("run")
def run(
    names: Annotated[list[str] | None, typer.Argument(
        help="Projections to run (default: all).")] = None,
    checkpoints: Annotated[bool, typer.Option(
        "--checkpoints/--no-checkpoints",
        help="Also keep the open cycles' \"as of\" checkpoints in the store as the log "
             "grows (a build holds one cycle's rows in memory).")] = True,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Keep the read models current as a separate worker (one active per projection;
    a second worker waits and takes over when the first stops)."""
    from projections.running.service import run_projections

    settings = apply_options(data_dir, database_url)
    stop = _stop_on_signals()
    console.print("running projections; Ctrl-C to stop")
    run_projections(store_url(settings), names or None, stop, keep_checkpoints=checkpoints,
                    keep_every_events=settings.history_keep_every_events)


@projections_app.command("checkpoints")
def checkpoints(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Keep the open cycles' "as of" checkpoints in the store now, up to the log's head
    (the projections worker does so as the log grows; this is for after an import or a
    rebuild). Questions about the past then resume from the nearest one."""
    from projections.running.service import keep_checkpoints

    settings = apply_options(data_dir, database_url)
    with Progress(TextColumn("[bold]checkpoints"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("checkpoints", total=None)

        def progress(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        kept = keep_checkpoints(store_url(settings),
                                every_events=settings.history_keep_every_events,
                                progress=progress)
    console.print(f"kept {kept} checkpoints")


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[str | None, typer.Argument(
        help="The projection to rebuild (default: all).")] = None,
    fresh: Annotated[bool, typer.Option(
        "--fresh", help="Discard an unfinished rebuild instead of resuming it.")] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Rebuild from position zero into shadow tables and swap the result in; readers
    never see a half-built view. An interrupted rebuild resumes where it stopped."""
    from projections.registry import PROJECTIONS
    from projections.running.rebuild import RebuildStoppedError
    from projections.running.service import rebuild_projections

    url = url_from_options(data_dir, database_url)
    stop = _stop_on_signals()
    # All of them go in one pass over the log: each event is read and decoded once.
    targets = [name] if name else list(PROJECTIONS)
    label = ", ".join(targets)
    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task(label, total=None)

        def progress(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        try:
            positions = rebuild_projections(url, targets, progress, fresh=fresh, stop=stop)
        except RebuildStoppedError as error:
            console.print(f"[yellow]{error}; run the rebuild again to resume[/yellow]")
            raise typer.Exit(1) from None
        except ValueError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
    for target, position in positions.items():
        console.print(f"rebuilt {target} up to position {position}")


@projections_app.command("status")
def status(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Each projection's position and its lag behind the event log."""
    from projections.running.service import projection_status

    rows = projection_status(url_from_options(data_dir, database_url))
    table = Table("projection", "position", "head", "lag", "rebuild")
    for row in rows:
        table.add_row(row.name, str(row.position), str(row.head), str(row.lag),
                      "-" if row.rebuild_position is None else str(row.rebuild_position))
    Console().print(table)
