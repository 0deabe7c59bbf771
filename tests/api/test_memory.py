"""What the process does to keep its memory down: glibc's arena bound and trim, the
sweep that forgets analysis entries the read model has moved past, request loaders made
only when used, one object per id among a query's rows, and the WebSocket protocol
forgetting its handshake."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
import uvicorn
from strawberry.dataloader import DataLoader
from uvicorn.server import ServerState

from okr_api import memory
from okr_api.admission import Admission
from okr_api.context import Services
from okr_api.graphql.analysis_cache import analysis_cache
from okr_api.http.server_protocol import LeanWebSocketProtocol, server_options
from okr_api.request_loaders import LOADERS, RequestLoaders
from okr_domain.values import MetricType
from projections.catalog.rows import KeyResultRow
from projections.catalog.tables import KEY_RESULTS
from projections.stores.dialect import Dialect
from projections.stores.sql_tables import TableCodec

glibc = pytest.mark.skipif(memory._glibc() is None, reason="needs glibc")


@glibc
def test_the_arena_bound_is_set_on_glibc() -> None:
    assert memory.limit_arenas(2)
    assert not memory.limit_arenas(0)  # 0 leaves glibc's default
    assert isinstance(memory.trim(), bool)


class ReadModel:
    def __init__(self, position: int) -> None:
        self.at = position

    async def position(self) -> int:
        return self.at


def services(read_model: ReadModel) -> Services:
    return Services(settings=cast(Any, None), app=cast(Any, None),
                    read_model=cast(Any, read_model), keys=cast(Any, None),
                    admission=Admission(2))


async def one(value: str) -> str:
    return value


async def test_a_sweep_forgets_what_the_read_model_moved_past(
        monkeypatch: pytest.MonkeyPatch) -> None:
    trims: list[bool] = []
    monkeypatch.setattr(memory, "trim", lambda: trims.append(True) or True)
    read_model = ReadModel(5)
    given = services(read_model)
    cache = analysis_cache(given)
    await cache.inputs.get(5, "cycle", lambda: one("rows"))
    await cache.results.get(5, "tree", lambda: one("tree"))
    await memory.sweep(given)
    assert (len(cache.inputs), len(cache.results)) == (1, 1)  # still the read model's
    assert trims == [True]
    read_model.at = 6
    async with given.admission.turn():  # a heavy query holds its answer: no trim
        await memory.sweep(given)
    assert (len(cache.inputs), len(cache.results)) == (0, 0)
    assert trims == [True]


async def test_the_sweeper_sweeps_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    swept: list[Services] = []
    three = asyncio.Event()

    async def sweep(given: Services) -> None:
        swept.append(given)
        if len(swept) == 3:
            three.set()
        if len(swept) == 1:
            raise OSError("the database went away")  # logged; the next sweep runs

    monkeypatch.setattr(memory, "sweep", sweep)
    sweeper = memory.Sweeper(services(ReadModel(1)), 0.01)
    sweeper.start()
    await asyncio.wait_for(three.wait(), 5)
    await sweeper.stop()
    count = len(swept)
    await asyncio.sleep(0.05)
    assert len(swept) == count


def test_request_loaders_are_made_when_first_used() -> None:
    loaders = RequestLoaders(cast(Any, object()), uuid4())
    assert not any(name in vars(loaders) for name in LOADERS)
    person = loaders.person
    assert isinstance(person, DataLoader)
    assert loaders.person is person
    assert [name for name in LOADERS if name in vars(loaders)] == ["person"]
    loaders.clear()  # clears the one made, makes none
    assert [name for name in LOADERS if name in vars(loaders)] == ["person"]


def test_a_querys_rows_hold_each_id_once() -> None:
    codec = TableCodec(KEY_RESULTS, Dialect())
    organization, cycle, objective = uuid4(), uuid4(), uuid4()
    names = [c.name for c in KEY_RESULTS.columns]

    def raw(n: int) -> list[Any]:  # as a driver gives them: a new object per value
        sample = {"id": uuid4(), "objective_id": UUID(str(objective)),
                  "organization_id": UUID(str(organization)), "cycle_id": UUID(str(cycle))}
        one_row = codec.encode(_key_result(sample, n))
        return one_row[:len(names)]

    rows = [raw(n) for n in range(3)]
    decoded = codec.decode_all(rows)
    assert decoded == [codec.decode(r) for r in rows]
    assert decoded[0].organization_id is decoded[2].organization_id
    assert decoded[0].objective_id is decoded[1].objective_id
    assert decoded[0].id is not decoded[1].id


def _key_result(ids: dict[str, UUID], n: int) -> KeyResultRow:
    return KeyResultRow(title=f"kr {n}", metric_type=next(iter(MetricType)),
                        start=Decimal(0), target=Decimal(10), unit="", weight=1.0,
                        current=Decimal(n), progress=Fraction(n, 10), score=Fraction(n, 10),
                        check_in_count=n,
                        last_check_in_at=datetime(2026, 1, 1, tzinfo=UTC) if n else None,
                        sort_index=n, position=n, **ids)  # type: ignore[arg-type]


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass


async def test_the_websocket_protocol_forgets_its_handshake_once_accepted() -> None:
    accepted = asyncio.Event()
    release = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        accepted.set()
        await release.wait()

    config = uvicorn.Config(app=app, ws_per_message_deflate=False, log_level="warning",
                            **server_options())
    config.load()
    protocol = LeanWebSocketProtocol(config=config, server_state=ServerState(),
                                     app_state={})
    transport = Transport()
    protocol.connection_made(transport)
    protocol.data_received(
        b"GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n")
    assert "request" in vars(protocol)
    await asyncio.wait_for(accepted.wait(), 5)
    assert transport.written.startswith(b"HTTP/1.1 101")
    assert "request" not in vars(protocol)
    assert "response" not in vars(protocol)
    protocol.connection_lost(None)
    release.set()
    await asyncio.sleep(0)
