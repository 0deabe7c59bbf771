"""Key results and their check-ins, held inside their objective."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from uuid import UUID

from okr_domain import scoring
from okr_domain.values import MetricType

MAX_KEY_RESULTS = 25
_APPLIES_THEN_SEQUENCE = attrgetter("applies_at", "sequence")


@dataclass
class CheckIn:
    id: UUID
    key_result_id: UUID
    value: Decimal
    applies_at: datetime
    sequence: int
    confidence: int | None
    note: str
    author_id: UUID | None


@dataclass
class KeyResult:
    id: UUID
    title: str
    metric_type: MetricType
    start: Decimal
    target: Decimal
    unit: str
    weight: float
    check_ins: list[CheckIn] = field(default_factory=list)

    @property
    def latest(self) -> CheckIn | None:
        """The check-in that sets the current value: the one that applies latest
        (ties broken by recording order), so a back-dated check-in does not win."""
        if not self.check_ins:
            return None
        return max(self.check_ins, key=_APPLIES_THEN_SEQUENCE)

    @property
    def current(self) -> Decimal:
        latest = self.latest
        return latest.value if latest else self.start

    @property
    def has_value(self) -> bool:
        return bool(self.check_ins)

    @property
    def progress(self) -> Fraction:
        return scoring.progress(self.metric_type, self.start, self.target, self.current)

    @property
    def score(self) -> Fraction:
        return scoring.clamp(self.progress)
