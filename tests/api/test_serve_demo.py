"""End to end, as the README tells a newcomer: ``okr-api serve --demo`` (the installed
console script, a real server on a real port), then the printed ``curl`` query with the
printed token."""

from __future__ import annotations

import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service_env import clean_environment

START_LIMIT_SECONDS = 30.0  # "a few seconds" on a laptop; loose on a busy test machine
TOKEN_LINE = re.compile(r"^\s+(admin|manager|member|analyst)\s+(\S+)\s*$", re.MULTILINE)
ROLES = {"admin": ["ADMIN", "MANAGER"], "manager": ["MANAGER"], "member": ["MEMBER"],
         "analyst": ["ANALYST"]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode is not None


def _curl(stdout: str) -> tuple[str, dict[str, str], str]:
    """The URL, headers and body of the printed curl command."""
    line = next(line for line in stdout.splitlines() if line.strip().startswith("curl "))
    words = shlex.split(line)
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    body = words[words.index("-d") + 1]
    url = next(w for w in words if w.startswith("http://"))
    return url, headers, body


def test_serve_demo_then_the_printed_query(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "okr-api"
    assert script.exists(), f"the console script is not installed next to {sys.executable}"
    port = _free_port()
    data_dir = tmp_path / "data"
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    env = clean_environment()
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [str(script), "serve", "--demo", "--port", str(port), "--data-dir", str(data_dir)],
            stdout=stdout, stderr=stderr, cwd=tmp_path, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        serving = None
        while time.monotonic() - started < START_LIMIT_SECONDS:
            if process.poll() is not None:
                pytest.fail(f"okr-api exited with {process.returncode}:\n{err.read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                    serving = time.monotonic() - started
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        assert serving is not None, (
            f"not serving after {START_LIMIT_SECONDS} s:\n{out.read_text()}\n{err.read_text()}")
        print(f"okr-api serve --demo answered /healthz after {serving:.1f} s")

        printed = out.read_text()
        # The service runs on the test run's clock (tests/conftest.py), whatever the day.
        assert "(cycle 2026-Q4)" in printed, printed
        tokens = dict(TOKEN_LINE.findall(printed))
        assert set(tokens) == set(ROLES), printed
        url, headers, body = _curl(printed)
        assert url == f"{base}/graphql"
        assert headers["Authorization"] == f"Bearer {tokens['admin']}"
        assert headers["Content-Type"] == "application/json"

        answer = httpx.post(url, content=body, headers=headers, timeout=10.0)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert "errors" not in result, result
        data = result["data"]
        assert data["viewer"]["person"]["name"]
        assert data["objectives"]["totalCount"] > 0
        assert data["objectives"]["nodes"], data
        assert all(n["title"] and n["level"] for n in data["objectives"]["nodes"])

        for label, token in tokens.items():
            viewer = httpx.post(url, json={"query": "{ viewer { roles person { name } } }"},
                                headers={"Authorization": f"Bearer {token}"}, timeout=10.0)
            assert viewer.status_code == 200, viewer.text
            seen = viewer.json()["data"]["viewer"]
            assert sorted(seen["roles"]) == ROLES[label], (label, seen)
            assert seen["person"]["name"], (label, seen)
    finally:
        _stop(process)
