"""The README's receiver snippet: the `standardwebhooks` package verifies what the
service signs, and refuses a body that was changed."""

from __future__ import annotations

import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from okr_api.webhooks import signing


def verified_event(secret: str, body: bytes, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """The CloudEvent, or WebhookVerificationError when the signature is wrong or stale."""
    return Webhook(secret).verify(body, headers)  # type: ignore[no-any-return]


def test_the_standardwebhooks_package_verifies_our_signature() -> None:
    secret = signing.generate_secret()
    body = b'{"id":"e1","specversion":"1.0","type":"com.okr-history.check_in_recorded"}'
    headers = signing.headers(secret, "e1", int(time.time()), body)
    assert verified_event(secret, body, headers)["id"] == "e1"
    with pytest.raises(WebhookVerificationError):
        verified_event(secret, body.replace(b"e1", b"e2"), headers)
