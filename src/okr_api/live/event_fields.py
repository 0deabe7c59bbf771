"""What a stored OKR event itself says, under the ``LiveEvent``'s field names (the rest
of a live event comes from the catalog)."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from okr_api.live.model import EventType

_SCORES = (("check_in_id", "check_in_id"), ("value", "value"),
           ("previous_value", "previous_value"), ("confidence", "confidence"),
           ("note", "note"), ("score_before", "score_before"), ("score_after", "score_after"))
_GRADES = (("computed_score", "computed_score"), ("grade_override", "override"),
           ("reason", "reason"))
_OWN_FIELDS: dict[EventType, tuple[tuple[str, str], ...]] = {
    EventType.OBJECTIVE_CREATED: (("objective_title", "title"),),
    EventType.OBJECTIVE_EDITED: (("objective_title", "title"),),
    EventType.KEY_RESULT_ADDED: (("key_result_title", "title"),),
    EventType.KEY_RESULT_EDITED: (("key_result_title", "title"),),
    EventType.CHECK_IN_RECORDED: (*_SCORES, ("applies_at", "applies_at"),
                                  ("in_one_on_one", "in_one_on_one")),
    EventType.CHECK_IN_CORRECTED: (*_SCORES, ("reason", "reason")),
    EventType.GRADE_OVERRIDDEN: _GRADES,
    EventType.OBJECTIVE_CLOSED: (*_GRADES, ("final_score", "final_score"), ("band", "band")),
    EventType.OBJECTIVE_ARCHIVED: (("reason", "reason"),),
    EventType.ALIGNED: (("parent_objective_id", "parent_id"),),
    EventType.UNALIGNED: (("reason", "reason"), ("parent_objective_id", "parent_id")),
    EventType.SUPPORT_COMMITTED: (("supporter_id", "person_id"),),
    EventType.SUPPORT_WITHDRAWN: (("supporter_id", "person_id"),),
}
"""Per type: the LiveEvent's fields the event itself gives, and its attributes."""
_ABSENT = object()
_WHEN_PRESENT = ("key_result_id", "objective_score_before", "objective_score_after")


def _reader(fields: tuple[tuple[str, str], ...]) -> Callable[[Any], dict[str, Any]]:
    names = tuple(name for name, _ in fields)
    get = attrgetter(*(attribute for _, attribute in fields))
    if len(fields) == 1:
        return lambda e: {names[0]: get(e)}
    return lambda e: dict(zip(names, get(e), strict=True))


_READERS = {kind: _reader(fields) for kind, fields in _OWN_FIELDS.items()}


def event_fields(kind: EventType, e: Any) -> dict[str, Any]:
    """What the event itself says, under the LiveEvent's field names."""
    read = _READERS.get(kind)
    fields = read(e) if read is not None else {}
    for name in _WHEN_PRESENT:
        value = getattr(e, name, _ABSENT)
        if value is not _ABSENT:
            fields[name] = value
    return fields
