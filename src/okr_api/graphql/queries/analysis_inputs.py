"""Arguments the analysis and history queries share: the moment (asOf, knownAt), an
alternative scoring policy, and the scope (organization, team or person)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import optional_uuid
from okr_api.graphql.types.policy import PolicyInput
from projections import analysis

AsOf = Annotated[datetime | None, strawberry.argument(
    description="Answer as of this moment (valid time: a check-in counts from when it "
                "applies), replayed from the events (ANALYST, ADMIN or MANAGER, each within "
                "what they may see).")]
KnownAt = Annotated[datetime | None, strawberry.argument(
    description="Answer as recorded by this moment: later writes (late check-ins, "
                "corrections) left out (ANALYST, ADMIN or MANAGER). Without asOf, asOf is this "
                "moment too.")]
Rescore = Annotated[PolicyInput | None, strawberry.argument(
    description="Answer as if this scoring policy had held all cycle (ANALYST or ADMIN).")]


@strawberry.input(description="Whose objectives: the organization (default), a team "
                              "(with its sub-teams unless told otherwise) or a person.")
class ScopeInput:
    team_id: relay.GlobalID | None = None
    include_sub_teams: bool = True
    person_id: relay.GlobalID | None = None


def scope_of(given: ScopeInput | None) -> analysis.Scope:
    if given is None:
        return analysis.ORGANIZATION
    team = optional_uuid(given.team_id, "Team", field="scope.teamId")
    person = optional_uuid(given.person_id, "Person", field="scope.personId")
    if team and person:
        raise ApiError("INVALID_INPUT", "scope takes a team or a person, not both")
    if team:
        return analysis.Scope.team(team, include_sub_teams=given.include_sub_teams)
    if person:
        return analysis.Scope.person(person)
    return analysis.ORGANIZATION
