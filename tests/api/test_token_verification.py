"""A token's signature is checked once per process; its expiry on every use."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from okr_api import auth
from okr_api.auth import AuthError, TokenKeys, mint_token, verify_token
from okr_domain import clock
from okr_domain.values import Role

KEYS = TokenKeys(secret="a-secret-for-these-tests-that-is-long-enough")


def test_a_remembered_token_is_still_refused_once_it_has_expired() -> None:
    org, person = uuid4(), uuid4()
    token = mint_token(KEYS, organization_id=org, subject=str(person), roles=[Role.ADMIN],
                       ttl_seconds=60)
    assert verify_token(KEYS, token).actor.person_id == person
    assert verify_token(KEYS, token).actor.person_id == person  # remembered
    later = clock.now() + timedelta(seconds=60 + auth.LEEWAY_SECONDS + 1)
    with clock.simulated_time(later), pytest.raises(AuthError, match="expired"):
        verify_token(KEYS, token)


def test_a_token_is_remembered_per_key_so_another_key_still_refuses_it() -> None:
    token = mint_token(KEYS, organization_id=uuid4(), subject=str(uuid4()),
                       roles=[Role.MEMBER])
    verify_token(KEYS, token)
    other = TokenKeys(secret="another-secret-for-these-tests-long-enough-too")
    with pytest.raises(AuthError, match="not valid"):
        verify_token(other, token)
