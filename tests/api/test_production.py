"""Production settings: no GraphiQL, no introspection, no "Did you mean" hints, and no
start at all without a real signing key. Development keeps the conveniences."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from pydantic import SecretStr

from okr_api.app import create_app
from okr_api.read_side import init_read_models
from okr_api.secrets_file import InsecureSettings
from okr_api.settings import Environment, Settings
from okr_api.storage import init_database
from tests.api.conftest import SECRET, Api, World, running_api, start_world

GRAPHQL_RESPONSE = "application/graphql-response+json"
module_loop = pytest.mark.asyncio(loop_scope="module")
INTROSPECTION = {  # the query, and its operationName
    "__schema": ("{ __schema { queryType { name } types { name } } }", None),
    "__type": ('{ __type(name: "Objective") { name fields { name } } }', None),
    "aliased": ("{ everything: __schema { types { name } } }", None),
    "in a fragment": ('{ ...Peek } fragment Peek on Query { __type(name: "Person") '
                      "{ name } }", None),
    "in an inline fragment": ("{ ... on Query { __schema { queryType { name } } } }", None),
    "named among others": ("query A { position } query B { __schema { types { name } } }",
                           "B"),
}
MISSPELLED = {
    "field": ("{ viewer { persn { name } } }", "persn"),
    "argument": ("{ objectives(frist: 2) { totalCount } }", "frist"),
    "type": ("query($f: ObjectiveFiltr) { objectives(filter: $f) { totalCount } }",
             "ObjectiveFiltr"),
    "enum value": ("{ objectives(filter: {levels: [TEEM]}) { totalCount } }", "TEEM"),
    "input field": ("{ objectives(filter: {serch: \"x\"}) { totalCount } }", "serch"),
}


def _settings(url: str, tmp_path: Path, environment: Environment,
              secret: str | None = SECRET) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=url, environment=environment,
                    jwt_secret=SecretStr(secret) if secret is not None else None,
                    jwt_public_key=None)


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    init_database(url).close()
    init_read_models(url)
    return url


@pytest_asyncio.fixture(scope="module", loop_scope="module",
                        params=[Environment.PRODUCTION, Environment.DEVELOPMENT],
                        ids=["production", "development"])
async def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> AsyncIterator[tuple[Api, World, Environment]]:
    """One app per environment (these tests write nothing)."""
    environment: Environment = request.param
    tmp_path = tmp_path_factory.mktemp(environment.value)
    async with running_api(_settings(_store(tmp_path), tmp_path, environment)) as api:
        yield api, await start_world(api), environment


class Socket:
    """A graphql-transport-ws connection straight to the ASGI app (no server)."""

    def __init__(self, api: Api) -> None:
        self._app = api.fastapi
        self._token = api.tokens["admin"]
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Socket:
        scope = {"type": "websocket", "asgi": {"version": "3.0"}, "scheme": "ws",
                 "http_version": "1.1", "path": "/graphql", "raw_path": b"/graphql",
                 "root_path": "", "query_string": b"", "headers": [(b"host", b"test")],
                 "client": ("127.0.0.1", 1), "server": ("test", 80),
                 "subprotocols": ["graphql-transport-ws"], "app": self._app}
        self._task = asyncio.create_task(
            self._app(scope, self._to_app.get, self._from_app.put))  # type: ignore[arg-type]
        await self._to_app.put({"type": "websocket.connect"})
        accepted = await asyncio.wait_for(self._from_app.get(), 10)
        assert accepted["type"] == "websocket.accept", accepted
        await self.send({"type": "connection_init",
                         "payload": {"Authorization": f"Bearer {self._token}"}})
        assert (await self.receive())["type"] == "connection_ack"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        assert self._task is not None
        await asyncio.wait_for(self._task, 10)

    async def send(self, message: dict[str, Any]) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self._from_app.get(), 10)
        assert message["type"] == "websocket.send", message
        answer: dict[str, Any] = json.loads(message["text"])
        return answer

    async def run(self, query: str) -> dict[str, Any]:
        """Run one operation; its first answer (next or error)."""
        await self.send({"type": "subscribe", "id": "1", "payload": {"query": query}})
        answer = await self.receive()
        if answer["type"] == "next":
            assert (await self.receive())["type"] == "complete"
        return answer


async def _post(api: Api, query: str, *, accept: str | None = None,
                operation_name: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    if accept:
        headers["Accept"] = accept
    response = await api.client.post("/graphql", json={
        "query": query, "operationName": operation_name}, headers=headers)
    assert response.status_code < 500, response.text
    return response.status_code, response.json()


@module_loop
async def test_graphiql_only_in_development(served: tuple[Api, World, Environment]) -> None:
    api, _, environment = served
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    if environment is Environment.PRODUCTION:
        assert response.status_code == 404
        assert "graphiql" not in response.text.lower()
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    else:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "graphiql" in response.text.lower()


@module_loop
@pytest.mark.parametrize("shape", list(INTROSPECTION))
async def test_introspection_only_in_development(served: tuple[Api, World, Environment],
                                                 shape: str) -> None:
    api, _, environment = served
    query, name = INTROSPECTION[shape]
    status, body = await _post(api, query, operation_name=name)
    if environment is Environment.PRODUCTION:
        assert status == 200
        assert "data" not in body or body["data"] is None, body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert "introspection is disabled" in error["message"]
        assert "Objective" not in str(body)
        assert "Person" not in str(body)
        status, body = await _post(api, query, accept=GRAPHQL_RESPONSE, operation_name=name)
        assert status == 400
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    else:
        assert status == 200
        assert "errors" not in body, body
        assert body["data"]


@module_loop
async def test_typename_is_not_introspection(served: tuple[Api, World, Environment]) -> None:
    api, _, _ = served
    status, body = await _post(api, "{ __typename viewer { __typename roles } }")
    assert status == 200
    assert body["data"] == {"__typename": "Query",
                            "viewer": {"__typename": "Viewer", "roles": ["ADMIN"]}}


@module_loop
@pytest.mark.parametrize("kind", list(MISSPELLED))
async def test_validation_messages_hint_only_in_development(
        served: tuple[Api, World, Environment], kind: str) -> None:
    api, _, environment = served
    query, typo = MISSPELLED[kind]
    for accept in (None, GRAPHQL_RESPONSE):
        status, body = await _post(api, query, accept=accept)
        assert status == (400 if accept else 200), body
        messages = " ".join(e["message"] for e in body["errors"])
        assert typo in messages, body  # still a clear error: it names what is wrong
        if environment is Environment.PRODUCTION:
            assert "did you mean" not in messages.lower(), body
        else:
            assert "Did you mean" in messages, body


@module_loop
async def test_the_websocket_keeps_the_same_rules(served: tuple[Api, World, Environment]
                                                 ) -> None:
    """Operations sent over the WebSocket meet the same limits and hide the same things."""
    api, _, environment = served
    costly = ("{ objectives(first: 100) { nodes { children { children { keyResults { "
              "checkIns(first: 100) { nodes { note } } } } } } } }")
    async with Socket(api) as socket:
        introspection = await socket.run(INTROSPECTION["__schema"][0])
        misspelled = await socket.run(MISSPELLED["field"][0])
        too_costly = await socket.run(costly)
        fine = await socket.run("{ viewer { roles } }")
    assert fine == {"id": "1", "type": "next", "payload": {"data": {"viewer": {
        "roles": ["ADMIN"]}}}}
    assert too_costly["type"] == "error"
    assert too_costly["payload"][0]["extensions"]["code"] == "COST_LIMIT"
    assert misspelled["type"] == "error"
    message = misspelled["payload"][0]["message"]
    assert "persn" in message
    if environment is Environment.PRODUCTION:
        assert introspection["type"] == "error"
        assert introspection["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "did you mean" not in message.lower()
    else:
        assert introspection["payload"]["data"]["__schema"]["queryType"] == {"name": "Query"}
        assert "Did you mean" in message


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31],
                         ids=["no secret", "empty", "short", "31 characters"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path: Path,
                                                           secret: str | None) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'okr.sqlite3'}", tmp_path,
                         Environment.PRODUCTION, secret)
    with pytest.raises(InsecureSettings):
        create_app(settings)
    assert not (tmp_path / "data" / "jwt-secret").exists(), "no key is made up in production"


def test_production_starts_with_a_long_secret_or_a_public_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    create_app(_settings(url, tmp_path, Environment.PRODUCTION, "y" * 32))
    with_key = _settings(url, tmp_path, Environment.PRODUCTION, None).model_copy(
        update={"jwt_public_key": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----"})
    create_app(with_key)


def test_development_makes_and_keeps_a_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    create_app(_settings(url, tmp_path, Environment.DEVELOPMENT, None))
    made = (tmp_path / "data" / "jwt-secret").read_text()
    assert len(made) >= 32
    create_app(_settings(url, tmp_path, Environment.DEVELOPMENT, None))
    assert (tmp_path / "data" / "jwt-secret").read_text() == made
