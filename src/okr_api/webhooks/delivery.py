"""One delivery attempt, and how long to wait after a failure.

2xx is delivered; 410 Gone disables the endpoint; anything else (other statuses,
timeouts, refused connections, a URL that resolves where webhooks may not go) is a
failure, retried with exponential backoff and jitter: attempt n waits between half and
all of ``min(max, base * 2**(n-1))`` seconds.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from enum import StrEnum

import httpx

from okr_api.live.model import LiveEvent
from okr_api.webhooks import cloudevents, signing
from okr_api.webhooks.urls import UrlRefused, check_resolved

USER_AGENT = "okr-history-webhooks/1"
ERROR_MAX = 500


class Outcome(StrEnum):
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    GONE = "GONE"


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    status_code: int | None
    error: str | None
    latency_ms: float


def backoff(failures: int, base: float, cap: float) -> float:
    ceiling = min(cap, base * 2.0 ** max(failures - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


async def deliver(client: httpx.AsyncClient, url: str, secret: str, event: LiveEvent, *,
                  allow_loopback: bool) -> Attempt:
    return await deliver_body(client, url, secret, str(event.event_id),
                              cloudevents.body(event), allow_loopback=allow_loopback)


async def deliver_body(client: httpx.AsyncClient, url: str, secret: str, event_id: str,
                       payload: bytes, *, allow_loopback: bool) -> Attempt:
    """Post one CloudEvent's bytes, signed."""
    headers = {
        "content-type": cloudevents.CONTENT_TYPE,
        "user-agent": USER_AGENT,
        **signing.headers(secret, event_id, int(time.time()), payload),
    }
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 3)

    try:
        await check_resolved(url, allow_loopback)
        response = await client.post(url, content=payload, headers=headers)
    except UrlRefused as error:
        return Attempt(Outcome.FAILED, None, str(error)[:ERROR_MAX], elapsed())
    except httpx.HTTPError as error:
        reason = f"{type(error).__name__}: {error}".strip().rstrip(":")
        return Attempt(Outcome.FAILED, None, reason[:ERROR_MAX], elapsed())
    status = response.status_code
    if 200 <= status < 300:
        return Attempt(Outcome.DELIVERED, status, None, elapsed())
    if status == 410:
        return Attempt(Outcome.GONE, status, "the receiver answered 410 Gone", elapsed())
    return Attempt(Outcome.FAILED, status, f"the receiver answered {status}", elapsed())
