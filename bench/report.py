"""Figures, the table printed at the end and the JSON written beside it."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOT_AVAILABLE = "not available"


@dataclass
class Figure:
    """One row of the table: the measure, its baseline from the same run, the target."""

    id: str
    name: str
    value: float | None = None
    unit: str = ""
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    """Why there is no value (the server lacks the feature, the measure failed)."""

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        if not self.available:
            data["value"] = NOT_AVAILABLE
        return data


def unavailable(id_: str, name: str, reason: str, target: str = "") -> Figure:
    return Figure(id=id_, name=name, reason=reason, target=target)


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def _verdict(figure: Figure) -> str:
    if not figure.available:
        return NOT_AVAILABLE
    if figure.met is None:
        return "-"
    return "met" if figure.met else "MISSED"


def table(figures: list[Figure]) -> str:
    """A Markdown table (it reads as plain text too)."""
    header = ("| id | figure | value | baseline | ratio | target | verdict |\n"
              "| --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    for f in figures:
        value = _number(f.value, f.unit) if f.available else f"{NOT_AVAILABLE}: {f.reason}"
        baseline = (f"{_number(f.baseline, f.unit)} ({f.baseline_name})"
                    if f.baseline is not None else "-")
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        rows.append(f"| {f.id} | {f.name} | {value} | {baseline} | {ratio} | {f.target} "
                    f"| {_verdict(f)} |")
    return "\n".join([header, *rows])


def details(figures: list[Figure]) -> str:
    lines = []
    for f in figures:
        if f.details:
            parts = ", ".join(f"{k}={_detail(v)}" for k, v in f.details.items())
            lines.append(f"- {f.id}: {parts}")
    return "\n".join(lines)


def _detail(value: Any) -> str:
    if isinstance(value, float):
        return _number(value)
    return str(value)


def write_json(path: Path, figures: list[Figure], run: dict[str, Any]) -> None:
    document = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "run": run,
        "figures": [f.as_json() for f in figures],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
