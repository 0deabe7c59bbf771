"""What every resolver can reach: the services of the process and the caller."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from okr_api.admission import HEAVY_QUERY_SLOTS, Admission
from okr_api.auth import Principal, TokenKeys
from okr_api.query_limits import Limits
from okr_api.settings import Settings
from okr_domain.application import OkrApplication
from okr_domain.values import HrMode, Role

if TYPE_CHECKING:
    from okr_api.request_loaders import ReadModel, RequestLoaders


@dataclass
class Services:
    """Built once per process by the app factory."""

    settings: Settings
    app: OkrApplication
    read_model: ReadModel
    keys: TokenKeys
    limits: Limits = field(default_factory=Limits)
    extras: dict[str, Any] = field(default_factory=dict)
    commands: Executor | None = None
    """Runs commands (None: the event loop's default threads)."""
    admission: Admission = field(default_factory=lambda: Admission(HEAVY_QUERY_SLOTS))


@dataclass
class Context:
    """One per request (one per connection for WebSocket subscriptions)."""

    services: Services
    principal: Principal
    loaders: RequestLoaders
    cost: int | None = None  # the operation's cost, once the cost limit has counted it
    hr_mode: HrMode | None = None
    """The HR mode an HR reader (HR role, not ADMIN) reads under, read from the policy when
    the request (or the WebSocket connection) starts; None for everyone else."""

    @property
    def app(self) -> OkrApplication:
        return self.services.app


async def hr_mode_for(services: Services, principal: Principal) -> HrMode | None:
    """The HR mode ``principal`` reads under (``okr_api.graphql.hr_mode``), or None."""
    if not principal.has(Role.HR) or principal.has(Role.ADMIN):
        return None
    organization = await services.read_model.organization(principal.organization_id)
    return organization.policy.hr_mode if organization is not None else HrMode.NONE
