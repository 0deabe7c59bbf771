"""Request limits before buffering, through a real ``okr-api serve`` process: huge bodies
are refused without being held in memory, oversized heads and slow clients are cut off."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

import pytest

from okr_api.auth import mint_token
from okr_domain.values import Role
from tests.live.support import KEYS
from tests.reliability.processes import ApiProcess, api_process

BODY_BYTES = 250 * 1024 * 1024
PARALLEL = 8
CHUNK = b"x" * (1024 * 1024)
# Any member may send a body: the limits hold for authenticated callers too.
AUTHORIZATION = b"Authorization: Bearer %s\r\n" % mint_token(
    KEYS, organization_id=uuid4(), subject=str(uuid4()), roles=[Role.MEMBER]).encode()
MEMORY_GROWTH_MB = 64
"""The server's peak memory may grow by this much while the huge bodies are refused."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    """One server for the module: each test leaves it as it found it (its connections
    closed), and the last ones show it still answers after the abuse before them."""
    tmp_path = tmp_path_factory.mktemp("limits")
    process = api_process(f"sqlite:///{tmp_path / 'okr.sqlite3'}", tmp_path,
                          OKR_REQUEST_HEAD_SECONDS="1", OKR_REQUEST_BODY_SECONDS="2")
    process.start_ready()
    try:
        yield process
    finally:
        process.stop()


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} for process {pid}")


def _connect(server: ApiProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def _status(sock: socket.socket) -> int | None:
    """The response's status code; None when the server closed without one."""
    try:
        head = sock.recv(4096)
    except (ConnectionResetError, TimeoutError):
        return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else None


def _huge_post(server: ApiProcess, chunked: bool) -> int | None:
    framing = (b"Transfer-Encoding: chunked\r\n" if chunked
               else b"Content-Length: %d\r\n" % BODY_BYTES)
    with _connect(server) as sock:
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: test\r\n" + AUTHORIZATION
                     + b"Content-Type: application/json\r\n" + framing + b"\r\n")
        sent = 0
        try:
            while sent < BODY_BYTES:
                piece = b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK) if chunked else CHUNK
                sock.sendall(piece)
                sent += len(CHUNK)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # refused: the server stopped reading and closed
        return _status(sock)


def test_huge_bodies_are_refused_without_being_buffered(server: ApiProcess) -> None:
    assert server.popen is not None
    pid = server.popen.pid
    before = _memory_mb(pid, "VmRSS")
    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(lambda n: _huge_post(server, chunked=n % 2 == 1),
                                 range(PARALLEL)))
    # Those declaring their length are refused before a byte of the body is read; the
    # others once they pass the limit (or the connection is closed on them).
    assert statuses[0::2] == [413] * (PARALLEL // 2)
    assert all(status in (413, None) for status in statuses[1::2]), statuses
    peak = _memory_mb(pid, "VmHWM")
    assert peak - before < MEMORY_GROWTH_MB, f"grew from {before:.0f} MB to {peak:.0f} MB"
    assert time.monotonic() - started < 60


@pytest.mark.parametrize(("name", "headers"), [
    ("a 200 KB header", b"X-Big: " + b"a" * 200_000 + b"\r\n"),
    ("5,000 headers", b"".join(b"X-H%d: v\r\n" % n for n in range(5_000))),
], ids=["200 KB header", "5000 headers"])
def test_oversized_heads_are_refused(server: ApiProcess, name: str, headers: bytes) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n" + headers + b"\r\n")
        status = _status(sock)
    assert status in (400, 431), (name, status)


def test_a_client_trickling_its_head_is_disconnected(server: ApiProcess) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: test\r\n")
        closed = False
        while time.monotonic() - started < 8:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                if sock.recv(4096, socket.MSG_DONTWAIT) == b"":
                    closed = True
                    break
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.2)
    assert closed, "the server kept a connection whose head never ended"
    assert time.monotonic() - started < 5


def test_a_body_that_never_ends_answers_408(server: ApiProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: test\r\n" + AUTHORIZATION
                     + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        started = time.monotonic()
        status = _status(sock)
    assert status == 408
    assert time.monotonic() - started < 6


def test_ordinary_requests_still_pass(server: ApiProcess) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n" + b"X-A: b\r\n" * 50 + b"\r\n")
        assert _status(sock) == 200
