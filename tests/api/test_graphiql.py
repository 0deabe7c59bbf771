"""GraphiQL is served from the package: the page at /graphql references only the service's
own files, each is served with its type, and the Content-Security-Policy allows nothing
else. Production serves neither page nor files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from okr_api.read_side import init_read_models
from okr_api.settings import Environment, Settings
from okr_api.storage import init_database
from tests.api.conftest import SECRET, Api, running_api

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
CONTENT_TYPES = {".js": ("text/javascript", "application/javascript"), ".css": ("text/css",)}


class References(HTMLParser):
    """Every URL the page makes the browser load, and any inline script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name):
                self.urls.append(str(found[name]))
        if (tag == "script" and not found.get("src")) or tag == "style" or "style" in found:
            self.inline += 1


async def _api(tmp_path: Path, environment: Environment) -> AsyncIterator[Api]:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    init_database(url).close()
    init_read_models(url)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, jwt_secret=SECRET,
                        environment=environment)
    async with running_api(settings) as api:
        yield api


@pytest.fixture
async def development(tmp_path: Path) -> AsyncIterator[Api]:
    async for api in _api(tmp_path, Environment.DEVELOPMENT):
        yield api


@pytest.fixture
async def production(tmp_path: Path) -> AsyncIterator[Api]:
    async for api in _api(tmp_path, Environment.PRODUCTION):
        yield api


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


async def test_the_page_loads_only_files_of_the_service(development: Api) -> None:
    page = await development.client.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    references = References()
    references.feed(page.text)
    assert references.inline == 0  # the policy would block them
    loaded = [url for url in references.urls if not url.startswith("data:")]
    assert {urlsplit(url).path.rsplit(".", 1)[-1] for url in loaded} == {"js", "css"}
    for url in loaded:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), f"{url} is not on the service"
        assert url.startswith("/graphiql/"), url
        asset = await development.client.get(url)
        assert asset.status_code == 200, url
        kind = asset.headers["content-type"].split(";")[0]
        assert kind in CONTENT_TYPES["." + url.rsplit(".", 1)[-1]], (url, kind)
        assert asset.content
    # The bootstrap talks to /graphql on the page's own origin, HTTP and WebSocket.
    start = (await development.client.get("/graphiql/start.js")).text
    assert 'new URL("/graphql", window.location.href)' in start
    assert "http://" not in start
    assert "https://" not in start


async def test_the_content_security_policy_allows_only_the_service(development: Api) -> None:
    first = await development.client.get("/graphql", headers=BROWSER)
    second = await development.client.get("/graphql", headers=BROWSER)
    policy = directives(first.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    for name in ("script-src", "connect-src"):
        assert policy[name] == ["'self'"], name
    nonce = next(v for v in policy["style-src"] if v.startswith("'nonce-"))
    assert policy["style-src"] == ["'self'", nonce]
    assert f'content="{nonce[7:-1]}"' in first.text  # handed to the page's script
    assert nonce not in second.headers["content-security-policy"]  # new every response
    assert policy["font-src"] == ["'self'", "data:"]
    assert policy["img-src"] == ["'self'", "data:"]
    for name in ("base-uri", "form-action", "frame-ancestors"):
        assert policy[name] == ["'none'"], name
    for values in policy.values():
        for value in values:
            assert value not in ("*", "http:", "https:", "ws:", "wss:", "'unsafe-inline'",
                                 "'unsafe-eval'"), value
            assert "://" not in value, value
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["cache-control"] == "no-store"


async def test_the_shipped_files_name_their_versions_and_licences(development: Api) -> None:
    notes = (await development.client.get("/graphiql/README.md")).text
    for name in ("graphiql@3.9.0", "react@18.3.1", "react-dom@18.3.1"):
        assert name in notes
    licence = (await development.client.get("/graphiql/LICENSE")).text
    assert licence.count("MIT License") == 2


async def test_production_serves_neither_page_nor_files(production: Api) -> None:
    assert (await production.client.get("/graphql", headers=BROWSER)).status_code == 404
    for path in ("/graphiql/start.js", "/graphiql/graphiql.min.js"):
        assert (await production.client.get(path)).status_code == 404
