"""What the load clients saw: every request's status, and every write the API
acknowledged (to be found in the store exactly once afterwards)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

from tests.reliability.world import KeyResultRef


@dataclass(frozen=True)
class CheckInAck:
    key: str
    check_in_id: UUID | None  # None: the write went through, reading it back did not
    position: int
    key_result: KeyResultRef
    note: str


@dataclass(frozen=True)
class AlignmentAck:
    child: UUID
    parent: UUID | None  # None: unaligned
    position: int


@dataclass
class Ledger:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    check_ins: list[CheckInAck] = field(default_factory=list)
    alignments: list[AlignmentAck] = field(default_factory=list)
    keys_sent: set[str] = field(default_factory=set)
    refused_keys: set[str] = field(default_factory=set)
    """Check-in keys refused with user errors: nothing may have been written for them."""
    user_errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    partial: int = 0
    """200 answers with parts marked SERVICE_UNAVAILABLE (the database went away)."""
    unavailable: list[tuple[float, float]] = field(default_factory=list)
    """(when, seconds it took) of every 503."""
    transport_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """Anything that must never happen: a 5xx other than 503, a hang, a stack trace, an
    unexpected answer."""

    def status(self, code: int, latency: float) -> None:
        self.requests += 1
        self.statuses[code] += 1
        if code == 503:
            self.unavailable.append((time.monotonic(), latency))

    def fail(self, what: str) -> None:
        if len(self.failures) < 200:
            self.failures.append(what)

    def summary(self) -> str:
        slowest = max((s for _, s in self.unavailable), default=0.0)
        return (f"{self.requests} requests {dict(self.statuses)}, "
                f"{len(self.check_ins)} check-ins and {len(self.alignments)} alignment "
                f"changes acknowledged, {self.retries} retries, {len(self.unavailable)} "
                f"answered 503 (slowest {slowest:.2f}s), {self.partial} partly unavailable, "
                f"{len(self.transport_errors)} transport errors, "
                f"user errors {dict(self.user_errors)}")
