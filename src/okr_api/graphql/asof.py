"""Time travel and re-scoring for the queries: the cycle "as of" a moment (replayed from
its events, served from the history cache when it can be) and alternative policies.

Both are for analysts and admins: an answer "as of" a date may replay a whole cycle.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context
from okr_api.graphql.types.policy import PolicyInput, ScoringPolicy, scoring_policy
from okr_api.history.service import HistoryService
from okr_domain import clock, ids
from okr_domain.errors import InvalidInput
from okr_domain.values import BandEdges, OkrPolicy, Role
from projections.analysis import NORMAL_RULES, ScoringOptions
from projections.replay.cycle_state import CycleState

HISTORY_ROLES = (Role.ANALYST, Role.ADMIN)
TRAVEL_ROLES = (Role.ANALYST, Role.ADMIN, Role.MANAGER)
"""Who may ask about a moment (each within what they may see)."""


def require_history(info: Info, what: str) -> None:
    if not context(info).principal.has(*HISTORY_ROLES):
        raise ApiError("FORBIDDEN", f"{what} needs the ANALYST or ADMIN role")


def require_travel(info: Info) -> None:
    if not context(info).principal.has(*TRAVEL_ROLES):
        raise ApiError("FORBIDDEN", "asOf and knownAt need the ANALYST, ADMIN or MANAGER role")


def history_of(info: Info) -> HistoryService:
    service = context(info).services.extras.get("history")
    if not isinstance(service, HistoryService):
        raise ApiError("UNAVAILABLE", "history is not served by this process")
    return service


def moment(value: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def known(value: datetime | None) -> datetime | None:
    """``knownAt`` as an aware UTC datetime (None: everything recorded so far)."""
    return None if value is None else moment(value)


def valid_moment(as_of: datetime | None, known_at: datetime | None) -> datetime:
    """``asOf``, or when only ``knownAt`` is given, that moment (what was true then, as
    recorded then)."""
    if as_of is not None:
        return moment(as_of)
    return moment(known_at) if known_at is not None else clock.now()


async def cycle_as_of(info: Info, key: str, as_of: datetime,
                      known_at: datetime | None = None, *,
                      root: UUID | None = None) -> CycleState:
    """The caller's organization's cycle ``key`` as of ``as_of`` (valid time), as
    recorded by ``known_at`` (transaction time; None: everything recorded so far).
    The state holds no check-ins (the answers read objectives and key results); with
    ``root``, it may hold only that objective's subtree (what an alignment tree rooted
    there reads)."""
    require_travel(info)
    org_id = context(info).principal.organization_id
    history = history_of(info)
    cycle_id = ids.cycle_id(org_id, key)
    if root is not None:
        state = await history.subtree_at(org_id, cycle_id, root, moment(as_of),
                                         known(known_at))
    else:
        state = await history.cycle_at(org_id, cycle_id, moment(as_of), known(known_at))
    if not state.exists:
        raise ApiError("NOT_FOUND", f"no cycle {key} as of {moment(as_of).isoformat()}")
    return state


def rescoring(policy: OkrPolicy, given: PolicyInput | None,
              ) -> tuple[OkrPolicy, ScoringOptions, ScoringPolicy | None]:
    """The policy and options to score with, and what to report (None: the organization's
    own rules, unchanged)."""
    if given is None:
        return policy, NORMAL_RULES, None
    edges = policy.bands
    bands = given.bands
    try:
        chosen = replace(
            policy, roll_up=given.roll_up or policy.roll_up,
            bands=edges if bands is None else BandEdges(
                low=edges.low if bands.low is None else bands.low,
                sweet_from=edges.sweet_from if bands.sweet_from is None else bands.sweet_from,
                sweet_to=edges.sweet_to if bands.sweet_to is None else bands.sweet_to,
                too_safe=edges.too_safe if bands.too_safe is None else bands.too_safe))
    except InvalidInput as error:
        raise ApiError("INVALID_INPUT", error.message, field="policy.bands") from None
    options = ScoringOptions(honour_weights=given.honour_weights,
                             cap_progress=given.cap_progress, use_final_grades=False)
    return chosen, options, scoring_policy(chosen, given.honour_weights, given.cap_progress)


def require_rescoring(info: Info, given: PolicyInput | None) -> None:
    if given is not None:
        require_history(info, "policy")
