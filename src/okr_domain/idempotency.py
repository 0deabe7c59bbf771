"""Idempotency records: a retried command with the same key is recorded once.

Keys belong to their caller (a person, a service account, or the service itself): the
same key sent by someone else is their own first request, and says nothing about the
other's. The record is saved in the same transaction as the command's events; two
concurrent requests with one key collide on the record's version and the loser, on
retry, finds the record and answers with the first result.

Records written before keys were kept per caller are named by command and key alone;
they still answer their author's retries (see ``command_base.Idempotency``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids
from okr_domain.access import Actor
from okr_domain.base import OkrAggregate
from okr_domain.errors import ErrorCode, InvalidInput

KEY_MAX = 200


def fingerprint(arguments: dict[str, Any]) -> str:
    """A stable digest of a command's arguments."""
    canonical = json.dumps(arguments, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def caller_of(actor: Actor) -> str:
    """Whose keys these are: ``person:<id>``, ``service:<id>`` or ``system``."""
    if actor.person_id is not None:
        return f"person:{actor.person_id.hex}"
    if actor.service_account_id is not None:
        return f"service:{actor.service_account_id.hex}"
    return "system"


def check_key(key: str) -> str:
    if not 1 <= len(key) <= KEY_MAX or not key.isprintable():
        raise InvalidInput(f"idempotency key must be 1-{KEY_MAX} printable characters",
                           field="idempotencyKey")
    return key


class IdempotencyRecord(OkrAggregate):
    TOPIC = "okr.IdempotencyRecord"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.IdempotencyRecord.Created"
        command: str
        key: str
        fingerprint: str
        result_id: UUID

    @classmethod
    def of(cls, actor: Actor, command: str, key: str, fingerprint: str,
           result_id: UUID) -> IdempotencyRecord:
        """The record of the actor's key (named by caller, command and key)."""
        record_id = ids.idempotency_record_id(actor.organization_id, command, key,
                                              caller_of(actor))
        return cls._create(cls.Created, id=record_id, organization_id=actor.organization_id,
                           actor_id=actor.person_id, cycle_id=None, command=command, key=key,
                           fingerprint=fingerprint, result_id=result_id)

    def __init__(self, organization_id: UUID, actor_id: UUID | None, cycle_id: UUID | None,
                 command: str, key: str, fingerprint: str, result_id: UUID) -> None:
        self.organization_id = organization_id
        self.actor_id = actor_id
        self.command = command
        self.key = key
        self.fingerprint = fingerprint
        self.result_id = result_id

    def ensure_same(self, fingerprint_: str) -> None:
        if fingerprint_ != self.fingerprint:
            raise InvalidInput(
                "this idempotency key was already used with different input",
                field="idempotencyKey", code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
            )
