"""The real service in a subprocess (``okr-api serve``), and GraphQL calls to it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.service_env import clean_environment

START_TIMEOUT_SECONDS = 90.0
SECRET = "dashboard-test-secret-long-enough-for-production"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Service:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def gql(self, query: str, variables: dict[str, Any] | None = None, *,
            token: str | None = None) -> dict[str, Any]:
        """POST a query as the admin (or the given token); answer data, failing on errors."""
        response = httpx.post(
            f"{self.base_url}/graphql", json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token or self.tokens['admin']}"}, timeout=30)
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_service(data_dir: Path, *, demo: bool, production: bool = False,
                  start_timeout: float = START_TIMEOUT_SECONDS) -> Service:
    """``okr-api serve`` on a free port with its own data folder; waits until ready."""
    port = free_port()
    env = clean_environment()
    env.update({"OKR_JWT_SECRET": SECRET, "PYTHONUNBUFFERED": "1",
                "OKR_ENVIRONMENT": "production" if production else "development"})
    command = [sys.executable, "-m", "okr_api.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--data-dir", str(data_dir)]
    if demo:
        command.append("--demo")
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"{data_dir.name}-serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    service = Service(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + start_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"okr-api serve exited ({process.returncode}):\n{service.log()}")
        try:
            if httpx.get(f"{service.base_url}/readyz", timeout=2).status_code == 200:
                service.tokens = printed_tokens(service.log())
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    service.stop()
    raise RuntimeError(f"okr-api serve did not become ready:\n{service.log()}")


def _cli(*args: str, data_dir: Path, timeout: float = START_TIMEOUT_SECONDS) -> str:
    env = clean_environment()
    env["OKR_JWT_SECRET"] = SECRET
    done = subprocess.run([sys.executable, "-m", "okr_api.cli", *args, "--data-dir",
                           str(data_dir)], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def start_seeded_service(data_dir: Path, *, people: int = 40,
                         start_timeout: float = START_TIMEOUT_SECONDS) -> Service:
    """``okr-api seed`` (its events recorded at the times they would have happened, so a
    cycle has a past to travel to), then ``okr-api serve`` with an admin's token."""
    _cli("seed", "--people", str(people), "--cycles", "1", data_dir=data_dir,
         timeout=start_timeout)
    service = start_service(data_dir, demo=False, start_timeout=start_timeout)
    service.tokens["admin"] = _cli("token", "--organization", "seeded", "--subject", "e000000",
                                   "--roles", "ADMIN,ANALYST", data_dir=data_dir)
    return service


def printed_tokens(log: str) -> dict[str, str]:
    """The demo's tokens as ``serve --demo`` printed them ("  label  token")."""
    tokens = {}
    for line in log.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("admin", "manager", "member", "analyst"):
            tokens[parts[0]] = parts[1]
    return tokens


FEATURES = """{
  query: __type(name: "Query") { fields { name args { name } } }
  subscription: __type(name: "Subscription") { fields { name } }
}"""
AS_OF_FIELDS = ("alignmentTree", "stretchAnalysis")
LIVE_SUBSCRIPTION = "okrEvents"


@dataclass(frozen=True)
class Features:
    """What the server offers that the dashboard can use when it is there."""

    as_of: bool
    subscription: bool


def schema_features() -> Features:
    """Read from the schema the service serves (known at collection time, for skipif)."""
    from okr_api.graphql.schema import schema

    built = schema._schema
    fields = built.query_type.fields if built.query_type else {}
    as_of = all(name in fields and "asOf" in fields[name].args for name in AS_OF_FIELDS)
    subscription = built.subscription_type
    return Features(as_of=as_of, subscription=bool(
        subscription and LIVE_SUBSCRIPTION in subscription.fields))


def served_features(service: Service) -> Features:
    """Read from the running service over GraphQL (development servers allow it)."""
    data = service.gql(FEATURES)
    args = {f["name"]: {a["name"] for a in f["args"]} for f in data["query"]["fields"]}
    as_of = all("asOf" in args.get(name, set()) for name in AS_OF_FIELDS)
    subscriptions = {f["name"] for f in (data["subscription"] or {}).get("fields", [])}
    return Features(as_of=as_of, subscription=LIVE_SUBSCRIPTION in subscriptions)
