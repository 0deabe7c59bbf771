"""The event encoding: the library's JSON format, written and read with orjson.

Stored events are JSON in the ``eventsourcing`` library's format: compact separators,
UTF-8 text unescaped, and every value of a registered type (UUID, Decimal, datetime,
date) as ``{"_type_": name, "_data_": encoded}``. The library writes it with the
standard ``json`` module, whose callback runs in Python for every such value; this
transcoder turns those values into their tagged form in one pass and lets orjson write
the rest, producing the same bytes. Reading parses with orjson and revives the tagged
values in one pass.

Where orjson's output or parsing would differ from the standard module's, the standard
module does the work, so every event is written and read exactly as before:

- floats below 1e-4 in magnitude (the standard module writes ``1e-05``, orjson
  ``0.00001``), NaN and the infinities are written by the standard encoder, as fragments;
- integers beyond 64 bits, keys that are not strings and values of unregistered types
  make orjson refuse, and the library's encoder writes the whole event (or raises its
  own error);
- text orjson refuses to parse (NaN, numbers beyond a double, lone surrogates) is
  parsed by the standard decoder, and so is text holding an integer beyond 64 bits,
  which orjson would read as a float.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

_INT64_LIMIT = 2.0**63
"""orjson reads an integer beyond 64 bits as a float at least this large."""
_SMALLEST_PLAIN_FLOAT = 1e-4
"""Below this magnitude the standard module writes floats with an exponent."""
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown


class UUIDAsHexFast(UUIDAsHex):
    """The library's ``uuid_hex`` transcoding, reading 32 hex digits without the string
    clean-ups ``UUID(hex)`` makes first (braces, dashes, a ``urn:uuid:`` prefix), which
    the encoding never writes. Anything else goes through ``UUID`` as before."""

    def decode(self, data: str) -> UUID:
        if type(data) is str:
            return _uuid_from_hex(data)
        return super().decode(data)


def _uuid_from_hex(data: str) -> UUID:
    if len(data) == 32:
        uuid = object.__new__(UUID)
        _set(uuid, "int", int(data, 16))
        _set(uuid, "is_safe", _UNKNOWN)
        return uuid
    return UUID(data)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _Unchanged(Exception):
    """orjson would read this text differently: the standard decoder reads it."""


class OrjsonTranscoder(JSONTranscoder):
    """The library's JSON transcoder, same bytes and same values, with orjson."""

    def __init__(self) -> None:
        super().__init__()
        self._plain_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False,
                                               allow_nan=True)
        self._writers: dict[type, tuple[str, Callable[[Any], str]]] = {}
        self._readers: dict[str, Callable[[str], Any]] = {}

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        # The library's own transcodings (and ours) are called directly, skipping a
        # method call and a pass over their result (a string) per value.
        writer = _DIRECT_WRITERS.get(type(transcoding))
        if writer is None:
            self._writers.pop(transcoding.type, None)
        else:
            self._writers[transcoding.type] = (transcoding.name, writer)
        reader = _DIRECT_READERS.get(type(transcoding))
        if reader is None:
            self._readers.pop(transcoding.name, None)
        else:
            self._readers[transcoding.name] = reader

    def encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(self._tagged(obj))
        except (orjson.JSONEncodeError, _Unregistered):
            return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        try:
            return self._revived(orjson.loads(data))
        except (orjson.JSONDecodeError, _Unchanged):
            return super().decode(data)

    def _tagged(self, value: Any) -> Any:
        """``value`` with every registered type in its tagged form, as the standard
        encoder's callback would write it. The checks follow the standard encoder's
        order: subclasses of str, int, float, list, tuple and dict are written as their
        base type, before any transcoding is looked up."""
        kind = type(value)
        if kind is dict:
            # The common case, an event's state: its values handled inline.
            writers = self._writers
            tagged = {}
            for key, item in value.items():
                item_kind = type(item)
                if item_kind in _PLAIN or (item_kind is float and _plain_float(item)):
                    tagged[key] = item
                elif item_kind in writers:
                    name, write = writers[item_kind]
                    tagged[key] = {"_type_": name, "_data_": write(item)}
                else:
                    tagged[key] = self._tagged(item)
            return tagged
        if kind in _PLAIN:
            return value
        if kind is float:
            return value if _plain_float(value) else self._fragment(value)
        if kind is list or kind is tuple:
            return [self._tagged(item) for item in value]
        direct = self._writers.get(kind)
        if direct is not None:
            return {"_type_": direct[0], "_data_": direct[1](value)}
        transcoding = self.types.get(kind)
        if transcoding is not None:
            return {"_type_": transcoding.name, "_data_": self._tagged(transcoding.encode(value))}
        return self._tagged_subclass(value)

    def _tagged_subclass(self, value: Any) -> Any:
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, int):
            return int.__int__(value)
        if isinstance(value, float):
            return self._tagged(float.__float__(value))
        if isinstance(value, list | tuple):
            return [self._tagged(item) for item in value]
        if isinstance(value, dict):
            return {key: self._tagged(item) for key, item in value.items()}
        raise _Unregistered

    def _fragment(self, value: float) -> orjson.Fragment:
        return orjson.Fragment(self._plain_encoder.encode(value))

    def _revived(self, value: Any) -> Any:
        """Tagged values turned back into objects, innermost first (as the standard
        decoder's hook sees them)."""
        kind = type(value)
        if kind is dict:
            readers = self._readers
            for key, item in value.items():
                item_kind = type(item)
                if item_kind is dict:
                    # A tagged value of a directly read type, inline; anything else
                    # (nested, or data that is not text) goes the general way.
                    if len(item) == 2 and "_type_" in item and "_data_" in item:
                        read = readers.get(item["_type_"])
                        data = item["_data_"]
                        if read is not None and type(data) is str:
                            value[key] = read(data)
                            continue
                    value[key] = self._revived(item)
                elif item_kind is list:
                    value[key] = self._revived(item)
                elif item_kind is float and not -_INT64_LIMIT < item < _INT64_LIMIT:
                    raise _Unchanged
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._decode_obj(cast(dict[str, Any], value))
            return value
        if kind is list:
            for index, item in enumerate(value):
                item_kind = type(item)
                if item_kind is dict or item_kind is list:
                    value[index] = self._revived(item)
                elif item_kind is float and not -_INT64_LIMIT < item < _INT64_LIMIT:
                    raise _Unchanged
            return value
        if kind is float and not -_INT64_LIMIT < value < _INT64_LIMIT:
            raise _Unchanged
        return value


class _Unregistered(Exception):
    """A value the fast path does not know: the library's encoder handles it."""


def _plain_float(value: float) -> bool:
    """Whether orjson writes ``value`` as the standard module does (NaN fails both
    comparisons, the infinities the second)."""
    return value == 0.0 or _SMALLEST_PLAIN_FLOAT <= abs(value) < float("inf")


_PLAIN = frozenset({str, int, bool, type(None)})
_DIRECT_WRITERS: dict[type, Callable[[Any], str]] = {
    UUIDAsHex: operator.attrgetter("hex"),
    UUIDAsHexFast: operator.attrgetter("hex"),
    DecimalAsStr: Decimal.__str__,
    DatetimeAsISO: datetime.isoformat,
    DateAsISO: date.isoformat,
}
"""Transcodings whose encoding is one call returning text, and that call."""
_DIRECT_READERS: dict[type, Callable[[str], Any]] = {
    UUIDAsHexFast: _uuid_from_hex,
    DecimalAsStr: Decimal,
    DatetimeAsISO: datetime.fromisoformat,
    DateAsISO: date.fromisoformat,
}
"""Transcodings whose decoding of text is one call, and that call."""


def register_fast_transcodings(transcoder: JSONTranscoder) -> None:
    """Replace the library's ``uuid_hex`` reader with the fast one; add dates."""
    transcoder.register(UUIDAsHexFast())
    transcoder.register(DateAsISO())
