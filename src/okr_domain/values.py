"""Enumerations and value objects of the OKR practice."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from okr_domain.errors import InvalidInput


def is_time_zone(name: str) -> bool:
    """An IANA zone name the system's database knows ("UTC", "Asia/Tokyo")."""
    if not name or len(name) > 64 or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
        _ZONES.add("UTC")
    return _ZONES


class Role(StrEnum):
    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    MEMBER = "MEMBER"
    HR = "HR"
    ANALYST = "ANALYST"


class Level(StrEnum):
    COMPANY = "COMPANY"
    TEAM = "TEAM"
    INDIVIDUAL = "INDIVIDUAL"


LEVEL_RANK = {Level.INDIVIDUAL: 1, Level.TEAM: 2, Level.COMPANY: 3}


class Kind(StrEnum):
    COMMITTED = "COMMITTED"
    ASPIRATIONAL = "ASPIRATIONAL"


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class ObjectiveStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
    ARCHIVED = "ARCHIVED"


OPEN_STATUSES = frozenset({ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE})


class CycleStatus(StrEnum):
    PLANNING = "PLANNING"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class TeamKind(StrEnum):
    COMPANY = "COMPANY"
    DEPARTMENT = "DEPARTMENT"
    TEAM = "TEAM"


class MetricType(StrEnum):
    INCREASE_TO = "INCREASE_TO"
    DECREASE_TO = "DECREASE_TO"
    STAY_AT_OR_ABOVE = "STAY_AT_OR_ABOVE"
    STAY_AT_OR_BELOW = "STAY_AT_OR_BELOW"
    BINARY = "BINARY"
    MILESTONE = "MILESTONE"


class RollUp(StrEnum):
    KEY_RESULTS = "KEY_RESULTS"
    ALIGNED_CHILDREN = "ALIGNED_CHILDREN"
    BOTH = "BOTH"


class HrMode(StrEnum):
    RESULTS = "RESULTS"
    EFFORT = "EFFORT"
    NONE = "NONE"


class Band(StrEnum):
    """Aspirational scores fall in LOW ... TOO_SAFE. A committed objective is MET or
    MISSED at close (the verdict); before it, ON_TRACK or BEHIND its pace."""

    LOW = "LOW"
    PROGRESS = "PROGRESS"
    SWEET_SPOT = "SWEET_SPOT"
    HIGH = "HIGH"
    TOO_SAFE = "TOO_SAFE"
    MET = "MET"
    MISSED = "MISSED"
    ON_TRACK = "ON_TRACK"
    BEHIND = "BEHIND"


class ProposalSide(StrEnum):
    """A side of an alignment: the child objective's owner or the parent's."""

    CHILD = "CHILD"
    PARENT = "PARENT"

    @property
    def other(self) -> ProposalSide:
        return ProposalSide.PARENT if self is ProposalSide.CHILD else ProposalSide.CHILD


class ProposalStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


@dataclass(frozen=True)
class BandEdges:
    """LOW < low <= PROGRESS < sweet_from <= SWEET_SPOT <= sweet_to < HIGH < too_safe
    <= TOO_SAFE."""

    low: float = 0.3
    sweet_from: float = 0.6
    sweet_to: float = 0.7
    too_safe: float = 0.9

    def __post_init__(self) -> None:
        edges = (self.low, self.sweet_from, self.sweet_to, self.too_safe)
        if not all(0.0 <= e <= 1.0 for e in edges):
            raise InvalidInput("band edges must lie in [0, 1]", field="bands")
        if not self.low <= self.sweet_from <= self.sweet_to < self.too_safe:
            raise InvalidInput(
                "band edges must satisfy low <= sweetFrom <= sweetTo < tooSafe", field="bands"
            )


@dataclass(frozen=True)
class OkrPolicy:
    """An organization's OKR policy: score bands, roll-up, HR mode and cadences (the
    README's "Scores and bands" and "The practice")."""

    bands: BandEdges = field(default_factory=BandEdges)
    roll_up: RollUp = RollUp.KEY_RESULTS
    hr_mode: HrMode = HrMode.RESULTS
    check_in_cadence_days: int = 7
    time_zone: str = "UTC"
    """The IANA time zone the organization counts its days in (reminders, dashboards)."""
    one_on_one_cadence_days: int = 14
    """How often an objective's check-ins are expected to be made in a 1:1."""
    direct_alignment_by_parent_owner: bool = False
    """May a parent objective's owner align a child it controls without a proposal?"""

    def __post_init__(self) -> None:
        if not 1 <= self.check_in_cadence_days <= 90:
            raise InvalidInput(
                "check-in cadence must be between 1 and 90 days", field="checkInCadenceDays"
            )
        if not 1 <= self.one_on_one_cadence_days <= 90:
            raise InvalidInput("the 1:1 cadence must be between 1 and 90 days",
                               field="oneOnOneCadenceDays")
        if not is_time_zone(self.time_zone):
            raise InvalidInput(f"{self.time_zone[:64]!r} is not an IANA time zone",
                               field="timeZone")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def to_dict(self) -> dict[str, object]:
        return {
            "bands": {
                "low": self.bands.low,
                "sweet_from": self.bands.sweet_from,
                "sweet_to": self.bands.sweet_to,
                "too_safe": self.bands.too_safe,
            },
            "roll_up": self.roll_up.value,
            "hr_mode": self.hr_mode.value,
            "check_in_cadence_days": self.check_in_cadence_days,
            "time_zone": self.time_zone,
            "one_on_one_cadence_days": self.one_on_one_cadence_days,
            "direct_alignment_by_parent_owner": self.direct_alignment_by_parent_owner,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> OkrPolicy:
        bands = data.get("bands") or {}
        assert isinstance(bands, dict)
        cadence = data.get("check_in_cadence_days", 7)
        assert isinstance(cadence, int)
        return cls(
            bands=BandEdges(**{k: float(v) for k, v in bands.items()}),
            roll_up=RollUp(str(data.get("roll_up", RollUp.KEY_RESULTS))),
            hr_mode=HrMode(str(data.get("hr_mode", HrMode.RESULTS))),
            check_in_cadence_days=cadence,
            time_zone=str(data.get("time_zone", "UTC")),
            one_on_one_cadence_days=int(str(data.get("one_on_one_cadence_days", 14))),
            direct_alignment_by_parent_owner=bool(
                data.get("direct_alignment_by_parent_owner", False)),
        )
