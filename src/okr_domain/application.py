"""The command side: one ``eventsourcing`` Application, one method per command.

Every command takes the acting ``Actor``, validates, loads within the actor's
organization, decides, and saves all it changed in one transaction; it returns a
``Result`` with the global position written. A rejected command raises a
``DomainError`` and writes nothing.
"""

from __future__ import annotations

from okr_domain.commands_accounts import AccountCommands
from okr_domain.commands_alignment import AlignmentCommands
from okr_domain.commands_checkins import CheckInCommands
from okr_domain.commands_closing import ClosingCommands
from okr_domain.commands_structure import StructureCommands
from okr_domain.commands_webhooks import WebhookCommands
from okr_domain.reminders import ReminderCommands


class OkrApplication(
    CheckInCommands, AlignmentCommands, ClosingCommands, StructureCommands, AccountCommands,
    WebhookCommands, ReminderCommands,
):
    name = "okr"
