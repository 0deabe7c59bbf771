"""``okr-api token`` for a service account mints a token the server accepts, with the
account's roles, and refuses, saying why, when the account does not exist, belongs to
another organization or is revoked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from strawberry.relay import from_base64
from typer.testing import CliRunner, Result

from okr_api.cli import app as cli
from okr_api.settings import Settings, get_settings
from tests.api.conftest import SECRET, Api, World

CREATE = """mutation { createServiceAccount(input: {name: "HR feed", roles: [HR, ANALYST]})
  { serviceAccountId userErrors { code } } }"""
REVOKE = """mutation($id: ID!) { revokeServiceAccount(input: {serviceAccountId: $id})
  { userErrors { code } } }"""
VIEWER = "{ viewer { subject roles } }"


@pytest.fixture
def token_cli(api_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line on the test's store (the environment it sets is put back)."""
    monkeypatch.setenv("OKR_DATABASE_URL", str(api_settings.database_url))
    monkeypatch.setenv("OKR_DATA_DIR", str(api_settings.data_dir))
    monkeypatch.setenv("OKR_JWT_SECRET", SECRET)
    yield CliRunner()
    get_settings.cache_clear()


def mint(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["token", *args])


async def create_account(api: Api) -> tuple[str, UUID]:
    payload = (await api.gql(CREATE))["data"]["createServiceAccount"]
    assert payload["userErrors"] == []
    global_id = payload["serviceAccountId"]
    return global_id, UUID(hex=from_base64(global_id)[1])


async def test_a_service_account_token_is_accepted_with_the_accounts_roles(
        api: Api, world: World, token_cli: CliRunner) -> None:
    global_id, account_id = await create_account(api)
    for given in (global_id, str(account_id), account_id.hex):
        minted = mint(token_cli, "--organization", "acme", "--subject", f"service:{given}")
        assert minted.exit_code == 0, minted.output
        viewer = (await api.gql(VIEWER, token=minted.stdout.strip()))["data"]["viewer"]
        assert viewer == {"subject": f"service:{account_id}", "roles": ["ANALYST", "HR"]}
    narrower = mint(token_cli, "--organization", "acme", "--subject", f"service:{account_id}",
                    "--roles", "HR")
    assert narrower.exit_code == 0, narrower.output
    viewer = (await api.gql(VIEWER, token=narrower.stdout.strip()))["data"]["viewer"]
    assert viewer["roles"] == ["HR"]


async def test_tokens_the_server_would_refuse_are_not_minted(
        api: Api, world: World, token_cli: CliRunner) -> None:
    global_id, _ = await create_account(api)
    refusals = {
        f"service:{uuid4()}": "has no service account",
        "service:x": "is not a service account id",
        "service:": "is not a service account id",
    }
    for subject, reason in refusals.items():
        refused = mint(token_cli, "--organization", "acme", "--subject", subject)
        assert refused.exit_code == 1, (subject, refused.output)
        assert reason in refused.stderr, (subject, refused.stderr)
        assert refused.stdout == ""
    other_org = mint(token_cli, "--organization", "globex", "--subject", f"service:{global_id}")
    assert other_org.exit_code == 1
    assert "has no service account" in other_org.stderr
    wider = mint(token_cli, "--organization", "acme", "--subject", f"service:{global_id}",
                 "--roles", "HR,ADMIN")
    assert wider.exit_code == 1
    assert "cannot carry ADMIN" in wider.stderr

    before = mint(token_cli, "--organization", "acme", "--subject", f"service:{global_id}")
    assert before.exit_code == 0
    revoked = await api.gql(REVOKE, {"id": global_id})
    assert revoked["data"]["revokeServiceAccount"]["userErrors"] == []
    after = mint(token_cli, "--organization", "acme", "--subject", f"service:{global_id}")
    assert after.exit_code == 1
    assert "is revoked" in after.stderr
    # The token minted before the revocation is refused by the server from then on.
    assert (await api.post(VIEWER, token=before.stdout.strip())).status_code == 401


async def test_person_tokens_are_unchanged(api: Api, world: World,
                                           token_cli: CliRunner) -> None:
    minted = mint(token_cli, "--organization", "acme", "--subject", "alice")
    assert minted.exit_code == 0, minted.output
    viewer = (await api.gql(VIEWER, token=minted.stdout.strip()))["data"]["viewer"]
    assert viewer == {"subject": str(world.alice), "roles": ["MEMBER"]}


def test_no_store_no_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_JWT_SECRET", SECRET)
    monkeypatch.setenv("OKR_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("OKR_DATABASE_URL", raising=False)
    try:
        refused = mint(CliRunner(), "--organization", "acme", "--subject", f"service:{uuid4()}")
    finally:
        get_settings.cache_clear()
    assert refused.exit_code == 1
    assert f"there is no event store at {tmp_path / 'elsewhere'}" in refused.stderr
    assert not (tmp_path / "elsewhere").exists()
