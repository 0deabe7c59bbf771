"""The service as separate processes: ``okr-api serve`` and the projection worker
(``python -m projections.worker``), started, killed and restarted by the scenarios.

Each process keeps its port across restarts and writes its output to a log file in the
test's folder (shown when a scenario fails). ``stop`` is always safe to call."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.live.support import SECRET

VENV_BIN = Path(sys.executable).parent
READY_WITHIN = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Process:
    """One OS process of the service, restartable with the same command."""

    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    def start(self) -> None:
        handle = self.log_path.open("ab")
        try:
            self.popen = subprocess.Popen(self.command, env=self.env, stdout=handle,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            handle.close()
        self.starts += 1

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.popen is not None
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)
        self.kills += 1

    def terminate(self, within: float = 30) -> int:
        """SIGTERM and wait; the exit code."""
        assert self.popen is not None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(within)

    def stop(self) -> bool:
        """SIGTERM, then SIGKILL after 20 s; whether it had to be killed."""
        if self.popen is None or self.popen.poll() is not None:
            return False
        try:
            self.terminate(20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)
            return True
        return False

    def output(self, last: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-last:]
        except OSError:
            return ""


@dataclass
class ApiProcess(Process):
    port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def start_ready(self, within: float = READY_WITHIN) -> None:
        self.start()
        self.wait_ready(within)

    def wait_ready(self, within: float = READY_WITHIN) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self.running:
                raise AssertionError(f"the API process exited:\n{self.output()}")
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the API process did not become ready:\n{self.output()}")


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "OKR_JWT_SECRET": SECRET, "OKR_DATA_DIR": str(data_dir),
            "OKR_WEBHOOKS_ALLOW_LOOPBACK": "true", "OKR_LIVE_POLL_SECONDS": "0.5",
            "PYTHONUNBUFFERED": "1", **extra}


def api_process(url: str, folder: Path, name: str = "api", **extra: str) -> ApiProcess:
    port = free_port()
    command = [str(VENV_BIN / "okr-api"), "serve", "--port", str(port), "--database-url", url]
    return ApiProcess(command, service_env(folder / f"{name}-data", **extra),
                      folder / f"{name}.log", port=port)


def worker_process(url: str, folder: Path, name: str = "worker") -> Process:
    command = [sys.executable, "-m", "projections.worker", "--url", url]
    return Process(command, service_env(folder / f"{name}-data"), folder / f"{name}.log")
