"""Grades at cycle close and the content hash that freezes them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Grade:
    objective_id: UUID
    computed_score: float
    override: float | None
    final_score: float
    band: str


def grades_hash(grades: Iterable[Grade]) -> str:
    """SHA-256 over the grades in objective-id order, scores at 6 decimal places.

    Anyone replaying the cycle can recompute this and compare it with the close event.
    """
    rows = [
        [g.objective_id.hex, f"{g.computed_score:.6f}",
         None if g.override is None else f"{g.override:.6f}", f"{g.final_score:.6f}", g.band]
        for g in sorted(grades, key=lambda g: g.objective_id.hex)
    ]
    canonical = json.dumps(rows, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
