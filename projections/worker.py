"""A projection worker process: ``python -m projections.worker --url URL``.

Runs the projections until SIGTERM/SIGINT, or with ``--rebuild NAME`` rebuilds one
(printing ``progress POSITION HEAD`` after every batch) and exits.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from projections.running.batches import DEFAULT_BATCH
from projections.running.rebuild import RebuildStoppedError
from projections.running.service import rebuild_projection, run_projections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m projections.worker")
    parser.add_argument("--url", required=True, help="the database URL")
    parser.add_argument("--names", default="", help="comma-separated projections (default all)")
    parser.add_argument("--rebuild", metavar="NAME", help="rebuild this projection and exit")
    parser.add_argument("--fresh", action="store_true",
                        help="discard an unfinished rebuild instead of resuming it")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.rebuild:
        def progress(position: int, head: int) -> None:
            print(f"progress {position} {head}", flush=True)

        try:
            position = rebuild_projection(args.url, args.rebuild, progress, fresh=args.fresh,
                                          batch_size=args.batch_size, stop=stop)
        except RebuildStoppedError as error:
            print(f"stopped {error}", flush=True)
            return 1
        print(f"rebuilt {args.rebuild} {position}", flush=True)
        return 0
    names = [n for n in args.names.split(",") if n] or None
    run_projections(args.url, names, stop, batch_size=args.batch_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
