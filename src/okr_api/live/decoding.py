"""Stored OKR events back to domain events, for the live feed: the same objects the
application's mapper makes, in less time.

The mapper parses with the standard library's JSON decoder, calling back into Python
for every object and converting every id with ``UUID(text)``; a resuming subscriber
decodes tens of thousands of events at once. Here orjson parses, the objects are
converted afterwards by the same transcodings (ids by a shortcut that gives the same
``UUID``), and the event is assembled as the mapper assembles it (id conversion,
upcasting, the event class by its topic). Anything this does not handle the same way
(a cipher or compressor, a transcoder without named transcodings, JSON orjson refuses)
goes to the mapper itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import Notification, find_id_convertor
from eventsourcing.utils import resolve_topic

from okr_api.live.slim import Stamp

UUID_HEX = "uuid_hex"
REMEMBERED = 1 << 16
"""Converted values remembered per transcoding (forgotten all at once beyond this)."""
IMMUTABLE = frozenset({UUID, datetime, date, Decimal, str, int, float, bool})
"""The value types shared between events once converted."""
STAMPED = frozenset({"timestamp", "organization_id", "cycle_id"})
_set = object.__setattr__
_NOTHING: dict[str, Any] = {}


def _uuid(text: Any) -> UUID:
    """``UUID(text)`` for the 32 hex digits the transcoding writes."""
    if type(text) is str and len(text) == 32:
        value = object.__new__(UUID)
        _set(value, "int", int(text, 16))
        _set(value, "is_safe", SafeUUID.unknown)
        return value
    return UUID(text)


@lru_cache(maxsize=256)
def _event_class(topic: str) -> type[Any]:
    cls: type[Any] = resolve_topic(topic)
    return cls


class EventDecoder:
    def __init__(self, app: Application[Any]) -> None:
        mapper = app.mapper
        self._mapper = mapper
        names: dict[str, Any] | None = getattr(mapper.transcoder, "names", None)
        self._fast = (names is not None and not getattr(mapper, "cipher", None)
                      and not getattr(mapper, "compressor", None))
        self._decoders: dict[str, Callable[[Any], Any]] = {
            name: transcoding.decode for name, transcoding in (names or {}).items()}
        if UUID_HEX in self._decoders:
            self._decoders[UUID_HEX] = _uuid
        self._known: dict[str, dict[str, Any]] = {}

    def __call__(self, notification: Notification) -> Any:
        if self._fast:
            try:
                state = self._state(notification.state)
            except Exception:  # whatever the mapper would say about it, it says
                return self._mapper.to_domain_event(notification)
            return self._event(notification, state)
        return self._mapper.to_domain_event(notification)

    def stamp(self, notification: Notification) -> Stamp:
        """The event's time, organization and cycle (``okr_api.live.slim``): from the
        stored JSON alone when the event is at its class's version (nothing to upcast),
        else from the decoded event."""
        if self._fast:
            try:
                state = orjson.loads(notification.state)
                cls = _event_class(notification.topic)
                if (type(state) is dict and state.keys() >= STAMPED
                        and state.get("class_version", 1) == getattr(cls, "class_version", 1)):
                    convert = find_id_convertor(cls, type(notification.originator_id))  # type: ignore[arg-type]
                    originator: Any = convert(notification.originator_id)
                    return Stamp(notification.topic, self._plain(state["timestamp"]),
                                 self._plain(state["organization_id"]),
                                 self._plain(state["cycle_id"]),
                                 originator, notification.originator_version)
            except Exception:  # the decoded event says it, as the mapper would
                pass
        event = self(notification)
        return Stamp(notification.topic, event.timestamp, event.organization_id,
                     event.cycle_id, event.originator_id, event.originator_version)

    def _plain(self, item: Any) -> Any:
        """One value of the stored state, as the decoded event has it."""
        if type(item) is dict and len(item) == 2:
            text, name = item.get("_data_"), item.get("_type_")
            if type(text) is str and name is not None:
                return self._value(name, text)
        if type(item) is dict or type(item) is list:
            return self._convert(item)
        return item

    def _state(self, data: bytes) -> dict[str, Any]:
        state = orjson.loads(data)
        if type(state) is not dict or ("_type_" in state and len(state) == 2):
            raise TypeError("not an event's state")
        known = self._known
        for key, item in state.items():
            kind = type(item)
            if kind is dict:
                # The usual case inline: one transcoded value ({"_type_", "_data_"}) of
                # a text already converted once.
                if len(item) == 2:
                    text = item.get("_data_")
                    name = item.get("_type_")
                    if type(text) is str and name is not None:
                        value = known.get(name, _NOTHING).get(text)
                        state[key] = self._value(name, text) if value is None else value
                        continue
                state[key] = self._convert(item)
            elif kind is list:
                state[key] = self._convert(item)
        return state

    def _value(self, name: str, data: str) -> Any:
        """A transcoded value from its text. The values are immutable (ids, times,
        decimals) and repeat from event to event (the organization, the cycle, the
        people), so each text is converted once while it is remembered."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = {}
        value = known.get(data)
        if value is None:
            value = self._decoders[name](data)
            if type(value) in IMMUTABLE:
                if len(known) >= REMEMBERED:
                    known.clear()
                known[data] = value
        return value

    def _convert(self, value: Any) -> Any:
        """As the JSON decoder's object hook would have made ``value`` (innermost first)."""
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                if type(item) is dict or type(item) is list:
                    value[key] = self._convert(item)
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                data_ = value["_data_"]
                if type(data_) is str:
                    return self._value(value["_type_"], data_)
                return self._decoders[value["_type_"]](data_)
            return value
        if kind is list:
            return [self._convert(v) if type(v) is dict or type(v) is list else v
                    for v in value]
        return value

    @staticmethod
    def _event(notification: Notification, state: dict[str, Any]) -> Any:
        """As ``Mapper.to_domain_event`` assembles the event from its decoded state."""
        cls = _event_class(notification.topic)
        # Classes are hashable; typeshed's lru_cache wants Hashable, which mypy does not
        # grant to type objects.
        convert = find_id_convertor(cls, type(notification.originator_id))  # type: ignore[arg-type]
        state["originator_id"] = convert(notification.originator_id)
        state["originator_version"] = notification.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        _set(event, "__dict__", state)
        return event
