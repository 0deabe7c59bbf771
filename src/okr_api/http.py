"""GraphQL over HTTP (POST JSON, GET for queries), following the GraphQL-over-HTTP
specification: ``application/graphql-response+json`` when the client accepts it (with
4xx for requests that fail before execution), ``application/json`` otherwise (200 for
every well-formed request). Authentication, limits and metrics sit here too.
"""

from __future__ import annotations

import json
import logging
import time
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.language import FieldNode, VariableNode, visit
from graphql.language.visitor import Visitor

from okr_api import unavailable
from okr_api.admission import is_heavy
from okr_api.auth import AuthError, Principal, bearer_token, verify_token
from okr_api.context import Context, Services, hr_mode_for
from okr_api.errors import parse_error, without_suggestions
from okr_api.graphiql.routes import graphiql_page
from okr_api.graphql import read_your_writes as queries
from okr_api.graphql.schema import schema
from okr_api.json_body import GraphQLJSONResponse
from okr_api.limits import check_number_literals, int_literal
from okr_api.readmodel import RequestLoaders
from okr_api.request_limits import RequestError, read_body

log = logging.getLogger("okr_api")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
CLIENT_CLOSED_REQUEST = 499
"""Logged for a heavy query whose client left while it waited its turn (nobody reads it)."""


def negotiate(accept: str | None) -> str:
    if not accept:
        return JSON
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if GRAPHQL_RESPONSE in kinds:
        return GRAPHQL_RESPONSE
    if JSON in kinds or "*/*" in kinds or "application/*" in kinds:
        return JSON
    raise RequestError("the response can be application/graphql-response+json or "
                       "application/json", status=406, code="NOT_ACCEPTABLE")


@lru_cache(maxsize=512)
def _parse(query: str, max_tokens: int) -> DocumentNode:
    document = parse(query, max_tokens=max_tokens)
    check_number_literals(document)
    return document


class _Introspection(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found = True


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return ops[0] if len(ops) == 1 else None
    return next((o for o in ops if o.name and o.name.value == name), None)


def _unicode_only(params: dict[str, Any]) -> dict[str, Any]:
    """JSON can escape lone UTF-16 surrogates ("\\ud800"), which are not Unicode text: no
    store can keep them and no response can carry them, so they are refused here."""
    try:
        json.dumps(params, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError("the request contains an unpaired surrogate (U+D800-U+DFFF), "
                           "which is not valid Unicode text") from None
    return params


def _field_min_positions(operation: OperationDefinitionNode,
                         variables: dict[str, Any]) -> list[int]:
    """The ``minPosition`` arguments of the operation's top-level fields. The whole request
    waits for the highest, so every field of the answer reflects at least that position
    (the fields resolve concurrently)."""
    found: list[int] = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        for argument in selection.arguments or ():
            if argument.name.value != "minPosition":
                continue
            value = argument.value
            given = (variables.get(value.name.value) if isinstance(value, VariableNode)
                     else int_literal(value))
            # Anything else (not an Int) is reported by validation, without waiting.
            if isinstance(given, int) and not isinstance(given, bool) and given < 2**31:
                found.append(given)
    return found


def _no_operation(document: DocumentNode, name: str | None) -> str:
    """Why no operation can be picked (the messages graphql-core uses)."""
    if name is not None:
        return f"Unknown operation named '{name}'."
    if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return "Must provide operation name if query contains multiple operations."
    return "The document has no operation to run."


async def _params(request: Request, services: Services) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name not in params:
                continue
            try:
                params[name] = json.loads(params[name])
            except json.JSONDecodeError:
                raise RequestError(f"{name} is not valid JSON") from None
            except RecursionError:
                raise RequestError(f"{name} is nested too deeply") from None
            except ValueError:
                raise RequestError(f"{name} holds a number of too many digits") from None
        return _unicode_only(params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise RequestError("POST bodies must be application/json", status=415,
                           code="UNSUPPORTED_MEDIA_TYPE")
    body = await read_body(request, services.limits.max_body_bytes,
                           seconds=services.settings.request_body_seconds)
    try:
        params = json.loads(body.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise RequestError("the body is not valid JSON in UTF-8") from None
    except RecursionError:
        raise RequestError("the body is nested too deeply") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise RequestError("the body holds a number of too many digits") from None
    if isinstance(params, list):
        raise RequestError("batched requests are not supported", code="BATCH_NOT_SUPPORTED")
    if not isinstance(params, dict):
        raise RequestError("the body must be a JSON object")
    # Only a \u escape can make a surrogate once the body decoded as UTF-8.
    return _unicode_only(params) if b"\\u" in body else params


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
        params = await _params(request, services)
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
        document = _parse(query, services.limits.max_tokens)
    except GraphQLError as error:
        return _result_response({"errors": [parse_error(error).formatted]},
                                200 if legacy else 400, media_type, "invalid")
    operation = _operation(document, operation_name)
    if operation is None:
        return _result_response(_error_body(_no_operation(document, operation_name),
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
        finder = _Introspection()
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
    wanted = _field_min_positions(operation, variables or {})
    if min_position is not None:
        wanted.append(min_position)
    if wanted and not await services.read_model.wait_for_position(
            max(wanted), queries.MIN_POSITION_WAIT_SECONDS):
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
    for error in body.get("errors", []):
        metrics.errors.labels((error.get("extensions") or {}).get("code", "GRAPHQL")).inc()
    status = 200 if legacy or executed else 400
    return _result_response(body, status, media_type, label)


def _unavailable_response(services: Services) -> Response:
    """503 whatever the transport negotiated: the request may be retried as it is."""
    services.extras["metrics"].errors.labels(unavailable.CODE).inc()
    return JSONResponse(_error_body(unavailable.MESSAGE, unavailable.CODE), status_code=503,
                        headers=unavailable.retry_headers())


def _formatted(error: GraphQLError, services: Services) -> dict[str, Any]:
    formatted = dict(error.formatted)
    if services.settings.is_production:
        formatted["message"] = without_suggestions(formatted["message"])
    return formatted


def _result_response(body: dict[str, Any], status: int, media_type: str,
                     label: str) -> Response:
    return GraphQLJSONResponse(body, status_code=status, media_type=media_type,
                               headers={"x-okr-operation": label[:64]})
