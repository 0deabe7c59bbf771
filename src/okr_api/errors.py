"""Errors the API reports to clients, and the masking of everything unexpected.

Expected failures of mutations are ``userErrors`` in the payload. Errors raised while
resolving queries are either ``ApiError`` (a stable code in ``extensions.code``) or a
``DomainError``; anything else is masked: the client sees an error id, the log has the
details.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from okr_api.http import unavailable
from okr_domain.errors import DomainError
from projections.reading.queries import InvalidQueryError

log = logging.getLogger("okr_api")
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
"""The document, or its variables, do not fit the schema (nothing ran)."""


class ApiError(Exception):
    """A client error with a stable code (NOT_FOUND, FORBIDDEN, NOT_YET, ...); ``field``
    names the input it is about (dotted, like ``filter.teamId``) when there is one."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def without_suggestions(message: str) -> str:
    """Production hides field suggestions ("Did you mean ...?") from error messages."""
    return SUGGESTION.sub("", message)


def _client_error(error: GraphQLError, code: str, message: str) -> GraphQLError:
    return GraphQLError(message, nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path,
                        extensions={**(error.extensions or {}), "code": code})


def _code(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def parse_error(error: GraphQLError) -> GraphQLError:
    """A syntax error (or an over-long number literal), with its code."""
    if _code(error) is not None:
        return error
    return _client_error(error, PARSE_FAILED, error.message)


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if _code(error) is not None:
        return error
    if original is None or isinstance(original, GraphQLError):
        # A variable refused by a scalar keeps the scalar's code (VALUE_OUT_OF_RANGE...);
        # other errors without a path arose before execution: validation or variables.
        # An argument strawberry could not convert (a malformed ID) is invalid input.
        code = _code(original) if original is not None else None
        if code is None and error.path is None:
            code = VALIDATION_FAILED
        elif code is None and isinstance(original, StrawberryInputCoercionError):
            code = "INVALID_INPUT"
        return error if code is None else _client_error(error, code, error.message)
    if isinstance(original, ApiError):
        return _client_error(error, original.code, original.message)
    if isinstance(original, InvalidQueryError):
        return _client_error(error, "INVALID_INPUT", str(original))
    if isinstance(original, DomainError):
        return _client_error(error, original.code.value, original.message)
    if unavailable.is_outage(original):
        log.warning("database unavailable at %s: %s", error.path, original)
        return _client_error(error, unavailable.CODE, unavailable.MESSAGE)
    error_id = uuid.uuid4().hex[:16]
    log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
    return _client_error(error, "INTERNAL", f"Internal error (id {error_id}).")


def in_production(execution_context: ExecutionContext) -> bool:
    """Whether the operation runs in a production process (whatever its transport)."""
    services = getattr(execution_context.context, "services", None)
    return bool(services is not None and services.settings.is_production)


def _hinted(error: GraphQLError) -> GraphQLError:
    if not SUGGESTION.search(error.message):
        return error
    return GraphQLError(without_suggestions(error.message), nodes=error.nodes,
                        source=error.source, positions=error.positions, path=error.path,
                        original_error=error.original_error, extensions=error.extensions)


class ClassifyErrors(SchemaExtension):
    """Keeps client errors with their codes and masks unexpected ones; in production,
    drops the field suggestions from validation messages. Results streamed over the
    WebSocket are handled one by one, before they are sent."""

    streamed = False

    def _process(self, result: object) -> None:
        errors: list[GraphQLError] | None = getattr(result, "errors", None)
        if not errors:
            return
        processed = [classify(e) for e in errors]
        if in_production(self.execution_context):
            processed = [_hinted(e) for e in processed]
        result.errors = processed  # type: ignore[attr-defined]

    def on_operation(self) -> Iterator[None]:
        self.streamed = False
        yield
        if not self.streamed:
            self._process(self.execution_context.result)

    def on_stream_result(self, result: object) -> Iterator[None]:
        self.streamed = True
        self._process(result)
        yield
