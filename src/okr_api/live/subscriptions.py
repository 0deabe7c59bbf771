"""The Subscription root: the live OKR feeds, over graphql-transport-ws (and graphql-ws)
at /graphql, authenticated by the bearer token in ``connection_init``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

import strawberry
from graphql import GraphQLError

from okr_api.errors import classify
from okr_api.graphql.base import Info, context, require_role
from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.model import SCORE_TYPES, EventType
from okr_api.live.schema_types import OkrEvent, OkrEventFilterInput, event_filter
from okr_api.live.service import LiveFeed
from okr_api.live.stream import StreamEnded, stream
from okr_domain.values import Role

ENDINGS = """

A subscriber that falls too far behind (its queue is full) gets an error with
`extensions.code` SUBSCRIBER_TOO_SLOW and `extensions.resumeAfter`, the position of the
last event it received; subscribe again with `after:` that position. When the server
shuts down the code is SHUTTING_DOWN, with the same `resumeAfter`. Nothing is dropped
silently."""

SCORE_EVENTS = """Check-ins, corrections, grades and closes, in position order.

With `after`, the events stored after that position come first, then live ones, with no
gap and no duplicate; without it, events from now on. Needs the HR or ADMIN role. The
HR role (without ADMIN) gets what the organization's HR mode allows: RESULTS, full
scores and grades; EFFORT, check-ins made and cadence kept, without values or scores;
NONE, nothing. Private objectives' events reach only those who may see them.""" + ENDINGS

OKR_EVENTS = """Every OKR event (creation, edits, alignment changes, key result changes,
check-ins, grades), in position order, for anyone in the organization: events of
private objectives only for those who may see them, and the HR role (without ADMIN)
per the organization's HR mode. `after` works as for `scoreEvents`.""" + ENDINGS


async def _events(info: Info, where_of: Callable[[], Awaitable[EventFilter]],
                  after: int | None) -> AsyncGenerator[OkrEvent, None]:
    ctx = context(info)
    feed: LiveFeed = ctx.services.extras["live"]
    try:
        if after is not None and after < 0:
            raise GraphQLError("after must be 0 or more", extensions={"code": "INVALID_INPUT"})
        where = await where_of()
    except GraphQLError:
        raise
    except Exception as error:  # ApiError, InvalidQueryError...: keep their codes
        raise classify(GraphQLError(str(error), original_error=error)) from None
    principal = ctx.principal

    async def audience() -> Audience:
        return await feed.audience_for(principal)

    try:
        async for event in stream(feed.hub, feed.event_log, audience, where, after):
            # The connection's context outlives each event: cached rows would go stale.
            ctx.loaders.clear()
            yield OkrEvent(event=event)
    except StreamEnded as ended:
        raise GraphQLError(ended.message, extensions={
            "code": ended.code, "resumeAfter": ended.resume_after}) from None


@strawberry.type
class Subscription:
    @strawberry.subscription(description=SCORE_EVENTS)
    async def score_events(self, info: Info, after: int | None = None,
                           filter: OkrEventFilterInput | None = None,
                           ) -> AsyncGenerator[OkrEvent, None]:
        async def where() -> EventFilter:
            require_role(context(info), Role.HR, Role.ADMIN)
            return (await event_filter(info, filter)).restricted_to(SCORE_TYPES)

        async for event in _events(info, where, after):
            yield event

    @strawberry.subscription(description=OKR_EVENTS)
    async def okr_events(self, info: Info, after: int | None = None,
                         filter: OkrEventFilterInput | None = None,
                         ) -> AsyncGenerator[OkrEvent, None]:
        async def where() -> EventFilter:
            return (await event_filter(info, filter)).restricted_to(frozenset(EventType))

        async for event in _events(info, where, after):
            yield event
