"""The idempotency check of a command: a repeated key with the same input answers the
first result; records are kept per caller, command and key (``okr_domain.idempotency``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okr_domain import ids
from okr_domain.access import Actor
from okr_domain.command_base import CommandBase, Result
from okr_domain.idempotency import IdempotencyRecord, caller_of, check_key, fingerprint


class Idempotency:
    """The idempotency check of one command attempt. Keys are the caller's own: the
    record is named by caller, command and key."""

    def __init__(self, app: CommandBase, actor: Actor, command: str, key: str | None,
                 arguments: dict[str, Any]) -> None:
        self._key = None if key is None else check_key(key)
        self._actor = actor
        self._command = command
        # The caller stays part of the fingerprint: records made before keys were kept
        # per caller are matched by it (see ``_earlier_record``).
        self._fingerprint = (fingerprint({**arguments, "actor": actor.person_id})
                             if key is not None else "")
        self._app = app

    def earlier_result(self) -> Result | None:
        """The first result when this caller used this key before with the same input."""
        record = self._earlier_record()
        if record is None:
            return None
        record.ensure_same(self._fingerprint)
        return Result(record.result_id, self._app.current_position(), replayed=True)

    def _earlier_record(self) -> IdempotencyRecord | None:
        if self._key is None:
            return None
        org = self._actor.organization_id
        record = self._app.find(IdempotencyRecord, ids.idempotency_record_id(
            org, self._command, self._key, caller_of(self._actor)), org)
        if record is not None:
            return record
        # A record made before keys were kept per caller answers only its author: the
        # person it names, or (when it names nobody) a caller sending the same input.
        legacy = self._app.find(IdempotencyRecord, ids.idempotency_record_id(
            org, self._command, self._key), org)
        if legacy is None or legacy.actor_id != self._actor.person_id:
            return None
        if legacy.actor_id is None and legacy.fingerprint != self._fingerprint:
            return None
        return legacy

    def record(self, result_id: UUID) -> IdempotencyRecord | None:
        """The record to save with the command's events (None without a key)."""
        if self._key is None:
            return None
        return IdempotencyRecord.of(self._actor, self._command, self._key, self._fingerprint,
                                    result_id)
