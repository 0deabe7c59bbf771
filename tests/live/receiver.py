"""A webhook receiver for the tests: a real HTTP server on a loopback port, in a thread,
that can fail, answer 410 or be down for a while."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from okr_api.webhooks import signing


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def verified(self, secret: str) -> bool:
        return signing.verify(secret, self.headers["webhook-id"],
                              int(self.headers["webhook-timestamp"]), self.body,
                              self.headers["webhook-signature"])


@dataclass
class Receiver:
    port: int = 0
    fail_next: int = 0
    status: int = 200
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.attempts += 1
                    if receiver.fail_next > 0:
                        receiver.fail_next -= 1
                        status = 503
                    else:
                        status = receiver.status
                        if status < 300:
                            receiver.received.append(Received(
                                {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def unique_events(self) -> list[dict[str, Any]]:
        """What arrived, first copy of each event, in arrival order."""
        seen: set[str] = set()
        events = []
        with self._lock:
            for item in self.received:
                if item.headers["webhook-id"] not in seen:
                    seen.add(item.headers["webhook-id"])
                    events.append(item.event)
        return events

    def wait_for(self, count: int, within: float = 30.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            events = self.unique_events()
            if len(events) >= count:
                return events
            time.sleep(0.05)
        raise AssertionError(f"{len(self.unique_events())} of {count} events arrived")
