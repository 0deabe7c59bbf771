"""Grades at cycle close and the content hash that freezes them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from uuid import UUID

from okr_domain.scoring import Number, fixed_text

HASH_PLACES = 6


@dataclass(frozen=True)
class Grade:
    """Scores are exact; the band is that of the exact final score."""

    objective_id: UUID
    computed_score: Fraction
    override: Fraction | None
    final_score: Fraction
    band: str


def score_text(value: Number | None) -> str | None:
    """A grade's score as the hash writes it: the exact value at 6 decimal places."""
    return None if value is None else fixed_text(value, HASH_PLACES)


def float_score_text(value: Number | None) -> str | None:
    """The text closes recorded before scores were exact: the float's own formatting."""
    return None if value is None else f"{float(value):.6f}"


def grades_hash(grades: Iterable[Grade],
                text: Callable[[Number | None], str | None] = score_text) -> str:
    """SHA-256 over the grades in objective-id order, scores at 6 decimal places.

    Anyone replaying the cycle can recompute this and compare it with the close event.
    """
    rows = [
        [g.objective_id.hex, text(g.computed_score), text(g.override),
         text(g.final_score), g.band]
        for g in sorted(grades, key=lambda g: g.objective_id.hex)
    ]
    canonical = json.dumps(rows, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
