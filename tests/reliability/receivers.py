"""Webhook receivers that misbehave on purpose: real HTTP servers on loopback ports that
answer 200, answer 500, answer too late (after the delivery timeout) or hang without
answering, switched at will."""

from __future__ import annotations

import json
import threading
import time
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Mode(Enum):
    OK = "ok"
    ERROR = "error"  # 500
    SLOW = "slow"  # 200, after longer than the delivery timeout
    HANG = "hang"  # no answer until healed


class Receiver:
    def __init__(self, mode: Mode, slow_seconds: float = 2.0) -> None:
        self.mode = mode
        self.slow_seconds = slow_seconds
        self.attempts = 0
        self.delivered: list[dict[str, Any]] = []
        self._healed = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def heal(self) -> None:
        self.mode = Mode.OK
        self._healed.set()

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._lock:
                    receiver.attempts += 1
                    mode = receiver.mode
                if mode is Mode.HANG:
                    receiver._healed.wait(60)
                    return  # the connection closes without an answer
                if mode is Mode.SLOW:
                    time.sleep(receiver.slow_seconds)
                status = 500 if mode is Mode.ERROR else 200
                if status == 200:
                    with receiver._lock:
                        receiver.delivered.append(json.loads(body))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._healed.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def check_in_ids(self) -> list[str]:
        """The check-ins delivered (first copy of each event), in arrival order."""
        seen: set[str] = set()
        found = []
        with self._lock:
            for event in self.delivered:
                if event["id"] in seen:
                    continue
                seen.add(event["id"])
                if event["data"].get("checkInId"):
                    found.append(event["data"]["checkInId"])
        return found

    def positions(self) -> list[int]:
        """Positions of the first copy of each event, in arrival order (a delivery the
        worker gave up waiting for may arrive once more, later: at least once)."""
        seen: set[str] = set()
        found = []
        with self._lock:
            for event in self.delivered:
                if event["id"] not in seen:
                    seen.add(event["id"])
                    found.append(int(event["data"]["position"]))
        return found
