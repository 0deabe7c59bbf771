"""Check-in reminders as webhook deliveries: CloudEvents of type ``okr.check_in.due``
whose ``data`` carries a Slack-compatible message (``text`` and ``blocks``), so an
endpoint that is a Slack incoming webhook (or anything that takes its format) shows it.

Who receives what follows the feed's rule: an ADMIN endpoint every due key result, an
HR endpoint nothing when the organization's HR mode is NONE, any other endpoint those
of public objectives only (a reminder naming only private ones is not sent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from okr_api.live.filters import EventFilter
from okr_api.live.model import event_id, global_id
from okr_domain.application import OkrApplication
from okr_domain.reminders import CheckInReminder
from okr_domain.values import HrMode, Role
from projections.reading.interface import AsyncCatalogReader

CLOUDEVENT_TYPE = "okr.check_in.due"
EVENT_TYPE = "CHECK_IN_DUE"


@dataclass(frozen=True)
class Reminder:
    """A stored reminder, decoded: what the webhook worker delivers."""

    event_id: UUID
    position: int
    organization_id: UUID
    person_id: UUID
    cycle_id: UUID | None
    occurred_at: datetime
    period_starts_at: datetime
    items: tuple[dict[str, Any], ...]


def read_reminders(app: OkrApplication, organization_id: UUID, after: int,
                   stop: int, limit: int) -> list[Reminder]:
    """The organization's reminders in (after, stop] (blocking: run it in a thread)."""
    found: list[Reminder] = []
    for n in app.recorder.select_notifications(after + 1, limit, stop,
                                               topics=[CheckInReminder.Created.TOPIC]):
        e = app.mapper.to_domain_event(n)
        if not isinstance(e, CheckInReminder.Created) or e.organization_id != organization_id:
            continue
        found.append(Reminder(event_id(e.originator_id, e.originator_version), n.id,
                              e.organization_id, e.person_id, e.cycle_id, e.timestamp,
                              e.period_starts_at, tuple(e.items)))
    return found


def shaped(reminder: Reminder, role: Role, hr_mode: HrMode,
           where: EventFilter) -> Reminder | None:
    """The reminder as an endpoint of this role and filter receives it, or None."""
    if where.person_id is not None and where.person_id != reminder.person_id:
        return None
    if where.cycle_id is not None and where.cycle_id != reminder.cycle_id:
        return None
    if role is Role.ADMIN:
        return reminder
    if role is Role.HR and hr_mode is HrMode.NONE:
        return None
    public = tuple(i for i in reminder.items if not i.get("private"))
    if not public:
        return None
    return Reminder(reminder.event_id, reminder.position, reminder.organization_id,
                    reminder.person_id, reminder.cycle_id, reminder.occurred_at,
                    reminder.period_starts_at, public)


async def body(reminder: Reminder, read_model: AsyncCatalogReader) -> bytes:
    """The exact bytes sent (and signed)."""
    org = reminder.organization_id
    organization = await read_model.organization(org)
    people = await read_model.people_by_ids(org, [reminder.person_id])
    cycles = await read_model.cycles_by_ids(org, [reminder.cycle_id] if reminder.cycle_id
                                            else [])
    zone = organization.policy.zone if organization else None
    person = people[0] if people else None
    name = person.name if person else "there"
    items = [_item(i) for i in reminder.items]
    text = message_text(name, [i["keyResultTitle"] + " (" + i["objectiveTitle"] + ")"
                               for i in items])
    data = {
        "eventId": str(reminder.event_id),
        "position": reminder.position,
        "type": EVENT_TYPE,
        "occurredAt": reminder.occurred_at.isoformat(),
        "organizationId": global_id("Organization", org),
        "personId": global_id("Person", reminder.person_id),
        "personName": person.name if person else None,
        "personExternalId": person.external_id if person else None,
        "personEmail": person.email if person else None,
        "cycleId": global_id("Cycle", reminder.cycle_id),
        "cycleKey": cycles[0].key if cycles else None,
        "timeZone": organization.policy.time_zone if organization else "UTC",
        "periodStartsAt": (reminder.period_starts_at.astimezone(zone).isoformat()
                           if zone else reminder.period_starts_at.isoformat()),
        "due": items,
        "text": text,
        "blocks": blocks(text, items),
    }
    event = {
        "specversion": "1.0",
        "id": str(reminder.event_id),
        "source": f"/organizations/{org}",
        "type": CLOUDEVENT_TYPE,
        "subject": data["personId"],
        "time": reminder.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "position": reminder.position,
        "data": data,
        # Slack's incoming webhooks read these two top-level fields.
        "text": text,
        "blocks": data["blocks"],
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


def _item(item: dict[str, Any]) -> dict[str, Any]:
    objective = UUID(hex=item["objectiveId"])
    return {
        "objectiveId": global_id("Objective", objective),
        "keyResultId": global_id("KeyResult", objective, UUID(hex=item["keyResultId"])),
        "objectiveTitle": item["objectiveTitle"],
        "keyResultTitle": item["keyResultTitle"],
        "dueSince": item["dueSince"],
    }


def message_text(name: str, lines: list[str]) -> str:
    count = len(lines)
    head = (f"Hi {name}, {count} key result{'s' if count != 1 else ''} "
            f"{'are' if count != 1 else 'is'} due for a check-in:")
    return _escape("\n".join([head, *(f"• {line}" for line in lines)]))


def blocks(text: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack Block Kit: a header line, then one line per due key result."""
    head = text.split("\n", 1)[0]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": head}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(
            f"• *{_escape(i['keyResultTitle'])}* ({_escape(i['objectiveTitle'])}), due "
            f"since {i['dueSince'][:10]}" for i in items)}},
    ]


def _escape(text: str) -> str:
    """Slack's mrkdwn escapes: &, < and > (so no title can become a link or mention)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
