"""Service-account tokens stay valid only while their account is not revoked.

A revocation takes effect at once everywhere: the process that records it forgets the
account at once, and every other process as soon as its live tailer reads the
``Revoked`` event from the log (PostgreSQL NOTIFY wakes it within milliseconds).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import Notification
from strawberry.relay import from_base64

from okr_api.auth import AuthError, Principal
from okr_domain.application import OkrApplication
from okr_domain.service_account import ServiceAccount
from okr_domain.values import Role

REMEMBERED_ACCOUNTS = 10_000
REVOKED_TOPIC = ServiceAccount.Revoked.TOPIC


class ServiceAccountCheck:
    """Checks service-account tokens against the store; an account found valid is
    remembered (bounded) until its revocation is seen."""

    def __init__(self, app: OkrApplication) -> None:
        self._app = app
        self._valid: OrderedDict[tuple[UUID, UUID], None] = OrderedDict()
        # Checked before the cache: a look-up that raced with a revocation may still
        # remember the account as valid, but never outvotes this set.
        self._revoked: set[UUID] = set()

    async def check(self, principal: Principal) -> None:
        account_id = principal.service_account_id
        if account_id is None:
            return
        key = (principal.organization_id, account_id)
        if account_id in self._revoked:
            raise AuthError("the service account is unknown or revoked")
        if key in self._valid:
            self._valid.move_to_end(key)
            return
        account = await asyncio.to_thread(self._app.service_account,
                                          principal.organization_id, account_id)
        if account is None or account.revoked:
            if account is not None:
                self._revoked.add(account_id)
            raise AuthError("the service account is unknown or revoked")
        if account_id in self._revoked:  # revoked while it was being looked up
            raise AuthError("the service account is unknown or revoked")
        self._valid[key] = None
        while len(self._valid) > REMEMBERED_ACCOUNTS:
            self._valid.popitem(last=False)

    def revoked(self, account_id: UUID) -> None:
        """Refuse the account's tokens from now on."""
        self._revoked.add(account_id)

    def seen(self, notifications: Sequence[Notification]) -> None:
        """A tailer's watcher: revocations written by any process."""
        for notification in notifications:
            if notification.topic == REVOKED_TOPIC:
                self.revoked(UUID(str(notification.originator_id)))


class ServiceAccountRefused(Exception):
    """No token can be minted for this service account (the message says why)."""


def service_account_id(given: str) -> UUID:
    """A service account's id as written: a UUID (with or without dashes) or the
    ``serviceAccountId`` the createServiceAccount mutation answered."""
    try:
        return UUID(given)
    except ValueError:
        pass
    try:
        type_name, node_id = from_base64(given)
        if type_name == "ServiceAccount":
            return UUID(hex=node_id)
    except ValueError:
        pass
    raise ServiceAccountRefused(
        f"{given!r} is not a service account id (give the id or the serviceAccountId "
        "that createServiceAccount answered)")


def token_roles(app: OkrApplication, organization_id: UUID, account_id: UUID,
                wanted: Sequence[Role] | None) -> list[Role]:
    """The roles a token for the account may carry: the account's own, or fewer when
    ``wanted``; refused when the account does not exist in the organization or is
    revoked (the server would refuse its tokens)."""
    account = app.service_account(organization_id, account_id)
    if account is None:
        raise ServiceAccountRefused(
            f"the organization has no service account {account_id} (admins create one "
            "with the createServiceAccount mutation)")
    if account.revoked:
        raise ServiceAccountRefused(
            f"the service account {account_id} ({account.name}) is revoked")
    if not wanted:
        return sorted(account.roles)
    extra = set(wanted) - set(account.roles)
    if extra:
        raise ServiceAccountRefused(
            f"the service account {account_id} ({account.name}) has the roles "
            f"{', '.join(sorted(account.roles))}: its tokens cannot carry "
            f"{', '.join(sorted(extra))}")
    return sorted(set(wanted))
