"""The event encoding: what earlier releases stored reads back equal, and what is
written now is byte for byte what the library's own JSON transcoder writes.

``previous_release/store.sqlite3`` was written by the release before the orjson
transcoder (see ``previous_release/make_store.py``): every event type, the snapshots a
bulk load takes, text JSON must escape and numbers at the edges of their formats.
``events.txt`` is what that release read back from it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum, IntEnum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from okr_api.storage import store_env
from okr_domain.alignment import AlignmentProposal
from okr_domain.application import OkrApplication
from okr_domain.transcoder import DateAsISO, OrjsonTranscoder, register_fast_transcodings

from .previous_release.make_store import describe

FIXTURE = Path(__file__).parent / "previous_release"
ALL = 10_000_000


@pytest.fixture(scope="module")
def previous_store(tmp_path_factory: pytest.TempPathFactory) -> OkrApplication:
    folder = tmp_path_factory.mktemp("previous")
    shutil.copy(FIXTURE / "store.sqlite3", folder / "okr.sqlite3")
    return OkrApplication(env=store_env(f"sqlite:///{folder / 'okr.sqlite3'}",
                                        create_tables=False))


def our_transcoder() -> OrjsonTranscoder:
    """Registered as the application registers it."""
    transcoder = OrjsonTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_fast_transcodings(transcoder)
    return transcoder


def library_transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return transcoder


def test_the_application_uses_the_orjson_transcoder(previous_store: OkrApplication) -> None:
    assert type(previous_store.mapper.transcoder) is OrjsonTranscoder
    assert previous_store.snapshots is not None
    assert type(previous_store.snapshots.mapper.transcoder) is OrjsonTranscoder


def test_every_stored_event_reads_back_as_the_previous_release_read_it(
        previous_store: OkrApplication) -> None:
    app = previous_store
    expected = (FIXTURE / "events.txt").read_text(encoding="utf-8").splitlines()
    notifications = list(app.recorder.select_notifications(start=None, limit=ALL))
    topics = {n.topic for n in notifications}
    assert len(topics) == 44, "the fixture holds every event type"
    lines = [f"{n.id} {n.topic} {describe(as_previously_read(app.mapper.to_domain_event(n)))}"
             for n in notifications]
    assert app.snapshots is not None
    snapshots = [app.snapshots.mapper.to_domain_event(s)
                 for n in notifications if n.originator_version == 1
                 for s in app.snapshots.recorder.select_events(n.originator_id)]
    assert len(snapshots) == 2
    lines += [f"snapshot {s.topic} {describe(vars(s))}" for s in snapshots]
    assert len(lines) == len(expected)
    for line, before in zip(lines, expected, strict=True):
        assert line == before


def as_previously_read(event: object) -> dict[str, Any]:
    """The event's values less what this release's upcasters add, each checked here:
    version 2 of a proposal's ``Created`` names the side that must answer, which a
    version 1 proposal derives (the side that did not propose)."""
    state = dict(vars(event))
    if isinstance(event, AlignmentProposal.Created) and "awaiting_side" in state:
        derived = "PARENT" if state["proposed_by_child_side"] else "CHILD"
        assert state.pop("awaiting_side") == derived
    return state


def test_every_stored_event_is_written_again_byte_for_byte(
        previous_store: OkrApplication) -> None:
    app = previous_store
    library = Mapper(transcoder=library_transcoder())
    upcast = 0
    for n in app.recorder.select_notifications(start=None, limit=ALL):
        event = app.mapper.to_domain_event(n)
        written = app.mapper.to_stored_event(event).state
        if isinstance(event, AlignmentProposal.Created):
            # Read as version 2 (upcast): written as the library writes that version.
            upcast += 1
            assert written == library.to_stored_event(event).state != n.state
        else:
            assert written == n.state, n.topic
    assert upcast > 0


def test_every_aggregate_of_the_previous_store_loads(previous_store: OkrApplication) -> None:
    app = previous_store
    ids = {n.originator_id for n in app.recorder.select_notifications(start=None, limit=ALL)}
    for aggregate_id in ids:
        aggregate = app.repository.get(aggregate_id)
        assert aggregate.version >= 1


class Colour(str, Enum):  # noqa: UP042 (str() of this kind differs from its value)
    RED = "red"


class Level(IntEnum):
    HIGH = 3


ODD_VALUES: list[Any] = [
    1e-05, -7.1e-09, 1e16, 1.5e300, 0.0, -0.0, float("nan"), float("inf"), float("-inf"),
    2**63, -(2**63), 2**64, -(2**70), 10**40, True, False, None, "", "é\u2028\x00\x1f\x7f🚀",
    Colour.RED, Level.HIGH, (1, (2, 3)), [], {}, {"_type_": "x"},
    {"_type_": "x", "_data_": 1, "more": 2}, Decimal("1E+3"), Decimal("-0.000001"),
    datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 1, 2), date(2026, 2, 28), uuid4(), UUID(int=0),
]


def test_edge_values_are_written_and_read_as_the_library_does() -> None:
    ours, theirs = our_transcoder(), library_transcoder()
    for value in ODD_VALUES:
        state = {"value": value, "nested": [value, {"inner": value}]}
        written = ours.encode(state)
        assert written == theirs.encode(state), value
        assert repr(ours.decode(written)) == repr(theirs.decode(written)), value


def test_a_value_of_no_registered_type_is_refused_as_the_library_refuses_it() -> None:
    ours = our_transcoder()
    with pytest.raises(TranscodingNotRegisteredError):
        ours.encode({"when": datetime.now(UTC).time()})


def test_text_only_the_standard_decoder_reads_is_read_by_it() -> None:
    ours, theirs = our_transcoder(), library_transcoder()
    for text in (b'{"n":NaN}', b'{"n":1e400}', b'{"n":18446744073709551616}',
                 b'{"n":[-9223372036854775809]}', b'{"s":"\\ud800"}',
                 b'{"u":{"_type_":"uuid_hex","_data_":"{12345678-1234-5678-1234-567812345678}"}}'):
        assert repr(ours.decode(text)) == repr(theirs.decode(text))


json_scalars = (st.none() | st.booleans() | st.integers() | st.text()
                | st.floats(allow_nan=False) | st.decimals(allow_nan=False, allow_infinity=False)
                | st.uuids() | st.datetimes(timezones=st.just(UTC)) | st.dates())
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=8))
def test_any_event_state_is_written_and_read_as_the_library_does(state: dict[str, Any]) -> None:
    ours, theirs = our_transcoder(), library_transcoder()
    try:
        expected = theirs.encode(state)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            ours.encode(state)
        return
    written = ours.encode(state)
    assert written == expected
    assert repr(ours.decode(written)) == repr(theirs.decode(written))
