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
    _scored: tuple[object, ...] | None = field(default=None, init=False, repr=False,
                                               compare=False)
    """(metric, start, target, current, progress, score) of the last scoring."""

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
        return self._scoring()[4]  # type: ignore[return-value]

    @property
    def score(self) -> Fraction:
        return self._scoring()[5]  # type: ignore[return-value]

    def _scoring(self) -> tuple[object, ...]:
        # A command scores every key result of its objective (a check-in: before and
        # after), and most have not changed since: progress is a function of the metric,
        # start, target and current value alone, all immutable, so a scoring is reused
        # while each is the same object (a correction or an edit puts in new ones).
        current = self.current
        scored = self._scored
        if (scored is None or scored[3] is not current or scored[1] is not self.start
                or scored[2] is not self.target or scored[0] is not self.metric_type):
            progress = scoring.progress(self.metric_type, self.start, self.target, current)
            scored = self._scored = (self.metric_type, self.start, self.target, current,
                                     progress, scoring.clamp(progress))
        return scored
