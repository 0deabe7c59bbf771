"""A scene for the visibility tests: the world of conftest (built at pinned moments), plus
Alice's private "Secret stretch" (aspirational, 95% done, aligned to the team objective)
under a policy that rolls objectives up from their aligned children.

Bob is Alice's peer; Lee (lead) is her manager, Cleo (ceo) his; the admin sees
everything. Alice's other private objective (committed, BINARY at 0, not aligned) is in
the world already. "bob_analyst" and "lead_analyst" are the same people with the ANALYST
role, for the history queries.

Scores as the admin, Lee and Cleo see them: Learn GraphQL 0.4, Secret 0.95, the team
objective (0.4 + 0.95) / 2 = 0.675, the company objective (rolled up from the team's)
0.675. As Bob sees them: the team objective 0.4 (Learn GraphQL alone), the company 0.4.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.values import Level, MetricType, Role, RollUp, Visibility
from tests.api.conftest import Api, World, gid, start_world, token_for

BUILT = datetime(2026, 10, 5, 9, tzinfo=UTC)
SECRET_MADE = datetime(2026, 10, 5, 10, tzinfo=UTC)
CHECKED_IN = datetime(2026, 10, 12, 10, tzinfo=UTC)
AS_OF = "2026-10-20T00:00:00Z"
PEERS = ("bob", "bob_analyst")
SEE_ALL = ("lead", "lead_analyst", "ceo", "admin")
ANALYSTS = ("bob_analyst", "lead_analyst", "admin")


@dataclass(frozen=True)
class Scene:
    api: Api
    world: World
    secret: UUID
    secret_kr: UUID

    def ids(self) -> dict[str, str]:
        w = self.world
        return {name: gid("Objective", value) for name, value in (
            ("company", w.company_objective), ("team", w.team_objective),
            ("mine", w.alice_objective), ("private", w.alice_private),
            ("secret", self.secret))}


def add_secret(app: OkrApplication, w: World) -> tuple[UUID, UUID]:
    system = Actor.system(w.org)
    with simulated_time(SECRET_MADE):
        app.update_organization_policy(system, roll_up=RollUp.ALIGNED_CHILDREN)
        secret = app.create_objective(system, w.cycle, Level.INDIVIDUAL, "Secret stretch",
                                      owner_person_id=w.alice,
                                      visibility=Visibility.PRIVATE).id
        kr = app.add_key_result(system, secret, "Done", MetricType.MILESTONE).id
        app.activate_objective(system, secret)
        app.align_objective(system, secret, w.team_objective)
    with simulated_time(CHECKED_IN):
        app.record_check_in(system, secret, kr, 95)
        app.record_check_in(system, w.alice_objective, w.key_result, 4)
    return secret, kr


async def settle(api: Api) -> None:
    """Wait for the read models and the event index to take in every event."""
    services = api.fastapi.state.services
    assert await services.read_model.wait_for_position(api.events(), 10.0)
    index = await services.extras["history"].event_index()
    assert await index.wait_for_position(api.events(), 10.0)


async def make_scene(api: Api) -> Scene:
    with simulated_time(BUILT):
        world = await start_world(api)
    secret, kr = await asyncio.to_thread(add_secret, api.app, world)
    # Tokens are minted at the service's time, not at the moment the world was built.
    api.tokens.update({
        "admin": token_for(world.org, world.ceo, Role.ADMIN),
        "ceo": token_for(world.org, world.ceo, Role.MANAGER),
        "lead": token_for(world.org, world.lead, Role.MANAGER),
        "bob": token_for(world.org, world.bob, Role.MEMBER),
        "bob_analyst": token_for(world.org, world.bob, Role.ANALYST),
        "lead_analyst": token_for(world.org, world.lead, Role.MANAGER, Role.ANALYST),
    })
    await settle(api)
    return Scene(api, world, secret, kr)


async def ask(scene: Scene, query: str, as_: str, **variables: Any) -> Any:
    """The answer's one top-level field, asserting there were no errors."""
    body = await scene.api.gql(query, variables, as_=as_)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def viewers(as_of: str | None) -> tuple[str, ...]:
    """Who to ask: everyone; as of a moment, those allowed to (analysts and admins)."""
    everyone = ("admin", *PEERS, *SEE_ALL)
    return everyone if as_of is None else tuple(v for v in everyone if v in ANALYSTS)
