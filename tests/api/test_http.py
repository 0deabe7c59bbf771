"""GraphQL over HTTP: media types, status codes, methods, authentication, limits.

The tests share one running app and world per backend: they only read, or write what no
other test here looks at (a service account; a patched reader is put back)."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from okr_domain import clock
from okr_domain.values import Role
from tests.api.conftest import SECRET, Api, World, gid, token_for

VIEWER = "{ viewer { subject roles } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def api(shared_api: Api) -> Api:
    return shared_api


@pytest.fixture
def world(shared_world: World) -> World:
    return shared_world


async def test_post_json_answers_with_data(api: Api, world: World) -> None:
    body = await api.gql(VIEWER)
    assert body["data"]["viewer"]["roles"] == ["ADMIN"]
    assert body["extensions"]["cost"] >= 1


async def test_graphql_response_media_type_is_negotiated(api: Api, world: World) -> None:
    ok = await api.post(VIEWER, token=api.tokens["admin"], headers={"Accept": GRAPHQL_RESPONSE})
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    invalid = await api.post("{ viewer { nope } }", token=api.tokens["admin"],
                             headers={"Accept": GRAPHQL_RESPONSE})
    assert invalid.status_code == 400
    assert "data" not in invalid.json()
    legacy = await api.post("{ viewer { nope } }", token=api.tokens["admin"],
                            headers={"Accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["message"].startswith("Cannot query field 'nope'")


async def test_syntax_errors_are_request_errors(api: Api, world: World) -> None:
    response = await api.post("{ viewer { ", token=api.tokens["admin"],
                              headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert "Syntax Error" in response.json()["errors"][0]["message"]


async def test_unacceptable_accept_header_is_406(api: Api, world: World) -> None:
    response = await api.post(VIEWER, token=api.tokens["admin"], headers={"Accept": "text/csv"})
    assert response.status_code == 406


async def test_get_runs_queries_but_not_mutations(api: Api, world: World) -> None:
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    ok = await api.client.get("/graphql", params={"query": VIEWER}, headers=headers)
    assert ok.status_code == 200
    assert ok.json()["data"]["viewer"]["subject"] == str(world.ceo)
    mutation = 'mutation { activateCycle(input: {cycleId: "x"}) { position } }'
    refused = await api.client.get("/graphql", params={"query": mutation}, headers=headers)
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"


async def test_subscriptions_over_http_are_told_to_use_the_websocket(api: Api,
                                                                     world: World) -> None:
    subscription = "subscription { okrEvents { position } }"
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = await api.post(subscription, token=api.tokens["admin"],
                                  headers={"Accept": accept})
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "WEBSOCKET_REQUIRED"
        assert "WebSocket" in error["message"]


async def test_malformed_bodies_are_400(api: Api, world: World) -> None:
    headers = {"Authorization": f"Bearer {api.tokens['admin']}",
               "Content-Type": "application/json"}
    for content in (b"{not json", b"[]", b'"a string"', b'{"variables": {}}',
                    b'{"query": "{ viewer { subject } }", "variables": [1]}'):
        response = await api.client.post("/graphql", content=content, headers=headers)
        assert response.status_code == 400, content
        assert response.json()["errors"][0]["extensions"]["code"]


async def test_batches_are_refused(api: Api, world: World) -> None:
    response = await api.client.post(
        "/graphql", json=[{"query": VIEWER}, {"query": VIEWER}],
        headers={"Authorization": f"Bearer {api.tokens['admin']}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCH_NOT_SUPPORTED"


async def test_wrong_content_type_is_415(api: Api, world: World) -> None:
    response = await api.client.post(
        "/graphql", content=VIEWER, headers={"Authorization": f"Bearer {api.tokens['admin']}",
                                             "Content-Type": "text/plain"})
    assert response.status_code == 415


async def test_oversized_bodies_are_413(api: Api, world: World) -> None:
    huge = "{ viewer { subject } }" + " " * (300 * 1024)
    response = await api.post(huge, token=api.tokens["admin"])
    assert response.status_code == 413


def _unsigned(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


@pytest.mark.parametrize("kind", ["missing", "garbage", "expired", "bad-signature",
                                  "alg-none", "wrong-scheme", "bad-claims"])
async def test_bad_credentials_are_401(api: Api, world: World, kind: str) -> None:
    now = int(clock.timestamp())
    claims = {"iss": "okr-history", "sub": str(world.ceo), "org": str(world.org),
              "roles": ["ADMIN"], "iat": now, "exp": now + 600}
    headers: dict[str, str] = {}
    if kind == "garbage":
        headers["Authorization"] = "Bearer not.a.token"
    elif kind == "expired":
        headers["Authorization"] = "Bearer " + token_for(world.org, world.ceo, Role.ADMIN,
                                                         ttl=-3600)
    elif kind == "bad-signature":
        forged = jwt.encode(claims, "another-secret-entirely-of-enough-length",
                            algorithm="HS256")
        headers["Authorization"] = "Bearer " + forged
    elif kind == "alg-none":
        headers["Authorization"] = "Bearer " + _unsigned(claims)
    elif kind == "wrong-scheme":
        headers["Authorization"] = "Basic " + token_for(world.org, world.ceo, Role.ADMIN)
    elif kind == "bad-claims":
        headers["Authorization"] = "Bearer " + jwt.encode({**claims, "org": "acme"}, SECRET,
                                                          algorithm="HS256")
    response = await api.client.post("/graphql", json={"query": VIEWER}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("token", [
    "not.a.token", "abc", "a.b.c.d", "eyJhbGciOiJIUzI1NiJ9.e30.sig", "!!!.x.y",
    jwt.encode({"sub": "x"}, SECRET, algorithm="HS256"),
    jwt.encode({"iss": "okr-history", "sub": "x", "iat": "soon", "exp": 9999999999}, SECRET,
               algorithm="HS256"),
    jwt.encode({"iss": "elsewhere", "sub": "x", "iat": 1, "exp": 9999999999}, SECRET,
               algorithm="HS256"),
    jwt.encode({"iss": "okr-history", "sub": "x", "iat": 1, "exp": 9999999999}, SECRET * 2,
               algorithm="HS512")])
async def test_a_refused_token_is_explained_without_the_decoders_words(
        api: Api, world: World, token: str) -> None:
    try:
        jwt.decode(token, SECRET, algorithms=["HS256"], issuer="okr-history",
                   options={"require": ["exp", "iat", "sub", "iss"]})
    except jwt.InvalidTokenError as error:
        internal = str(error)
    response = await api.client.post("/graphql", json={"query": VIEWER},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("the token"), error
    assert internal.lower() not in error["message"].lower(), (internal, error)


async def test_revoked_service_accounts_are_401(api: Api, world: World) -> None:
    created = await api.gql("""mutation { createServiceAccount(input: {name: "HR feed",
        roles: [HR]}) { token serviceAccountId userErrors { code } } }""")
    payload = created["data"]["createServiceAccount"]
    assert payload["userErrors"] == []
    hr_token = payload["token"]
    assert (await api.gql(VIEWER, token=hr_token))["data"]["viewer"]["roles"] == ["HR"]
    revoked = await api.gql(
        "mutation($id: ID!) { revokeServiceAccount(input: {serviceAccountId: $id}) "
        "{ userErrors { code } } }", {"id": payload["serviceAccountId"]})
    assert revoked["data"]["revokeServiceAccount"]["userErrors"] == []
    # At once: no cache lets the revoked token through.
    response = await api.post(VIEWER, token=hr_token)
    assert response.status_code == 401


async def test_limits_refuse_deep_aliased_and_costly_queries(api: Api, world: World) -> None:
    deep = "{ viewer { person { " + "manager { " * 14 + "name" + " }" * 16 + " }"
    body = await api.gql(deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: viewer {{ subject }}" for i in range(40)) + " }"
    body = await api.gql(aliases)
    assert "aliases" in body["errors"][0]["message"].lower()
    costly = ("{ objectives(first: 100) { nodes { children { children { keyResults { "
              "checkIns(first: 100) { nodes { note } } } } } } } }")
    body = await api.gql(costly)
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT"
    tokens = "{ viewer { " + "subject " * 4000 + "} }"
    body = await api.gql(tokens)
    assert "token" in body["errors"][0]["message"].lower()


async def test_page_size_is_capped(api: Api, world: World) -> None:
    body = await api.gql("{ objectives(first: 101) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert body["data"] is None


async def test_unexpected_errors_are_masked_with_an_id(api: Api, world: World,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    services = api.fastapi.state.services
    original = services.read_model.organization

    async def broken(org: object) -> object:
        raise RuntimeError("secret internals: password=hunter2")

    services.read_model.organization = broken
    try:
        body = await api.gql("{ organization { name } }")
    finally:
        services.read_model.organization = original
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "hunter2" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)
    assert "secret internals" in caplog.text


async def test_health_readiness_and_metrics(api: Api, world: World) -> None:
    assert (await api.client.get("/healthz")).status_code == 200
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    await api.gql(VIEWER)
    metrics = (await api.client.get("/metrics")).text
    assert "okr_graphql_requests_total" in metrics
    assert "okr_graphql_request_seconds_bucket" in metrics
    assert "okr_projection_lag_events" in metrics


async def test_foreign_ids_look_unknown(api: Api, world: World) -> None:
    body = await api.gql("query($id: ID!) { node(id: $id) { id } }",
                         {"id": gid("Objective", world.other_objective)})
    assert body["data"]["node"] is None
    before = api.events()
    body = await api.gql("""mutation($id: ID!) { activateObjective(input: {objectiveId: $id})
        { userErrors { code field message } position } }""",
                         {"id": gid("Objective", world.other_objective)})
    errors = body["data"]["activateObjective"]["userErrors"]
    assert errors[0]["code"] == "NOT_FOUND"
    assert "Globex" not in json.dumps(body)
    assert api.events() == before

