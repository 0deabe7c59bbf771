"""M1: the API processes' peak resident memory over the whole run (the run restarts the
API before T1; the peak is the highest of both), beside the first process idle (just
started, no request served yet)."""

from __future__ import annotations

from bench.report import Figure

LIMIT_MB = 400.0


def figure(idle_mb: float, peak_mb: float, people: int) -> Figure:
    return Figure(
        id="M1", name=f"API process peak RSS, {people:,}-person organization",
        value=peak_mb, unit="MB", baseline=idle_mb, baseline_name="idle process",
        target=f"<= {LIMIT_MB:.0f} MB", met=peak_mb <= LIMIT_MB)
