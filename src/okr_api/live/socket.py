"""GraphQL over WebSocket at /graphql: graphql-transport-ws and the legacy graphql-ws.

The HTTP handler (``okr_api.http.endpoint``) keeps GET and POST; this only takes the WebSocket
upgrade, with the one schema of the process. The caller authenticates in
``connection_init``: ``{"Authorization": "Bearer <token>"}`` or ``{"authToken":
"<token>"}`` (an ``Authorization`` header on the upgrade request works too). A refused
token closes the connection (4403 Forbidden on graphql-transport-ws, a
``connection_error`` on graphql-ws) before any operation runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

import orjson
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope
from starlette.types import Send as ASGISend
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.unset import UNSET, UnsetType

from okr_api.auth import AuthError, Principal, token_header
from okr_api.context import Context, Services, hr_mode_for
from okr_api.graphql.schema import schema
from okr_api.http.endpoint import authenticate
from okr_api.http.request_limits import headers_too_large
from okr_api.live.render import SEND, Send
from okr_api.live.transport_ws import LeanConnection, picks_transport_ws
from okr_api.request_loaders import RequestLoaders
from okr_domain.access import Actor

log = logging.getLogger("okr_api.live")
NOBODY = UUID(int=0)


@dataclass
class SocketContext(Context):
    """The context of one WebSocket connection (it lives as long as the connection)."""

    connection_params: Any = None
    handshake_authorization: str | None = None
    authenticated: bool = field(default=False)

    async def reauthenticate(self) -> Principal:
        """The connection's token checked again now (expiry, revocation)."""
        header = token_header(self.connection_params, self.handshake_authorization)
        return await authenticate({"authorization": header}, self.services)


def _sender(websocket: Any, operation_id: str, kind: str) -> Send:
    """Sends a rendered payload as one operation's message, spliced into the frame."""
    head = b'{"id":' + orjson.dumps(operation_id) + b',"type":"' + kind.encode() + (
        b'","payload":')
    socket: WebSocket = websocket.ws

    async def send(payload: bytes) -> None:
        await socket.send_text((head + payload + b"}").decode())

    return send


class TransportWSHandler(BaseGraphQLTransportWSHandler[SocketContext, None]):
    async def run_operation(self, operation: Operation[SocketContext, None]) -> None:
        SEND.set(_sender(self.websocket, operation.id, "next"))
        await super().run_operation(operation)


class LegacyWSHandler(BaseGraphQLWSHandler[SocketContext, None]):
    async def handle_async_results(self, operation_id: str, query: str,
                                   operation_name: str | None,
                                   variables: dict[str, object] | None) -> None:
        SEND.set(_sender(self.websocket, operation_id, "data"))
        await super().handle_async_results(operation_id, query, operation_name, variables)


class SocketView(GraphQL[SocketContext, None]):
    """Strawberry's ASGI view, used for WebSocket connections only. Events of the live
    feeds are sent as their cohort rendered them (``okr_api.live.render``)."""

    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self) -> None:
        super().__init__(schema, graphql_ide=None, keep_alive=True, keep_alive_interval=15)

    def encode_json(self, data: object) -> str:
        # Every event goes out once per subscriber: orjson encodes it in a fraction of
        # the standard library's time (text frames, as the protocols require).
        return orjson.dumps(data).decode()

    async def get_context(self, request: Request | WebSocket,
                          response: Response | WebSocket) -> SocketContext:
        services: Services = request.app.state.services
        nobody = Principal(Actor(NOBODY, None, frozenset()), "", None, None)
        return SocketContext(services=services, principal=nobody,
                             loaders=RequestLoaders(services.read_model, NOBODY),
                             handshake_authorization=request.headers.get("authorization"))

    async def on_ws_connect(self, context: SocketContext) -> UnsetType | dict[str, object] | None:
        header = token_header(context.connection_params, context.handshake_authorization)
        try:
            principal = await authenticate({"authorization": header}, context.services)
        except AuthError as error:
            log.info("WebSocket connection refused: %s", error)
            raise ConnectionRejectionError({"message": str(error),
                                            "code": "UNAUTHENTICATED"}) from None
        context.principal = principal
        context.loaders = RequestLoaders(context.services.read_model,
                                         principal.organization_id)
        context.hr_mode = await hr_mode_for(context.services, principal)
        context.authenticated = True
        return cast(UnsetType, UNSET)


_view = SocketView()
PATH = "/graphql"


async def graphql_socket(websocket: WebSocket) -> None:
    """The WebSocket route of /graphql."""
    await _view.run(websocket)


async def fallback_handler(connection: LeanConnection) -> TransportWSHandler:
    """strawberry's handler for a lean connection's operations it does not serve itself
    (``okr_api.live.transport_ws``): past connection_init, with the connection's
    principal and token."""
    assert connection.principal is not None

    async def send(message: Any) -> None:
        if message["type"] == "websocket.close":
            connection.closed = True
        await connection.send(message)

    websocket = WebSocket(connection.scope, receive=connection.receive, send=send)
    websocket.client_state = websocket.application_state = WebSocketState.CONNECTED
    services = connection.services
    principal = connection.principal
    context = SocketContext(
        services=services, principal=principal,
        loaders=RequestLoaders(services.read_model, principal.organization_id),
        connection_params={"Authorization": connection.header} if connection.header else {},
        hr_mode=await hr_mode_for(services, principal), authenticated=True)
    handler = TransportWSHandler(
        view=_view,
        websocket=_view.websocket_adapter_class(cast(Any, _view), websocket, websocket),
        context=context, root_value=None, schema=schema,
        connection_init_wait_timeout=_view.connection_init_wait_timeout,
        max_subscriptions_per_connection=_view.max_subscriptions_per_connection)
    handler.connection_init_received = handler.connection_acknowledged = True
    return handler


class SocketRoute:
    """ASGI middleware: the WebSocket upgrade of /graphql goes straight to the socket
    view. Through the router, each open connection would also keep the layers it passed
    (exception handlers, the route's dependency stacks: some 9 KB a connection, for as
    long as it is open). A graphql-transport-ws connection is ours
    (``okr_api.live.transport_ws``, taken by ``SocketFirstAPI`` before any layer) unless
    ``OKR_LIVE_LEAN_SOCKETS`` is false or the handshake has an Origin (a browser's page:
    strawberry's view decides whether that origin may connect)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: ASGISend) -> None:
        if scope["type"] == "websocket" and scope["path"] == PATH:
            await graphql_socket(WebSocket(scope, receive=receive, send=send))
            return
        await self.app(scope, receive, send)


class SocketFirstAPI(FastAPI):
    """FastAPI, taking a lean graphql-transport-ws connection of /graphql before its
    middleware stack (the header limits checked first): the stack's layers (errors,
    telemetry, body limits, CORS, header limits, ``SocketRoute``) would each keep a frame,
    some 2.5 KB in all, for as long as the connection is open."""

    async def __call__(self, scope: Scope, receive: Receive, send: ASGISend) -> None:
        if scope["type"] == "websocket" and scope["path"] == PATH and not headers_too_large(
                scope):
            scope["app"] = self  # as Starlette sets it
            lean = _lean_connection(scope, receive, send)
            if lean is not None:
                await lean.run()
                return
        await super().__call__(scope, receive, send)


def _lean_connection(scope: Scope, receive: Receive, send: ASGISend) -> LeanConnection | None:
    """A lean connection for this upgrade, or None when strawberry's view takes it. (A
    function of its own: the caller's frame lasts as long as the connection, this one's
    locals, the handshake's headers among them, do not.)"""
    services: Services = scope["app"].state.services
    if (not services.settings.live_lean_sockets
            or not picks_transport_ws(scope.get("subprotocols", ()))):
        return None
    headers = dict(scope["headers"])
    if b"origin" in headers:
        return None
    authorization = headers.get(b"authorization")
    # Nothing reads the handshake's headers again (the server logs the client's address
    # and the path): the scope would keep them, some 1.5 KB, for as long as the
    # connection is open.
    scope["headers"] = []
    return LeanConnection(scope, receive, send, services,
                          authorization.decode("latin-1") if authorization else None,
                          fallback_handler)
