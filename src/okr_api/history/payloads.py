"""Events as plain JSON values, for history queries and exports.

Only OKR events show their fields; webhook endpoints, service accounts and idempotency
records carry secrets or internals, so their payload is left out (None).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from projections.projection import Event, topic_of

COMMON_FIELDS = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp",
                           "organization_id", "actor_id", "cycle_id"})
OKR_AGGREGATES = frozenset({"Organization", "Team", "Person", "Cycle", "Objective",
                            "AlignmentProposal", "AlignmentGraph"})


def aggregate_type(event_type: str) -> str:
    """``okr.Objective.CheckInRecorded`` -> ``Objective``."""
    parts = event_type.split(".")
    return parts[1] if len(parts) >= 3 else parts[-1]


def plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def payload(event: Event) -> dict[str, Any] | None:
    """The event's own fields (not the ones every event has), or None when hidden."""
    if aggregate_type(topic_of(event)) not in OKR_AGGREGATES:
        return None
    return {k: plain(v) for k, v in sorted(vars(event).items()) if k not in COMMON_FIELDS}


def payload_json(event: Event) -> str | None:
    data = payload(event)
    return None if data is None else json.dumps(data, sort_keys=True, separators=(",", ":"))
