"""Bearer JWT authentication (HS256 with a shared secret, or RS256 with a public key).

Claims: ``sub`` (a person's id, or ``service:<id>`` for a service account), ``org`` (the
organization id), ``roles`` (ADMIN, MANAGER, MEMBER, HR, ANALYST), ``exp`` and ``iat``.
Anything else (no token, expired, malformed, wrongly signed, ``alg: none``) is refused.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt

from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.values import Role

SERVICE_PREFIX = "service:"
ISSUER = "okr-history"
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss")
VERIFIED_TOKENS = 4096
"""Tokens whose signature this process remembers having checked."""


class AuthError(Exception):
    """The request's credentials were refused (answered with 401)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the actor the commands see, plus the token's identity."""

    actor: Actor
    subject: str
    service_account_id: UUID | None
    token_id: str | None

    @property
    def organization_id(self) -> UUID:
        return self.actor.organization_id

    def has(self, *roles: Role) -> bool:
        return bool(self.actor.roles.intersection(roles))


@dataclass(frozen=True)
class TokenKeys:
    """The verification (and, for HS256, signing) material."""

    secret: str | None = None
    public_key: str | None = None
    private_key: str | None = None

    @property
    def algorithms(self) -> list[str]:
        return ["RS256"] if self.public_key else ["HS256"]

    def verification_key(self) -> str:
        key = self.public_key or self.secret
        if not key:
            raise AuthError("the service has no token key configured")
        return key


def mint_token(keys: TokenKeys, *, organization_id: UUID, subject: str, roles: list[Role],
               ttl_seconds: int = 3600, token_id: str | None = None) -> str:
    now = int(clock.timestamp())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": subject,
        "org": str(organization_id),
        "roles": sorted(r.value for r in roles),
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": token_id or uuid.uuid4().hex,
    }
    if keys.private_key:
        return jwt.encode(claims, keys.private_key, algorithm="RS256")
    if not keys.secret:
        raise AuthError("minting a token needs the signing secret")
    return jwt.encode(claims, keys.secret, algorithm="HS256")


def verify_token(keys: TokenKeys, token: str) -> Principal:
    """The token's principal; refused when malformed, wrongly signed or expired.

    A token's signature and claims are checked once, then remembered (a client sends
    the same token with every request); its expiry is checked on every use.
    """
    principal, not_before, expires_at = _verified(keys, token)
    now = clock.timestamp()
    if now > expires_at + LEEWAY_SECONDS:
        raise AuthError("the token has expired")
    if now + LEEWAY_SECONDS < not_before:
        raise AuthError("the token is not valid yet: its 'iat' or 'nbf' lies in the future")
    return principal


@functools.lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(keys: TokenKeys, token: str) -> tuple[Principal, float, float]:
    try:
        claims = jwt.decode(
            token, keys.verification_key(), algorithms=keys.algorithms, issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            # Times are checked against the service's clock (verify_token), not here.
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False,
                     "verify_iat": False, "verify_nbf": False},
        )
    except jwt.InvalidTokenError as error:
        raise AuthError(refusal(error, keys)) from None
    try:
        expires_at = float(claims["exp"])
        not_before = max(float(claims["iat"]), float(claims.get("nbf", 0)))
    except (TypeError, ValueError):
        raise AuthError(refusal(jwt.InvalidIssuedAtError(), keys)) from None
    try:
        organization_id = UUID(str(claims["org"]))
        roles = frozenset(Role(r) for r in claims.get("roles", []))
        subject = str(claims["sub"])
        service_id = (UUID(subject.removeprefix(SERVICE_PREFIX))
                      if subject.startswith(SERVICE_PREFIX) else None)
        person_id = None if service_id else UUID(subject)
    except (KeyError, ValueError, TypeError):
        raise AuthError(CLAIMS_REFUSED) from None
    return Principal(Actor(organization_id, person_id, roles, service_id), subject, service_id,
                     claims.get("jti")), not_before, expires_at


CLAIMS_REFUSED = ("the token's claims are not valid: 'org' must be an organization id, "
                  "'sub' a person id or 'service:<id>', 'roles' a list of ADMIN, MANAGER, "
                  "MEMBER, HR or ANALYST")


def refusal(error: jwt.InvalidTokenError, keys: TokenKeys) -> str:
    """Why a token was refused, in terms a client can act on (never the decoder's own
    words, which describe its internals)."""
    if isinstance(error, jwt.InvalidSignatureError):
        return "the token is not valid: its signature does not match this service's key"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return f"the token is not valid: it must be signed with {keys.algorithms[0]}"
    if isinstance(error, jwt.InvalidIssuerError):
        return f"the token is not valid: its issuer ('iss') must be '{ISSUER}'"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"the token is not valid: it needs the claims {', '.join(REQUIRED_CLAIMS)}"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "the token is not valid yet: its 'iat' or 'nbf' lies in the future"
    if isinstance(error, jwt.DecodeError | jwt.InvalidIssuedAtError):
        return ("the token is not valid: it must be a JWT (three base64url parts) whose "
                "'exp' and 'iat' claims are times in seconds")
    return "the token is not valid: ask for a new one"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header (None when absent)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def token_header(params: Any, handshake: str | None) -> str | None:
    """The connection's ``Authorization``: from connection_init's payload
    (``Authorization``, or ``authToken``/``token`` as a bearer token), else the
    handshake's header."""
    if isinstance(params, dict):
        for key in ("Authorization", "authorization"):
            if isinstance(params.get(key), str):
                return str(params[key])
        for key in ("authToken", "token"):
            if isinstance(params.get(key), str):
                return f"Bearer {params[key]}"
    return handshake
