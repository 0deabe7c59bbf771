"""Commands on service accounts (admins only)."""

from __future__ import annotations

from uuid import UUID

from okr_domain import validation
from okr_domain.access import Actor
from okr_domain.command_base import CommandBase, Result
from okr_domain.errors import InvalidInput
from okr_domain.service_account import ServiceAccount
from okr_domain.values import Role


class AccountCommands(CommandBase):
    def create_service_account(self, actor: Actor, name: str, roles: list[Role]) -> Result:
        actor.require(Role.ADMIN)
        name = validation.text(name, field="name", max_len=validation.NAME_MAX, required=True)
        if not roles:
            raise InvalidInput("a service account needs at least one role", field="roles")

        def attempt() -> Result:
            account = ServiceAccount(
                organization_id=actor.organization_id, actor_id=actor.person_id,
                cycle_id=None, name=name, roles=sorted({r.value for r in roles}))
            return Result(account.id, self.save_all(account))

        return self.run(None, attempt)

    def revoke_service_account(self, actor: Actor, account_id: UUID, reason: str = "") -> Result:
        actor.require(Role.ADMIN)
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX)

        def attempt() -> Result:
            account = self.load(ServiceAccount, account_id, actor, "serviceAccountId")
            account.revoke(actor.person_id, reason)
            return Result(account.id, self.save_all(account))

        return self.run(account_id, attempt)

    def service_account(self, organization_id: UUID, account_id: UUID) -> ServiceAccount | None:
        return self.find(ServiceAccount, account_id, organization_id)
