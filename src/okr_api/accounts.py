"""Service-account tokens stay valid only while their account is not revoked."""

from __future__ import annotations

import asyncio
import time
from uuid import UUID

from okr_api.auth import AuthError, Principal
from okr_domain.application import OkrApplication

CACHE_SECONDS = 10.0


class ServiceAccountCheck:
    """Checks service-account tokens against the store, caching answers briefly."""

    def __init__(self, app: OkrApplication) -> None:
        self._app = app
        self._cache: dict[tuple[UUID, UUID], tuple[float, bool]] = {}

    async def check(self, principal: Principal) -> None:
        account_id = principal.service_account_id
        if account_id is None:
            return
        key = (principal.organization_id, account_id)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            account = await asyncio.to_thread(self._app.service_account,
                                              principal.organization_id, account_id)
            cached = (now, account is not None and not account.revoked)
            self._cache[key] = cached
        if not cached[1]:
            raise AuthError("the service account is unknown or revoked")
