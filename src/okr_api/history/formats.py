"""Writing export rows as NDJSON, CSV or Parquet.

NDJSON: one JSON object per line, keys in column order, times in ISO 8601 (UTC), empty
values as null. CSV: a header line, then one line per row (empty values empty, booleans
true/false). Parquet: the columns with their types (int64, float64, string,
timestamp[us, UTC], bool), through pyarrow (the ``parquet`` extra).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from okr_api.history.exports import Column, ColumnKind, Row


class Format(StrEnum):
    NDJSON = "ndjson"
    CSV = "csv"
    PARQUET = "parquet"


class ExportError(Exception):
    """The export cannot be written (a missing optional dependency)."""


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def write_ndjson(path: Path, columns: Sequence[Column], rows: Iterable[Row]) -> int:
    names = [c.name for c in columns]
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            record = {n: _text(v) for n, v in zip(names, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":"),
                                 allow_nan=False))
            out.write("\n")
            count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(_text(value))


def write_csv(path: Path, columns: Sequence[Column], rows: Iterable[Row]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
    return count


def require_parquet() -> None:
    """Fail early, with the fix, when pyarrow is not installed."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError("Parquet needs pyarrow: pip install 'okr-history[parquet]'") from None


def write_parquet(path: Path, columns: Sequence[Column], rows: Iterable[Row]) -> int:
    require_parquet()
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {ColumnKind.INT: pa.int64(), ColumnKind.FLOAT: pa.float64(),
             ColumnKind.STRING: pa.string(), ColumnKind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
             ColumnKind.BOOL: pa.bool_()}
    data = list(rows)
    schema = pa.schema([pa.field(c.name, types[c.kind], nullable=True) for c in columns])
    arrays = [pa.array([row[i] for row in data], type=types[c.kind])
              for i, c in enumerate(columns)]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)
    return len(data)


def write_rows(path: Path, format: Format, columns: Sequence[Column],
               rows: Iterable[Row]) -> int:
    """Write the rows; how many there were."""
    writer = {Format.NDJSON: write_ndjson, Format.CSV: write_csv,
              Format.PARQUET: write_parquet}[format]
    return writer(path, columns, rows)
