"""Checkpoints of "as of" replays as bytes, to keep in the store.

The format is a sequence of frames, each a length (4 bytes, big-endian), a bucket (4
bytes, signed) and a zlib-compressed JSON document (orjson): first where the replay
stands, then the events read but not yet due (with their stored notifications) and each
table's rows in chunks, as lists of column values in the SQLite store's encodings (text
for UUIDs, times, decimals and fractions). Frames are made and read one at a time, so
coding a checkpoint holds little more than its rows. Decoding builds the same rows, of
the same types.

The cycle's objectives and alignment proposals are spread over ``buckets`` by their
ids (an objective's key results and check-ins go with it), the organization's people
and teams, its own and the cycle's rows are in bucket ``STRUCTURE``: a replay in parts
(``projections.replay.cycle_parts``) reads one bucket at a time, without decompressing
the others (``Buckets``).
``FORMAT`` changes when the format does; the catalog's layout fingerprint goes with each
checkpoint, so rows of an older layout are never read into newer row types.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Notification

from projections.replay.catalog_session import CATALOG
from projections.replay.checkpoints import Checkpoint
from projections.replay.cycle_state import RowSets
from projections.replay.stepping import Frontier, Waiting
from projections.stores.dialect import SQLITE, same_value
from projections.stores.sql_tables import layout_version
from projections.tables import Column, ColumnKind, Table

FORMAT = 2
LEVEL = 3
CHUNK_ROWS = 5_000
LENGTH = 4
BUCKET = 4
STRUCTURE = -1
BUCKET_OBJECTIVES = 1_000
"""About this many objectives per bucket."""
PART_TABLES = frozenset({"catalog_objectives", "catalog_key_results", "catalog_check_ins",
                         "catalog_proposals"})
"""Tables whose rows go by their owner's bucket (the rest are the structure's)."""
PART_TOPICS = ("okr.Objective.", "okr.AlignmentProposal.")
CATALOG_LAYOUT = f"{FORMAT}:{layout_version(CATALOG)}"
"""Which checkpoints this code can read: the format and the catalog's layout."""

TABLES: dict[str, Table[Any]] = {table.name: table for table in CATALOG.tables}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _uuid(text: str | None) -> UUID | None:
    return None if text is None else UUID(hex=text)


class UuidMemo(dict[str, UUID]):
    """UUIDs from hex text, each text converted once per checkpoint (ids repeat: an
    objective's in each of its key results and check-ins)."""

    def __missing__(self, text: str) -> UUID:
        value = self[text] = UUID(hex=text)
        return value


def _value_decoder(column: Column, uuids: UuidMemo) -> Callable[[Any], Any]:
    if column.kind is ColumnKind.UUID:
        return uuids.__getitem__
    if column.kind is ColumnKind.UUID_LIST:
        return lambda text: [uuids[u] for u in orjson.loads(text)]
    return SQLITE.value_decoder(column)


def _row_codec(table: Table[Any], uuids: UuidMemo | None = None
               ) -> tuple[Callable[[Any], list[Any]], Callable[[list[Any]], Any]]:
    names = [c.name for c in table.columns]
    encoders = [SQLITE.encoder(c.kind) for c in table.columns]
    memo = UuidMemo() if uuids is None else uuids
    # Only the columns whose stored form differs from the value are converted back.
    decoders = [(i, d) for i, d in enumerate(_value_decoder(c, memo) for c in table.columns)
                if d is not same_value]
    row_type = table.row_type

    def encode(row: Any) -> list[Any]:
        values = [getattr(row, name) for name in names]
        return [None if v is None else e(v) for v, e in zip(values, encoders, strict=True)]

    def decode(values: list[Any]) -> Any:
        for i, d in decoders:
            if values[i] is not None:
                values[i] = d(values[i])
        return row_type(*values)

    return encode, decode


def bucket_of(aggregate: UUID, buckets: int) -> int:
    return aggregate.int % buckets


def _frame(document: object, bucket: int = STRUCTURE) -> bytes:
    body = zlib.compress(orjson.dumps(document), LEVEL)
    return (len(body).to_bytes(LENGTH, "big") + bucket.to_bytes(BUCKET, "big", signed=True)
            + body)


def _frames(payload: bytes, wanted: Collection[int] | None = None) -> Iterator[Any]:
    """The documents of the frames in ``wanted`` buckets (None: all); the first frame's
    always."""
    view = memoryview(payload)
    at = 0
    first = True
    while at < len(view):
        size = int.from_bytes(view[at:at + LENGTH], "big")
        bucket = int.from_bytes(view[at + LENGTH:at + LENGTH + BUCKET], "big", signed=True)
        at += LENGTH + BUCKET
        if first or wanted is None or bucket in wanted:
            yield orjson.loads(zlib.decompress(view[at:at + size]))
        first = False
        at += size


def _waiting(w: Waiting) -> list[Any]:
    n = w.notification
    return [w.position, _time(w.valid), _time(w.recorded), w.aggregate.hex, w.topic,
            None if w.check_in_id is None else w.check_in_id.hex,
            None if w.key_result_id is None else w.key_result_id.hex,
            n.id, str(n.originator_id), n.originator_version, n.topic,
            base64.b64encode(n.state).decode()]


def _parse_waiting(v: list[Any]) -> Waiting:
    notification = Notification(id=v[7], originator_id=UUID(v[8]),
                                originator_version=v[9], topic=v[10],
                                state=base64.b64decode(v[11]))
    valid, recorded, aggregate = _parse_time(v[1]), _parse_time(v[2]), _uuid(v[3])
    assert valid is not None
    assert recorded is not None
    assert aggregate is not None
    return Waiting(v[0], valid, recorded, aggregate, v[4], _uuid(v[5]), _uuid(v[6]),
                   notification)


def _pending_bucket(w: Waiting, buckets: int) -> int:
    return bucket_of(w.aggregate, buckets) if w.topic.startswith(PART_TOPICS) else STRUCTURE


def encode(checkpoint: Checkpoint, buckets: int | None = None) -> bytes:
    """``buckets``: how many the cycle's objectives are spread over (by default one per
    ``BUCKET_OBJECTIVES`` objectives)."""
    f = checkpoint.frontier
    objectives = next((len(rows) for table, rows in checkpoint.rows
                       if table.name == "catalog_objectives"), 0)
    count = buckets or max(1, -(-objectives // BUCKET_OBJECTIVES))
    frames = [_frame({
        "format": FORMAT, "buckets": count,
        "organization": checkpoint.organization_id.hex, "cycle": checkpoint.cycle_id.hex,
        "known_at": _time(checkpoint.known_at), "position": checkpoint.position,
        "valid_until": _time(checkpoint.valid_until), "checked_to": checkpoint.checked_to,
        "frontier": {
            "read_to": f.read_to,
            "applied_until": _time(f.applied_until), "changed_at": _time(f.changed_at),
            "counts": dict(f.counts), "horizon": _time(f.horizon),
            "closed": sorted(u.hex for u in f.closed),
            "newest_recorded": _time(f.newest_recorded),
        },
    })]
    pending: dict[int, list[list[Any]]] = {}
    for w in f.pending:
        pending.setdefault(_pending_bucket(w, count), []).append(_waiting(w))
    frames += (_frame({"pending": waiting}, bucket) for bucket, waiting in pending.items())
    for table, rows in checkpoint.rows:
        row_encode, _ = _row_codec(table)
        by_bucket: dict[int, list[Any]] = {}
        if table.name in PART_TABLES:
            owner = table.owner
            assert owner is not None  # every part table's rows have an owner
            for row in rows:
                by_bucket.setdefault(bucket_of(getattr(row, owner), count), []).append(row)
        else:
            by_bucket[STRUCTURE] = list(rows)
        for bucket, chosen in by_bucket.items():
            for start in range(0, len(chosen), CHUNK_ROWS):
                frames.append(_frame({"table": table.name, "rows": [
                    row_encode(row) for row in chosen[start:start + CHUNK_ROWS]]}, bucket))
    return b"".join(frames)


def decode(payload: bytes) -> Checkpoint:
    """The whole checkpoint."""
    return _decoded(payload, None)


def _decoded(payload: bytes, wanted: Collection[int] | None) -> Checkpoint:
    frames = _frames(payload, wanted)
    document = next(frames)
    if document.get("format") != FORMAT:
        raise ValueError(f"a checkpoint of format {document.get('format')}, not {FORMAT}")
    uuids = UuidMemo()
    decoders = {name: _row_codec(table, uuids)[1] for name, table in TABLES.items()}
    found: dict[str, list[Any]] = {name: [] for name in TABLES}
    pending: list[Waiting] = []
    for chunk in frames:
        if "pending" in chunk:
            pending += (_parse_waiting(w) for w in chunk["pending"])
            continue
        row_decode, rows = decoders[chunk["table"]], found[chunk["table"]]
        rows += [row_decode(values) for values in chunk["rows"]]
    pending.sort(key=lambda w: w.position)
    row_sets: RowSets = tuple((table, tuple(found[table.name])) for table in CATALOG.tables)
    f = document["frontier"]
    frontier = Frontier(
        read_to=f["read_to"], pending=tuple(pending),
        applied_until=_parse_time(f["applied_until"]),
        changed_at=_parse_time(f["changed_at"]), counts=dict(f["counts"]),
        horizon=_parse_time(f["horizon"]),
        closed=frozenset(UUID(hex=u) for u in f["closed"]),
        newest_recorded=_parse_time(f["newest_recorded"]))
    valid_until = _parse_time(document["valid_until"])
    assert valid_until is not None
    organization, cycle = _uuid(document["organization"]), _uuid(document["cycle"])
    assert organization is not None
    assert cycle is not None
    return Checkpoint(organization, cycle, _parse_time(document["known_at"]), row_sets,
                      document["position"], frontier, valid_until, document["checked_to"])


class Buckets:
    """A kept checkpoint read one bucket at a time: each part holds the structure's or
    some objectives' rows and waiting events, and the frontier of the whole (its counts
    are the whole replay's)."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        header = next(_frames(payload, ()))
        if header.get("format") != FORMAT:
            raise ValueError(f"a checkpoint of format {header.get('format')}, not {FORMAT}")
        self.count: int = header["buckets"]
        self.read_to: int = header["frontier"]["read_to"]
        self.counts: dict[str, int] = header["frontier"]["counts"]

    def part(self, bucket: int) -> Checkpoint:
        """The rows and waiting events of one bucket (``STRUCTURE`` or 0 to ``count``
        - 1); its ``valid_until`` is the whole's (a bound for the part too)."""
        return _decoded(self.payload, (bucket,))

