"""GraphQL answers encoded with orjson: a large tree or analysis is megabytes of JSON,
and encoding it with the standard library costs ten times as long (on the event loop).

The output is the JSON Starlette's ``JSONResponse`` writes (compact, UTF-8, keys in
insertion order), except that a very small or large float may be written in another,
equally exact notation (``1e-7`` for ``1e-07``); NaN and infinities cannot occur in
GraphQL answers.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class GraphQLJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
