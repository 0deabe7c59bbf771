"""T2: a whole cycle "as of" a moment, the first question of a fresh process, each way in
a process of its own so that each peak of memory is its own: in parts, each resumed
from its bucket of the kept checkpoint furthest along before the moment (what the API's
whole-cycle answers, the timeline, ``okr-api replay`` and most exports do); in parts
from the aggregates' first events (no checkpoint kept); whole, resumed from the kept
checkpoint (what a check-in export, and any answer while the read models are far
behind, does); and whole from the log's beginning (the baseline).

    python -m bench.t2_whole_cycle --database-url 'postgresql://...?schema=S' \\
        --as-of 2026-11-15T00:00:00+00:00

The store must hold a seeded organization (``python -m bench --keep`` leaves one) and
its kept checkpoints (``okr-api projections checkpoints --database-url ...``). Not part
of ``python -m bench``: the run's API process never builds checkpoints (see
bench/README.md, T2).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime


def measure(url: str, moment: datetime, variant: str) -> dict[str, float]:
    """In this process: the last open cycle as of ``moment``, the ``variant`` way."""
    from projections.replay.asof import AsOfReplayer
    from projections.replay.kept import KeptCheckpoints
    from projections.replay.open_cycles import open_cycles
    from projections.replay.partial import PartialReplayer
    from projections.running.service import open_events
    from projections.source import EventSource
    from projections.stores.database import open_database

    app = open_events(url)
    try:
        source = EventSource(app)
        organization_id, cycle_id = open_cycles(source)[-1]
        database = open_database(url)
        store = (KeptCheckpoints(database.checkpoint_store())
                 if variant in ("parts", "kept") else None)
        replayer = AsOfReplayer(source, kept=store)
        in_parts = PartialReplayer(replayer, database)
        started = time.perf_counter()
        state = (in_parts.cycle_at(organization_id, cycle_id, moment)
                 if variant.startswith("parts")
                 else replayer.state_at(organization_id, cycle_id, moment))
        seconds = time.perf_counter() - started
    finally:
        app.close()
    if state is None:
        raise SystemExit("the read models are behind the log: run the projections first")
    figures = {"seconds": seconds, "objectives": len(state.objectives),
               "checkpoints_loaded": store.loaded if store else 0,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if variant.startswith("parts"):
        figures["key_results"] = len(state.key_results)
        figures["check_ins_counted"] = state.check_ins_recorded
    else:
        figures["events_applied"] = replayer.cache.stats.replayed_events
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="the store (PostgreSQL with ?schema=, or sqlite:///...)")
    parser.add_argument("--as-of", required=True, type=datetime.fromisoformat,
                        help="the moment (ISO 8601 with a time zone)")
    parser.add_argument("--variant", choices=("parts", "parts-scratch", "kept", "scratch"),
                        help="measure one variant in this process (the default runs both, "
                             "each in a process of its own, and prints a line for each)")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args.database_url, args.as_of, args.variant)))
        return
    for variant in ("parts", "parts-scratch", "kept", "scratch"):
        out = subprocess.run(
            [sys.executable, "-m", "bench.t2_whole_cycle", "--database-url",
             args.database_url, "--as-of", args.as_of.isoformat(), "--variant", variant],
            check=True, capture_output=True, text=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(f"T2 {variant:8} " + ", ".join(
            f"{k}={v:,.1f}" if isinstance(v, float) else f"{k}={v:,}"
            for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()
