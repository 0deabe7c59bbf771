"""``okr-api replay``, ``okr-api export`` and ``okr-api verify``: a quarter's history,
replayed from the event store (no read model needed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from okr_api.cli.options import DatabaseUrl, DataDir, console, url_from_options
from okr_api.history.exports import columns_help
from okr_api.history.formats import Format

TABLE_WIDTH = 160

CycleKey = Annotated[str, typer.Option("--cycle", help="The cycle's key, like 2026-Q3.")]
Until = Annotated[str | None, typer.Option(
    "--as-of", "--until", help="Valid time: as things stood at this date (through its end, "
    "UTC) or date and time, a check-in counting from when it applies; default now.")]
KnownAt = Annotated[str | None, typer.Option(
    "--known-at", help="Transaction time: only what had been recorded by this date "
    "(through its end, UTC) or date and time; default everything recorded so far.")]
Organization = Annotated[str | None, typer.Option(
    "--organization", help="The organization's slug (needed when the store has several).")]


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def progress(position: int, head: int) -> None:
            bar.update(task, completed=position, total=max(head, position))

        yield progress


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(message, style="red", markup=False, highlight=False)
    return typer.Exit(code)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def replay_command(
    cycle: CycleKey,
    until: Until = None,
    every: Annotated[str, typer.Option(help="Step length: week or day.")] = "week",
    known_at: KnownAt = None,
    organization: Organization = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Replay a cycle from its events and print its evolution, one row per step: the
    aspirational mean and median, the share in each band, check-ins in the step and in
    total, and the alignment coverage (every objective counted, private ones too)."""
    from okr_api.history.offline import (
        TargetError,
        find_target,
        kept_checkpoints,
        opened,
        parse_moment,
    )
    from projections.analysis import Viewer
    from projections.analysis.timeline import Interval, step_moments
    from projections.replay.asof import AsOfReplayer
    from projections.replay.partial import PartialReplayer
    from projections.replay.timeline_walk import cycle_timeline
    from projections.stores.database import open_database

    try:
        interval = Interval(every.upper())
    except ValueError:
        raise _fail("--every takes week or day", 2) from None
    url = url_from_options(data_dir, database_url)
    with opened(url) as app:
        try:
            target = find_target(app, cycle, organization)
            moment = parse_moment(until)
            known = None if known_at is None else parse_moment(known_at)
        except TargetError as error:
            raise _fail(str(error), 2) from None
        moments = step_moments(target.starts_on, target.ends_on, interval, moment)
        with _bar(f"replaying {cycle}") as progress:
            replayer = AsOfReplayer(target.source, kept=kept_checkpoints(url))
            # In parts when the read models are current, else one replay of the cycle.
            partial = PartialReplayer(replayer, open_database(url))
            timeline = cycle_timeline(replayer, target.organization_id,
                                      target.cycle_id, moments, Viewer.admin(),
                                      progress=progress, known_at=known, partial=partial)
    table = Table("step", "as of (UTC)", "status", "objectives", "mean", "median", "low",
                  "progress", "sweet", "high", "too safe", "check-ins", "total", "aligned",
                  title=f"{target.slug} {cycle}: aspirational scores, bands, check-ins")
    for column in table.columns:
        column.no_wrap = True
    for number, step in enumerate(timeline.steps):
        shares = [_pct(b.share) for b in step.bands] or ["-"] * 5
        table.add_row(str(number), step.at.strftime("%Y-%m-%d %H:%M"),
                      step.status.value if step.status else "-", str(step.objective_count),
                      _num(step.mean), _num(step.median), *shares, str(step.check_ins),
                      str(step.check_ins_total), _pct(step.coverage.share))
    Console(width=max(Console().width, TABLE_WIDTH)).print(table)


EXPORT_HELP = f"""Write a cycle's events, objectives, check-ins or timeline to a file analysts
can load into pandas, polars or DuckDB. The same history always gives the same bytes.

Formats: ndjson (one JSON object per line), csv (with a header), parquet (typed columns,
needs the `okr-history[parquet]` extra). Times are UTC. `events` are the cycle's own
events up to --until; `objectives` and `checkins` are as of --until; `timeline` has one
row per step (--every).

Columns:

{columns_help()}
"""


def export_command(
    cycle: CycleKey,
    what: Annotated[str, typer.Option(
        help="events, objectives, checkins or timeline.")] = "events",
    format: Annotated[Format, typer.Option(help="ndjson, csv or parquet.")] = Format.NDJSON,
    out: Annotated[Path | None, typer.Option(
        help="The file to write (default: ORG-CYCLE-WHAT.FORMAT here).")] = None,
    until: Until = None,
    every: Annotated[str, typer.Option(help="Timeline step: week or day.")] = "week",
    known_at: KnownAt = None,
    organization: Organization = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    from okr_api.history.export_run import ExportRequest, run_export
    from okr_api.history.formats import ExportError
    from okr_api.history.offline import TargetError, kept_checkpoints, opened
    from projections.stores.database import open_database

    url = url_from_options(data_dir, database_url)
    with opened(url) as app:
        try:
            with _bar(f"exporting {what} of {cycle}") as progress:
                path, count = run_export(app, ExportRequest(
                    cycle, what, format, out, until, every, organization, known_at), progress,
                    kept_checkpoints(url), open_database(url))
        except (TargetError, ExportError, ValueError) as error:
            raise _fail(str(error), 2) from None
    console.print(f"wrote {count:,} rows to {path}")


export_command.__doc__ = EXPORT_HELP


def verify_command(
    cycle: CycleKey,
    known_at: KnownAt = None,
    organization: Organization = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Prove a closed cycle's grades were not changed: replay its history up to the close,
    recompute every grade (key result values then, the organization's policy then), and
    compare them and their hash with what the close recorded (as recorded by --known-at).
    Exit 0 when all match, 1 with each mismatch listed otherwise, 2 when the cycle is not
    closed."""
    from okr_api.history.offline import (
        TargetError,
        find_target,
        opened,
        parse_moment,
    )
    from projections.replay.verification import verify_cycle

    url = url_from_options(data_dir, database_url)
    with opened(url) as app:
        try:
            target = find_target(app, cycle, organization)
            known = None if known_at is None else parse_moment(known_at)
        except TargetError as error:
            raise _fail(str(error), 2) from None
        with _bar(f"replaying {cycle}") as progress:
            result = verify_cycle(target.source, target.organization_id, target.cycle_id,
                                  progress=progress, known_at=known)
    if not result.closed:
        raise _fail(f"{cycle} is not closed: there are no final grades to verify", 2)
    if result.verified:
        typer.echo(f"verified: {len(result.graded)} grades of {cycle} match the close at "
                   f"position {result.close_position} ({result.recorded_hash})")
        return
    typer.echo(f"NOT verified: {len(result.mismatches)} mismatches in {cycle} "
               f"(close at position {result.close_position})")
    for m in result.mismatches:
        where = f"objective {m.objective_id}" if m.objective_id else "cycle"
        typer.echo(f"  {where}: {m.what} recorded {m.recorded or '-'}, "
                   f"recomputed {m.recomputed or '-'}")
    raise typer.Exit(1)
