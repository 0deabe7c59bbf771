"""The linters as tests: ``ruff check .`` and ``mypy`` (strict on all three packages, per
pyproject.toml) run from the repository root and must report nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=600, check=False,
    )


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "--no-fix", "."), ("mypy",)],
    ids=["ruff", "mypy"],
)
def test_linter_reports_no_problems(command: tuple[str, ...]) -> None:
    result = run_module(*command)
    output = (result.stdout + result.stderr).strip()
    assert "No module named" not in output, output
    assert result.returncode == 0, f"`{' '.join(command)}` found problems:\n{output}"
