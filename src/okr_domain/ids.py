"""Deterministic identifiers: the same natural key always names the same aggregate."""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("5b0f3c1e-7a53-4d1e-9f3c-6f6b72686973")


def organization_id(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"organization:{slug}")


def person_id(organization: UUID, external_id: str) -> UUID:
    return uuid5(organization, f"person:{external_id}")


def cycle_id(organization: UUID, key: str) -> UUID:
    return uuid5(organization, f"cycle:{key}")


def alignment_graph_id(organization: UUID) -> UUID:
    return uuid5(organization, "alignment-graph")


def idempotency_record_id(organization: UUID, command: str, key: str) -> UUID:
    return uuid5(organization, f"idempotency:{command}:{key}")
