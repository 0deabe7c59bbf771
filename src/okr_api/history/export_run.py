"""One export, end to end: find the cycle, replay what is needed, write the file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from okr_api.history.exports import (
    COLUMNS,
    Row,
    check_in_rows,
    event_rows,
    objective_rows,
    timeline_rows,
)
from okr_api.history.formats import Format, write_rows
from okr_api.history.offline import Target, TargetError, find_target, parse_moment
from okr_domain.application import OkrApplication
from projections.analysis import Viewer
from projections.analysis.timeline import Interval, step_moments
from projections.replay.asof import AsOfReplayer
from projections.replay.kept import KeptCheckpoints
from projections.replay.partial import PartialReplayer
from projections.replay.timeline_walk import cycle_timeline
from projections.stores.database import Database

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportRequest:
    cycle: str
    what: str
    format: Format
    out: Path | None = None
    until: str | None = None
    every: str = "week"
    organization: str | None = None
    known_at: str | None = None


def _rows(target: Target, request: ExportRequest, progress: Progress | None,
          kept: KeptCheckpoints | None, database: Database | None) -> Iterable[Row]:
    moment = parse_moment(request.until)
    known = None if request.known_at is None else parse_moment(request.known_at)
    if request.what == "events":
        recorded_by = moment if known is None else min(moment, known)
        return event_rows(target.source, target.organization_id, target.cycle_id,
                          recorded_by, progress=progress)
    replayer = AsOfReplayer(target.source, kept=kept)
    # Timelines and objectives in parts when the read models are current (no check-in
    # rows held); check-ins from one replay of the whole cycle.
    partial = None if database is None else PartialReplayer(replayer, database)
    if request.what == "timeline":
        try:
            interval = Interval(request.every.upper())
        except ValueError:
            raise TargetError("--every takes week or day") from None
        moments = step_moments(target.starts_on, target.ends_on, interval, moment)
        timeline = cycle_timeline(replayer, target.organization_id, target.cycle_id, moments,
                                  Viewer.admin(), progress=progress, known_at=known,
                                  partial=partial)
        return timeline_rows(timeline.steps)
    state = None
    if partial is not None and request.what == "objectives":
        state = partial.cycle_at(target.organization_id, target.cycle_id, moment, known,
                                 progress)
    if state is None:
        state = replayer.state_at(target.organization_id, target.cycle_id, moment, progress,
                                  known_at=known)
    if not state.exists:
        raise TargetError(f"{target.cycle_key} did not exist yet at {moment.isoformat()}")
    if request.what == "objectives":
        return objective_rows(state, moment)
    return check_in_rows(state)


def run_export(app: OkrApplication, request: ExportRequest,
               progress: Progress | None = None,
               kept: KeptCheckpoints | None = None,
               database: Database | None = None) -> tuple[Path, int]:
    """Write the export; the file and the number of rows (replays resume from ``kept``
    checkpoints when given; with the read models' ``database``, timelines and
    objectives are replayed in parts)."""
    if request.what not in COLUMNS:
        raise TargetError(f"--what takes {', '.join(COLUMNS)}")
    if request.format is Format.PARQUET:
        from okr_api.history.formats import require_parquet

        require_parquet()
    target = find_target(app, request.cycle, request.organization)
    path = request.out or Path(
        f"{target.slug}-{request.cycle}-{request.what}.{request.format.value}")
    count = write_rows(path, request.format, COLUMNS[request.what],
                       _rows(target, request, progress, kept, database))
    return path, count
