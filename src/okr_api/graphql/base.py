"""Helpers every resolver uses: the context, global IDs and visibility."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.context import Context
from okr_api.errors import ApiError
from okr_api.query_limits import MAX_PAGE_SIZE
from okr_domain.values import Role
from projections.catalog.rows import ObjectiveRow, ProposalRow

Info = strawberry.Info[Context, None]


def context(info: Info) -> Context:
    return info.context


def global_id(type_name: str, value: UUID) -> relay.GlobalID:
    return relay.GlobalID(type_name, value.hex)


def uuid_of(value: relay.GlobalID | None, *type_names: str, field: str) -> UUID:
    """The UUID inside a global ID of one of the expected types.

    Wrong types, malformed IDs and (later, at load time) other tenants' IDs are all
    reported as not found, so IDs reveal nothing.
    """
    if value is None:
        raise ApiError("INVALID_INPUT", f"{field} is required", field=field)
    if value.type_name not in type_names:
        raise ApiError("NOT_FOUND", f"{field} does not name a {' or '.join(type_names)}",
                       field=field)
    try:
        return UUID(hex=value.node_id)
    except ValueError:
        raise ApiError("NOT_FOUND", f"{field} is not a valid ID", field=field) from None


def optional_uuid(value: relay.GlobalID | None, *type_names: str, field: str) -> UUID | None:
    return None if value is None else uuid_of(value, *type_names, field=field)


async def can_see(ctx: Context, row: ObjectiveRow) -> bool:
    """Public objectives for everyone in the organization; private ones for their owner,
    the owner's manager chain, the leads above the owner team, and admins."""
    if row.organization_id != ctx.principal.organization_id:
        return False
    if row.visibility.value == "PUBLIC" or ctx.principal.has(Role.ADMIN):
        return True
    person_id = ctx.principal.actor.person_id
    if person_id is None:
        return False
    return (await ctx.loaders.scope(person_id)).sees(row)


async def can_see_proposal(ctx: Context, proposal: ProposalRow) -> bool:
    """An alignment proposal is seen by those who may see both its objectives."""
    for side in (proposal.child_id, proposal.parent_id):
        objective = await ctx.loaders.objective.load(side)
        if objective is None or not await can_see(ctx, objective):
            return False
    return True


def require_role(ctx: Context, *roles: Role) -> None:
    if not ctx.principal.has(*roles):
        names = " or ".join(r.value for r in roles)
        raise ApiError("FORBIDDEN", f"this needs the {names} role")


def first_of(first: int | None, default: int = 20) -> int:
    if first is None:
        return default
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ApiError("INVALID_INPUT", f"first must be between 0 and {MAX_PAGE_SIZE}")
    return first


SEARCH_MAX = 200


def search_text(value: str | None, *, field: str) -> str | None:
    """A search string as the readers take it (None for no search). Control characters
    are refused: they match no stored text, and PostgreSQL cannot even take a NUL."""
    if not value:
        return None
    if len(value) > SEARCH_MAX:
        raise ApiError("INVALID_INPUT", f"{field} is longer than {SEARCH_MAX} characters",
                       field=field)
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ApiError("INVALID_INPUT", f"{field} contains control characters", field=field)
    return value


def composite_id(owner: UUID, part: UUID) -> str:
    """Node id of something held inside an objective (key results, check-ins)."""
    return f"{owner.hex}.{part.hex}"


def split_composite(node_id: str) -> tuple[UUID, UUID] | None:
    owner, _, part = node_id.partition(".")
    try:
        return UUID(hex=owner), UUID(hex=part)
    except ValueError:
        return None


def composite_of(value: relay.GlobalID | None, type_name: str,
                 field: str) -> tuple[UUID, UUID]:
    if value is None:
        raise ApiError("INVALID_INPUT", f"{field} is required", field=field)
    parts = split_composite(value.node_id) if value.type_name == type_name else None
    if parts is None:
        raise ApiError("NOT_FOUND", f"{field} does not name a {type_name}", field=field)
    return parts
