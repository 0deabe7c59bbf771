"""Exactly once across a crash: a projection worker process is killed (SIGKILL) in the
middle of a rebuild on PostgreSQL, restarted, and ends with the rows of a clean
rebuild, row for row; the live view is served untouched until the swap."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from projection_histories import bulk_history
from projection_support import catch_up, dump, position, reference

from okr_domain.application import OkrApplication
from projections.registry import PROJECTIONS
from projections.running.rebuild import rebuild
from projections.source import EventSource
from projections.stores.database import open_database
from projections.stores.session import Target

WORKER_TIMEOUT_SECONDS = 240


def worker(url: str, name: str, batch_size: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "projections.worker", "--url", url, "--rebuild", name,
         "--batch-size", str(batch_size)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def progress_lines(process: subprocess.Popen[str]) -> list[tuple[int, int]]:
    assert process.stdout is not None
    return [(int(p), int(h)) for line in process.stdout
            if line.startswith("progress") for _, p, h in [line.split()]]


def kill_mid_rebuild(app: OkrApplication, url: str, events: int, batch_size: int) -> None:
    head = bulk_history(app, events)
    assert head >= events
    database = open_database(url)
    catch_up(app, database, batch_size=1000)
    bulk_history(app, 50, slug="late")  # the live view lags a little behind the log
    head = app.current_position()
    for name in PROJECTIONS:
        live = dump(database, name)
        process = worker(url, name, batch_size)
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("progress") and int(line.split()[1]) >= head * 0.4:
                process.send_signal(signal.SIGKILL)
                break
        process.wait(WORKER_TIMEOUT_SECONDS)
        assert process.returncode == -signal.SIGKILL
        killed_at = position(database, name, Target.SHADOW)
        assert killed_at is not None
        assert 0 < killed_at < head
        assert dump(database, name) == live

        started = time.monotonic()
        restarted = worker(url, name, batch_size)
        resumed = progress_lines(restarted)
        assert restarted.wait(WORKER_TIMEOUT_SECONDS) == 0
        assert resumed[0][0] > killed_at
        assert resumed[-1] == (head, head)
        rebuilt = dump(database, name)
        assert position(database, name) == head
        assert position(database, name, Target.SHADOW) is None
        print(f"{name}: resumed at {killed_at} of {head} events, "
              f"finished in {time.monotonic() - started:.1f}s")

        assert rebuilt == reference(app, name)
        rebuild(EventSource(app), database, name, fresh=True)
        assert dump(database, name) == rebuilt


def test_a_worker_killed_mid_rebuild_resumes_exactly_once(pg_app: OkrApplication,
                                                          postgres_url: str) -> None:
    kill_mid_rebuild(pg_app, postgres_url, events=5_000, batch_size=100)


@pytest.mark.slow
def test_a_worker_killed_mid_rebuild_of_50000_events(pg_app: OkrApplication,
                                                    postgres_url: str) -> None:
    kill_mid_rebuild(pg_app, postgres_url, events=50_000, batch_size=1000)
