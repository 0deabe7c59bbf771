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
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope
from starlette.types import Send as ASGISend
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.unset import UNSET, UnsetType

from okr_api.auth import AuthError, Principal
from okr_api.context import Context, Services, hr_mode_for
from okr_api.graphql.schema import schema
from okr_api.http.endpoint import authenticate
from okr_api.live.render import SEND, Send
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
        header = _token_header(self.connection_params, self.handshake_authorization)
        return await authenticate({"authorization": header}, self.services)


def _token_header(params: Any, handshake: str | None) -> str | None:
    if isinstance(params, dict):
        for key in ("Authorization", "authorization"):
            if isinstance(params.get(key), str):
                return str(params[key])
        for key in ("authToken", "token"):
            if isinstance(params.get(key), str):
                return f"Bearer {params[key]}"
    return handshake


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
        header = _token_header(context.connection_params, context.handshake_authorization)
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


class SocketRoute:
    """ASGI middleware: the WebSocket upgrade of /graphql goes straight to the socket
    view. Through the router, each open connection would also keep the layers it passed
    (exception handlers, the route's dependency stacks: some 9 KB a connection, for as
    long as it is open)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: ASGISend) -> None:
        if scope["type"] == "websocket" and scope["path"] == PATH:
            await graphql_socket(WebSocket(scope, receive=receive, send=send))
            return
        await self.app(scope, receive, send)
