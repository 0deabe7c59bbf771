"""Exports and the history commands: byte-identical exports of the same history, Parquet
with the documented columns and types, replay and verify on the command line."""

from __future__ import annotations

import builtins
import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from okr_api.cli import app as cli
from okr_api.history.exports import COLUMNS, ColumnKind
from okr_api.storage import init_database
from tests.history.quarter import CYCLE, Quarter, build_quarter

ARROW_TYPES = {ColumnKind.INT: pa.int64(), ColumnKind.FLOAT: pa.float64(),
               ColumnKind.STRING: pa.string(), ColumnKind.BOOL: pa.bool_(),
               ColumnKind.TIMESTAMP: pa.timestamp("us", tz="UTC")}
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Quarter]:
    """A closed quarter in an SQLite store (the commands read the event store only)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'okr.sqlite3'}"
    app = init_database(url)
    quarter = build_quarter(app, close=True)
    app.close()
    return url, quarter


def run(url: str, *args: str) -> Any:
    return runner.invoke(cli, [*args, "--database-url", url])


def export(url: str, tmp: Path, what: str, fmt: str, name: str, *extra: str) -> Path:
    out = tmp / f"{name}.{fmt}"
    result = run(url, "export", "--cycle", CYCLE, "--what", what, "--format", fmt,
                 "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("what", ["events", "objectives", "checkins", "timeline"])
@pytest.mark.parametrize("fmt", ["ndjson", "csv", "parquet"])
def test_replaying_twice_gives_identical_bytes(store: tuple[str, Quarter], tmp_path: Path,
                                               what: str, fmt: str) -> None:
    url, _ = store
    until = ("--until", "2026-07-24")
    first = export(url, tmp_path, what, fmt, "first", *until)
    second = export(url, tmp_path, what, fmt, "second", *until)
    assert first.read_bytes() == second.read_bytes()
    assert first.stat().st_size > 0


def test_parquet_events_read_back_with_the_documented_columns(store: tuple[str, Quarter],
                                                              tmp_path: Path) -> None:
    url, q = store
    path = export(url, tmp_path, "events", "parquet", "events")
    table = pq.read_table(path)
    columns = COLUMNS["events"]
    assert table.schema.names == [c.name for c in columns]
    assert [table.schema.field(c.name).type for c in columns] == [
        ARROW_TYPES[c.kind] for c in columns]
    # Every event stamped with the cycle: the cycle's own events, its objectives', the
    # alignment graph's edges and the cycle roster's entries.
    from okr_api.storage import open_application
    from projections.source import EventSource

    app = open_application(url)
    try:
        source = EventSource(app)
        in_cycle = [n.id for n in source.read(0, 100_000)
                    if source.decode(n).cycle_id == q.cycle]
    finally:
        app.close()
    assert table.num_rows == len(in_cycle)
    assert table.column("position").to_pylist() == in_cycle
    assert set(table.column("cycle_id").to_pylist()) == {str(q.cycle)}


def test_check_ins_and_objectives_in_ndjson_and_csv(store: tuple[str, Quarter],
                                                    tmp_path: Path) -> None:
    url, q = store
    lines = export(url, tmp_path, "checkins", "ndjson", "c", "--until", "2026-07-08"
                   ).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [list(r) for r in records[:1]] == [[c.name for c in COLUMNS["checkins"]]]
    assert sorted(r["value"] for r in records) == [1.0, 2.0, 3.0, 20.0]
    with export(url, tmp_path, "objectives", "csv", "o").open() as rows:
        table = list(csv.DictReader(rows))
    by_title = {r["title"]: r for r in table}
    assert by_title["Learn GraphQL"]["final_score"] == "0.65"
    assert by_title["Speak at a meetup"]["parent_id"] == str(q.t1)
    assert by_title["Private growth goal"]["visibility"] == "PRIVATE"


def test_replay_prints_the_weekly_evolution(store: tuple[str, Quarter]) -> None:
    url, _ = store
    result = run(url, "replay", "--cycle", CYCLE, "--until", "2026-07-22")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert [r.split("│")[2].strip() for r in rows] == [
        "2026-07-01 00:00", "2026-07-08 00:00", "2026-07-15 00:00", "2026-07-22 00:00",
        "2026-07-22 23:59"]
    assert [r.split("│")[5].strip() for r in rows] == ["0.000", "0.188", "0.537", "0.762",
                                                        "0.762"]
    bad = run(url, "replay", "--cycle", "1999-Q1")
    assert bad.exit_code == 2
    assert "no cycle 1999-Q1" in bad.output


def test_verify_on_the_command_line(store: tuple[str, Quarter]) -> None:
    url, _ = store
    result = run(url, "verify", "--cycle", CYCLE)
    assert result.exit_code == 0, result.output
    assert "verified: 5 grades" in result.stdout


def test_the_command_line_travels_on_both_time_axes(store: tuple[str, Quarter]) -> None:
    url, _ = store
    # As of 22 Jul, as recorded by 18 Jul: week 3's check-ins were not written yet.
    result = run(url, "replay", "--cycle", CYCLE, "--as-of", "2026-07-22",
                 "--known-at", "2026-07-18")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert [r.split("│")[13].strip() for r in rows] == ["0", "4", "10", "10", "10"]
    before_close = run(url, "verify", "--cycle", CYCLE, "--known-at", "2026-09-30")
    assert before_close.exit_code == 2
    assert "not closed" in before_close.output


def test_parquet_without_pyarrow_names_the_extra(store: tuple[str, Quarter], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = store
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    result = run(url, "export", "--cycle", CYCLE, "--format", "parquet", "--out",
                 str(tmp_path / "x.parquet"))
    assert result.exit_code == 2
    assert "okr-history[parquet]" in result.output


@pytest.mark.parametrize("command", ["replay", "export", "verify"])
def test_every_command_explains_itself(command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "--cycle" in result.output
    if command == "export":
        assert "value_text" in result.output  # the columns are documented


def test_the_readme_documents_every_column() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Exports"):]
    for what, columns in COLUMNS.items():
        table = section[section.index(f"`{what}` columns:"):]
        for column in columns:
            assert f"| `{column.name}` | {column.kind.value} |" in table, (what, column.name)


def test_verify_names_each_mismatch_of_a_tampered_store(tmp_path: Path) -> None:
    from okr_api.storage import open_application
    from tests.history.test_verify import rewrite_event

    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    app = init_database(url)
    q = build_quarter(app, close=True)
    app.close()
    app = open_application(url)
    try:
        rewrite_event(app, url, q.t1, "okr.Objective.CheckInRecorded",
                      lambda data: data["value"].update(_data_="0"))  # t1b: launched no more
    finally:
        app.close()
    result = run(url, "verify", "--cycle", CYCLE)
    assert result.exit_code == 1
    for what in ("computed_score", "final_score", "band", "GRADES_HASH"):
        assert what in result.stdout
    assert str(q.t1) in result.stdout
