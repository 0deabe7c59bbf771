"""The Subscription root: the live OKR feeds, over graphql-transport-ws (and graphql-ws)
at /graphql, authenticated by the bearer token in ``connection_init``."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

import strawberry
from graphql import GraphQLError

from okr_api.auth import AuthError
from okr_api.errors import classify
from okr_api.graphql.base import Info, context, require_role
from okr_api.graphql.types.live import OkrEvent, OkrEventFilterInput, event_filter
from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.model import SCORE_TYPES, EventType
from okr_api.live.render import SEND, plan_of
from okr_api.live.service import LiveFeed
from okr_api.live.stream import CursorBeyondHead, Refused, StreamEnded, stream
from okr_domain.values import Role

ENDINGS = """

A subscriber that falls too far behind (its queue is full) gets an error with
`extensions.code` SUBSCRIBER_TOO_SLOW and `extensions.resumeAfter`, the position of the
last event it received; subscribe again with `after:` that position. When the server
shuts down the code is SHUTTING_DOWN, with the same `resumeAfter`. The stream checks its
subscriber every second, events or not: a token that expired or was revoked ends it
with UNAUTHENTICATED, a role the feed needs no longer held with FORBIDDEN (both with
`resumeAfter`); a narrower scope applies from the next event. An `after` beyond the
last stored position is refused with CURSOR_BEYOND_HEAD (`extensions.head` is the last
position). Nothing is dropped silently."""

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
                  after: int | None, *roles: Role) -> AsyncGenerator[OkrEvent, None]:
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
    reauthenticate = getattr(ctx, "reauthenticate", None)

    async def check() -> Audience:
        principal = ctx.principal
        if reauthenticate is not None:
            try:
                principal = await reauthenticate()
            except AuthError as error:
                raise Refused("UNAUTHENTICATED", str(error)) from None
        if roles and not principal.has(*roles):
            raise Refused("FORBIDDEN", "the token no longer has a role this feed needs")
        return await feed.audience_for(principal)

    send = SEND.get()
    plan = plan_of(info._raw_info, OkrEvent.of) if send is not None else None
    try:
        async for items in stream(feed.hub, feed.event_log, check, where, after, plan):
            for item in items:
                if send is not None and item.payload is not None:
                    await send(item.payload)  # the cohort's bytes, as they are
                    continue
                # The connection's context outlives each event: cached rows would go
                # stale.
                ctx.loaders.clear()
                yield OkrEvent(event=item.event)
    except CursorBeyondHead as beyond:
        raise GraphQLError(str(beyond), extensions={
            "code": "CURSOR_BEYOND_HEAD", "head": beyond.head}) from None
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

        async for event in _events(info, where, after, Role.HR, Role.ADMIN):
            yield event

    @strawberry.subscription(description=OKR_EVENTS)
    async def okr_events(self, info: Info, after: int | None = None,
                         filter: OkrEventFilterInput | None = None,
                         ) -> AsyncGenerator[OkrEvent, None]:
        async def where() -> EventFilter:
            return (await event_filter(info, filter)).restricted_to(frozenset(EventType))

        async for event in _events(info, where, after):
            yield event
