"""What a GraphQL request over HTTP asks for: the response type it accepts, its
parameters (GET query string or POST JSON body), its document and the operation to run.
Malformed requests raise ``RequestError`` (answered 4xx by the endpoint).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import Request
from graphql import DocumentNode, OperationDefinitionNode, parse
from graphql.language import FieldNode, VariableNode
from graphql.language.visitor import Visitor

from okr_api.context import Services
from okr_api.http.request_limits import RequestError, read_body
from okr_api.query_limits import check_number_literals, int_literal

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


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
def parse_document(query: str, max_tokens: int) -> DocumentNode:
    document = parse(query, max_tokens=max_tokens)
    check_number_literals(document)
    return document


class IntrospectionFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found = True


def pick_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return ops[0] if len(ops) == 1 else None
    return next((o for o in ops if o.name and o.name.value == name), None)


def unicode_only(params: dict[str, Any]) -> dict[str, Any]:
    """JSON can escape lone UTF-16 surrogates ("\\ud800"), which are not Unicode text: no
    store can keep them and no response can carry them, so they are refused here."""
    try:
        json.dumps(params, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise RequestError("the request contains an unpaired surrogate (U+D800-U+DFFF), "
                           "which is not valid Unicode text") from None
    return params


def field_min_positions(operation: OperationDefinitionNode,
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


def no_operation(document: DocumentNode, name: str | None) -> str:
    """Why no operation can be picked (the messages graphql-core uses)."""
    if name is not None:
        return f"Unknown operation named '{name}'."
    if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return "Must provide operation name if query contains multiple operations."
    return "The document has no operation to run."


async def read_params(request: Request, services: Services) -> dict[str, Any]:
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
        return unicode_only(params)
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
    return unicode_only(params) if b"\\u" in body else params
