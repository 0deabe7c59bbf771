"""Deterministic identifiers: the same natural key always names the same aggregate."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID, uuid4, uuid5

_random_ids: ContextVar[random.Random | None] = ContextVar("okr_seeded_ids", default=None)

NAMESPACE = UUID("5b0f3c1e-7a53-4d1e-9f3c-6f6b72686973")


def organization_id(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"organization:{slug}")


def person_id(organization: UUID, external_id: str) -> UUID:
    return uuid5(organization, f"person:{external_id}")


def cycle_id(organization: UUID, key: str) -> UUID:
    return uuid5(organization, f"cycle:{key}")


def alignment_graph_id(organization: UUID) -> UUID:
    return uuid5(organization, "alignment-graph")


def idempotency_record_id(organization: UUID, command: str, key: str,
                          caller: str | None = None) -> UUID:
    """The record of a caller's idempotency key (``caller`` like ``person:<uuid>``); without
    a caller, the record of a key sent before keys were kept per caller."""
    if caller is None:
        return uuid5(organization, f"idempotency:{command}:{key}")
    return uuid5(organization, f"idempotency:{caller}:{command}:{key}")


def new_id() -> UUID:
    """A fresh random id (from a seeded generator inside ``seeded_ids``)."""
    rng = _random_ids.get()
    if rng is None:
        return uuid4()
    return UUID(int=rng.getrandbits(128), version=4)


@contextmanager
def seeded_ids(seed: int) -> Iterator[None]:
    """Make ``new_id()`` deterministic in this context (the data generator)."""
    token = _random_ids.set(random.Random(seed))
    try:
        yield
    finally:
        _random_ids.reset(token)


def check_in_reminder_id(organization: UUID, person: UUID, cycle: UUID, period: int) -> UUID:
    """One reminder per person, cycle and cadence period: the id is the guard that keeps
    it one across restarts and processes."""
    return uuid5(organization, f"check-in-reminder:{person.hex}:{cycle.hex}:{period}")
