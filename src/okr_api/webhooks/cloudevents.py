"""Webhook payloads: CloudEvents 1.0 in the structured JSON format.

``id`` is the stable event id, ``source`` names the organization, ``type`` is
``com.okr-history.<event type in lower case>`` (for example
``com.okr-history.check_in_recorded``), ``subject`` the objective's global ID, ``time``
when it happened, and the ``position`` extension the global position (the cursor an
admin can replay from). ``data`` holds the same fields as the GraphQL ``OkrEvent``.
"""

from __future__ import annotations

import json
from typing import Any

from okr_api.live.model import LiveEvent

CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "com.okr-history."


def cloudevent(event: LiveEvent) -> dict[str, Any]:
    data = event.to_data()
    return {
        "specversion": "1.0",
        "id": str(event.event_id),
        "source": f"/organizations/{event.organization_id}",
        "type": TYPE_PREFIX + event.type.value.lower(),
        "subject": data["objectiveId"],
        "time": event.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "position": event.position,
        "data": data,
    }


def body(event: LiveEvent) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(cloudevent(event), separators=(",", ":"), sort_keys=True).encode()
