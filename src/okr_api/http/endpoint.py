"""GraphQL over HTTP (POST JSON, GET for queries), following the GraphQL-over-HTTP
specification: ``application/graphql-response+json`` when the client accepts it (with
4xx for requests that fail before execution), ``application/json`` otherwise (200 for
every well-formed request). Authentication, limits and metrics sit here too.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from graphql import GraphQLError, OperationType
from graphql.language import visit

from okr_api.admission import is_heavy
from okr_api.auth import AuthError, Principal, bearer_token, verify_token
from okr_api.context import Context, Services, hr_mode_for
from okr_api.errors import parse_error, without_suggestions
from okr_api.graphiql.routes import graphiql_page
from okr_api.graphql import read_your_writes
from okr_api.graphql.schema import schema
from okr_api.http import unavailable
from okr_api.http.graphql_request import (
    GRAPHQL_RESPONSE,
    JSON,
    IntrospectionFinder,
    field_min_positions,
    negotiate,
    no_operation,
    parse_document,
    pick_operation,
    read_params,
)
from okr_api.http.json_response import GraphQLJSONResponse
from okr_api.http.request_limits import RequestError
from okr_api.request_loaders import RequestLoaders

log = logging.getLogger("okr_api")
CLIENT_CLOSED_REQUEST = 499
"""Logged for a heavy query whose client left while it waited its turn (nobody reads it)."""


async def authenticate(request_headers: Any, services: Services) -> Principal:
    token = bearer_token(request_headers.get("authorization"))
    if token is None:
        raise AuthError("this API needs a bearer token")
    principal = verify_token(services.keys, token)
    await services.extras["accounts"].check(principal)
    return principal


def _error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


async def graphql_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    metrics = services.extras["metrics"]
    started = time.perf_counter()
    operation_label = "unknown"
    try:
        if request.method == "GET" and "query" not in request.query_params and (
                "text/html" in request.headers.get("accept", "")):
            if services.settings.is_production:
                raise RequestError("not found", status=404, code="NOT_FOUND")
            return graphiql_page()
        media_type = negotiate(request.headers.get("accept"))
        try:
            principal = await authenticate(request.headers, services)
        except AuthError as error:
            raise RequestError(str(error), status=401, code="UNAUTHENTICATED",
                               headers={"WWW-Authenticate": "Bearer"}) from None
        params = await read_params(request, services)
        response = await _run(request, services, principal, params, media_type)
        operation_label = response.headers.get("x-okr-operation", "anonymous")
        return response
    except RequestError as error:
        metrics.errors.labels(error.code).inc()
        media = GRAPHQL_RESPONSE if error.status != 406 else JSON
        return JSONResponse(_error_body(error.message, error.code), status_code=error.status,
                            headers=error.headers, media_type=media)
    except Exception as error:
        if not unavailable.is_outage(error):
            raise
        log.warning("database unavailable: %s", error)
        return _unavailable_response(services)
    finally:
        metrics.duration.labels(operation_label).observe(time.perf_counter() - started)


async def _run(request: Request, services: Services, principal: Principal,
               params: dict[str, Any], media_type: str) -> Response:
    query = params.get("query")
    variables = params.get("variables")
    operation_name = params.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise RequestError("the request has no query")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError("variables must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError("operationName must be a string")
    legacy = media_type == JSON
    try:
        document = parse_document(query, services.limits.max_tokens)
    except GraphQLError as error:
        return _result_response({"errors": [parse_error(error).formatted]},
                                200 if legacy else 400, media_type, "invalid")
    operation = pick_operation(document, operation_name)
    if operation is None:
        return _result_response(_error_body(no_operation(document, operation_name),
                                            "BAD_REQUEST"),
                                200 if legacy else 400, media_type, "invalid")
    label = operation.name.value if operation.name else "anonymous"
    if request.method == "GET" and operation.operation is not OperationType.QUERY:
        raise RequestError("GET requests may only run queries; use POST", status=405,
                           code="METHOD_NOT_ALLOWED", headers={"Allow": "POST"})
    if operation.operation is OperationType.SUBSCRIPTION:
        raise RequestError("subscriptions run over WebSocket at /graphql (graphql-transport-ws "
                           "or graphql-ws), not over HTTP", code="WEBSOCKET_REQUIRED")
    if services.settings.is_production:
        finder = IntrospectionFinder()
        visit(document, finder)
        if finder.found:
            return _result_response(_error_body("introspection is disabled", "FORBIDDEN"),
                                    200 if legacy else 400, media_type, label)
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError("extensions must be a JSON object")
    min_position = (extensions or {}).get("minPosition")
    if min_position is not None and (not isinstance(min_position, int)
                                     or isinstance(min_position, bool)):
        raise RequestError("extensions.minPosition must be an integer")
    wanted = field_min_positions(operation, variables or {})
    if min_position is not None:
        wanted.append(min_position)
    if wanted and not await services.read_model.wait_for_position(
            max(wanted), read_your_writes.MIN_POSITION_WAIT_SECONDS):
        return _result_response(_error_body(
            f"the read model has not reached position {max(wanted)} yet; retry shortly",
            "NOT_YET"), 200 if legacy else 503, media_type, label)
    ctx = Context(services=services, principal=principal,
                  loaders=RequestLoaders(services.read_model, principal.organization_id),
                  hr_mode=await hr_mode_for(services, principal))
    if is_heavy(document, operation):
        async with services.admission.turn():
            if await request.is_disconnected():
                return Response(status_code=CLIENT_CLOSED_REQUEST)
            result = await schema.execute(query, variable_values=variables,
                                          context_value=ctx, operation_name=operation_name)
    else:
        result = await schema.execute(query, variable_values=variables, context_value=ctx,
                                      operation_name=operation_name)
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [_formatted(e, services) for e in result.errors]
        outage = any((e.get("extensions") or {}).get("code") == unavailable.CODE
                     for e in body["errors"])
        # Nothing to show: answer 503. A write that went through keeps its 200 answer
        # (its position), with the parts that could not be read marked unavailable.
        if outage and not any(v is not None for v in (result.data or {}).values()):
            return _unavailable_response(services)
    # Errors with a path arose while executing (so "data" is part of the answer, maybe
    # null); errors without one are parse/validation errors, before execution.
    executed = result.data is not None or any(e.path for e in result.errors or ())
    if executed:
        body["data"] = result.data
    if ctx.cost is not None:  # counted: the operation was valid and within the limit
        body["extensions"] = {"cost": ctx.cost}
    metrics = services.extras["metrics"]
    metrics.requests.labels(label, "error" if result.errors else "ok").inc()
    for reported in body.get("errors", []):
        metrics.errors.labels((reported.get("extensions") or {}).get("code", "GRAPHQL")).inc()
    status = 200 if legacy or executed else 400
    return _result_response(body, status, media_type, label)


def _unavailable_response(services: Services) -> Response:
    """503 whatever the transport negotiated: the request may be retried as it is."""
    services.extras["metrics"].errors.labels(unavailable.CODE).inc()
    return JSONResponse(_error_body(unavailable.MESSAGE, unavailable.CODE), status_code=503,
                        headers=unavailable.retry_headers())


def _formatted(error: GraphQLError, services: Services) -> dict[str, Any]:
    formatted = error.formatted
    if not services.settings.is_production:
        return {**formatted}
    return {**formatted, "message": without_suggestions(formatted["message"])}


def _result_response(body: dict[str, Any], status: int, media_type: str,
                     label: str) -> Response:
    return GraphQLJSONResponse(body, status_code=status, media_type=media_type,
                               headers={"x-okr-operation": label[:64]})
