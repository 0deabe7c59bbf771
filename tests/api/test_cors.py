"""CORS: a browser frontend on another origin may call the API when its origin is allowed
(in development any localhost port, in production only OKR_CORS_ORIGINS), and its
preflight is refused otherwise."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from okr_api.read_side import init_read_models
from okr_api.settings import Environment, Settings
from okr_api.storage import init_database
from tests.api.conftest import SECRET, Api, running_api

CONFIGURED = "https://okr.example.com, https://Admin.Example.com:8443/"
LOCAL = ("http://localhost:5173", "http://localhost", "http://127.0.0.1:3000",
         "http://127.0.0.1:8000")
FOREIGN = ("https://evil.example", "http://localhost.evil.example",
           "http://localhost:5173.evil.example", "https://localhost:5173",
           "http://127.0.0.2:3000", "http://192.168.1.10:3000", "null")


async def _api(tmp_path: Path, environment: Environment, origins: str) -> AsyncIterator[Api]:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    init_database(url).close()
    init_read_models(url)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, jwt_secret=SECRET,
                        environment=environment, cors_origins=origins)
    async with running_api(settings) as api:
        yield api


@pytest.fixture
async def development(tmp_path: Path) -> AsyncIterator[Api]:
    async for api in _api(tmp_path, Environment.DEVELOPMENT, ""):
        yield api


@pytest.fixture
async def production(tmp_path: Path) -> AsyncIterator[Api]:
    async for api in _api(tmp_path, Environment.PRODUCTION, CONFIGURED):
        yield api


async def preflight(api: Api, origin: str, method: str = "POST",
                    headers: str = "authorization,content-type") -> httpx.Response:
    return await api.client.options("/graphql", headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers})


def assert_allowed(response: httpx.Response, origin: str) -> None:
    assert response.status_code == 200, (origin, response.text)
    assert response.headers["access-control-allow-origin"] == origin
    assert {m.strip() for m in response.headers["access-control-allow-methods"].split(",")
            } == {"GET", "POST"}
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"]
               .split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "access-control-allow-credentials" not in response.headers


def assert_refused(response: httpx.Response, origin: str) -> None:
    assert response.status_code == 400, (origin, response.text)
    assert "access-control-allow-origin" not in response.headers


async def test_development_allows_localhost_on_any_port(development: Api) -> None:
    for origin in LOCAL:
        assert_allowed(await preflight(development, origin), origin)
        answer = await development.client.post(
            "/graphql", json={"query": "{ position }"},
            headers={"Origin": origin, "Authorization": "Bearer nope"})
        # The real request carries the header too, so the browser shows the frontend
        # the answer (here: the token is refused).
        assert answer.status_code == 401
        assert answer.headers["access-control-allow-origin"] == origin


async def test_development_refuses_other_origins(development: Api) -> None:
    for origin in (*FOREIGN, "https://okr.example.com"):
        assert_refused(await preflight(development, origin), origin)
        answer = await development.client.post("/graphql", json={"query": "{ position }"},
                                               headers={"Origin": origin})
        assert "access-control-allow-origin" not in answer.headers


async def test_only_graphql_methods_and_headers_are_allowed(development: Api) -> None:
    origin = LOCAL[0]
    assert_allowed(await preflight(development, origin, "GET", "authorization"), origin)
    for method in ("PUT", "DELETE", "PATCH"):
        refused = await preflight(development, origin, method)
        assert refused.status_code == 400, method
        assert method not in refused.headers["access-control-allow-methods"]
    refused = await preflight(development, origin, "POST", "authorization,x-forwarded-for")
    assert refused.status_code == 400
    assert "x-forwarded-for" not in refused.headers["access-control-allow-headers"].lower()


async def test_production_allows_only_the_configured_origins(production: Api) -> None:
    for origin in ("https://okr.example.com", "https://admin.example.com:8443"):
        assert_allowed(await preflight(production, origin), origin)
    for origin in (*LOCAL, *FOREIGN, "http://okr.example.com", "https://admin.example.com"):
        assert_refused(await preflight(production, origin), origin)


def test_origins_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_CORS_ORIGINS", "https://a.example,http://b.example:8080")
    assert Settings().cors_origin_list == ["https://a.example", "http://b.example:8080"]
    for wrong in ("*", "a.example", "https://a.example/app", "ftp://a.example",
                  "https://a.example:99999"):
        monkeypatch.setenv("OKR_CORS_ORIGINS", wrong)
        with pytest.raises(ValidationError, match="is not an origin"):
            Settings()


def test_the_command_line_names_a_wrong_origin_and_stops() -> None:
    from typer.testing import CliRunner

    from okr_api.cli import app

    result = CliRunner().invoke(app, ["serve"], env={"OKR_CORS_ORIGINS": "https://ok.example,*"})
    assert result.exit_code == 2
    assert "OKR_CORS_ORIGINS" in result.output
    assert "'*' is not an origin" in result.output
    assert "Traceback" not in result.output
