"""The API as a separate process: ``okr-api serve`` on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

SECRET = "bench-secret-that-is-long-enough-for-hs256-signing"
READY_SECONDS = 120.0
OKR_API = Path(sys.executable).parent / "okr-api"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


@dataclass
class ApiProcess:
    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def rss_mb(self) -> float:
        return _status_kb(self.process.pid, "VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        """The process's high-water mark of resident memory so far."""
        return _status_kb(self.process.pid, "VmHWM") / 1024

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()

    def tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _environment(work_dir: Path, env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "OKR_JWT_SECRET": SECRET, "OKR_DATA_DIR": str(work_dir),
            **(env or {})}


def start(url: str, work_dir: Path, env: dict[str, str] | None = None, *,
          workers: int = 1, options: tuple[str, ...] = ()) -> ApiProcess:
    """Start the service and wait until /readyz answers."""
    port = free_port()
    log_path = work_dir / f"api-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(OKR_API), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers",
         str(workers), "--database-url", url, *options],
        env=_environment(work_dir, env), stdout=log, stderr=subprocess.STDOUT, cwd=work_dir)
    api = ApiProcess(process, port, log, log_path)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            api.stop()
            raise RuntimeError(f"the API process exited:\n{api.tail()}")
        try:
            if httpx.get(f"{api.base_url}/readyz", timeout=2).status_code == 200:
                return api
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    api.stop()
    raise RuntimeError(f"the API process did not become ready:\n{api.tail()}")


@dataclass
class Deployment:
    """The documented deployment on PostgreSQL: ``okr-api serve --workers N
    --no-projections``, and ``okr-api projections run`` as a process of its own."""

    api: ApiProcess
    projections: subprocess.Popen[bytes]
    projections_log: IO[bytes]
    workers: int

    def stop(self) -> None:
        self.api.stop()
        stop_process(self.projections)
        self.projections_log.close()


def start_deployment(url: str, work_dir: Path, workers: int) -> Deployment:
    """Start the projections worker, then the API workers (ready once the read models
    have caught up, which the projections worker does)."""
    log_path = work_dir / "projections.log"
    log = log_path.open("wb")
    projections = subprocess.Popen(
        [str(OKR_API), "projections", "run", "--database-url", url],
        env=_environment(work_dir, None), stdout=log, stderr=subprocess.STDOUT, cwd=work_dir)
    try:
        api = start(url, work_dir, workers=workers, options=("--no-projections",))
    except BaseException:
        projections.terminate()
        projections.wait(30)
        log.close()
        raise
    return Deployment(api, projections, log, workers)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process and wait for it; kill it if it does not end in 30 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
