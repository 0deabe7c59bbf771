"""``python -m bench --quick`` completes against the test PostgreSQL and reports every
figure: a value, or "not available" with the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, require_postgres

pytestmark = pytest.mark.postgres
FIGURES = ("W1", "W2", "R1", "Q1", "Q2", "S1", "S2", "T1", "M1")
IMPLEMENTED = ("W1", "W2", "R1", "Q1", "Q2", "M1")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(180)
def test_the_quick_run_completes_and_reports_every_figure(tmp_path: Path) -> None:
    require_postgres()
    output = tmp_path / "quick.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=ROOT, env={**os.environ, "OKR_BENCH_POSTGRES_URL": POSTGRES_URL},
        capture_output=True, text=True, timeout=170)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(output.read_text())
    figures = report["figures"]
    assert {f["id"] for f in figures} == set(FIGURES)
    for figure in figures:
        value = figure["value"]
        assert value == "not available" or isinstance(value, int | float), figure
        if value == "not available":
            assert figure["reason"], figure
    for id_ in IMPLEMENTED:
        measured = [f for f in figures if f["id"] == id_]
        assert all(isinstance(f["value"], int | float) for f in measured), measured
    assert "| W1 |" in done.stdout
