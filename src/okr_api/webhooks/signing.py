"""Standard Webhooks signatures (https://www.standardwebhooks.com).

The secret is ``whsec_`` followed by the base64 of the key. A delivery carries
``webhook-id`` (the event id, the same on every attempt and replay),
``webhook-timestamp`` (unix seconds) and ``webhook-signature``: ``v1,`` and the base64 of
HMAC-SHA256(key, "<id>.<timestamp>.<body>").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
MIN_KEY_BYTES = 24
MAX_KEY_BYTES = 64


class InvalidSecret(ValueError):
    pass


def generate_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise InvalidSecret(f"a webhook secret starts with {PREFIX}")
    try:
        key = base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSecret("a webhook secret is whsec_ followed by base64") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise InvalidSecret(
            f"a webhook secret's key has {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, message_id: str, timestamp: int, body: bytes,
           signature_header: str) -> bool:
    """True when one of the space-separated signatures matches (for receivers)."""
    expected = sign(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate)
               for candidate in signature_header.split())


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def hint(secret: str) -> str:
    """Enough to tell secrets apart, nothing to sign with."""
    return f"{PREFIX}...{secret[-4:]}"
