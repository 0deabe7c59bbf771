"""Commands on the organization's structure: the organization, teams, people, cycles."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from okr_domain import ids, validation
from okr_domain.access import Actor, Directory, manager_chain, team_chain
from okr_domain.alignment import AlignmentGraph
from okr_domain.command_base import UNSET, CommandBase, Result
from okr_domain.cycle import Cycle, resolve_cycle_dates
from okr_domain.errors import ErrorCode, Forbidden, InvalidInput, InvalidState, NotFound
from okr_domain.organization import Organization
from okr_domain.person import Person
from okr_domain.team import Team
from okr_domain.values import BandEdges, HrMode, OkrPolicy, Role, RollUp, TeamKind

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
EXTERNAL_ID_MAX = 200


class StructureCommands(CommandBase):
    def create_organization(self, name: str, slug: str,
                            policy: OkrPolicy | None = None) -> Result:
        """Create a tenant with its root (company) team and its alignment graph."""
        name = validation.text(name, field="name", max_len=validation.NAME_MAX, required=True)
        if not SLUG.match(slug):
            raise InvalidInput("slug must be 2-63 lowercase letters, digits or '-'",
                               field="slug")
        org_id = ids.organization_id(slug)

        def attempt() -> Result:
            if self.find(Organization, org_id, org_id) is not None:
                raise InvalidState(f"organization {slug!r} exists",
                                   code=ErrorCode.ALREADY_EXISTS, field="slug")
            root = Team(organization_id=org_id, actor_id=None, cycle_id=None, name=name,
                        kind=TeamKind.COMPANY.value, parent_team_id=None, lead_id=None)
            org = Organization(
                organization_id=org_id, actor_id=None, cycle_id=None, name=name,
                slug=slug, root_team_id=root.id, policy=(policy or OkrPolicy()).to_dict())
            graph = AlignmentGraph(
                organization_id=org_id, actor_id=None,
                cycle_id=None)
            return Result(org_id, self.save_all(org, root, graph))

        return self.run(org_id, attempt)

    def update_organization_policy(
        self, actor: Actor, *, bands: BandEdges = UNSET, roll_up: RollUp = UNSET,
        hr_mode: HrMode = UNSET, check_in_cadence_days: int = UNSET,
        time_zone: str = UNSET, one_on_one_cadence_days: int = UNSET,
        direct_alignment_by_parent_owner: bool = UNSET,
    ) -> Result:
        actor.require(Role.ADMIN)

        def attempt() -> Result:
            org = self.load(Organization, actor.organization_id, actor, "organizationId")
            old = org.policy
            new = OkrPolicy(
                bands=old.bands if bands is UNSET else bands,
                roll_up=old.roll_up if roll_up is UNSET else roll_up,
                hr_mode=old.hr_mode if hr_mode is UNSET else hr_mode,
                check_in_cadence_days=(old.check_in_cadence_days
                                       if check_in_cadence_days is UNSET
                                       else check_in_cadence_days),
                time_zone=old.time_zone if time_zone is UNSET else time_zone,
                one_on_one_cadence_days=(old.one_on_one_cadence_days
                                         if one_on_one_cadence_days is UNSET
                                         else one_on_one_cadence_days),
                direct_alignment_by_parent_owner=(
                    old.direct_alignment_by_parent_owner
                    if direct_alignment_by_parent_owner is UNSET
                    else direct_alignment_by_parent_owner),
            )
            org.change_policy(actor.person_id, new)
            return Result(org.id, self.save_all(org))

        return self.run(actor.organization_id, attempt)

    # Teams.

    def create_team(self, actor: Actor, name: str, *, parent_team_id: UUID | None = None,
                    kind: TeamKind = TeamKind.TEAM, lead_id: UUID | None = None) -> Result:
        actor.require(Role.ADMIN)
        name = validation.text(name, field="name", max_len=validation.NAME_MAX, required=True)
        if kind is TeamKind.COMPANY:
            raise InvalidInput("there is one company team, made with the organization",
                               field="kind")

        def attempt() -> Result:
            org = self.load(Organization, actor.organization_id, actor, "organizationId")
            parent = self.load(Team, parent_team_id or org.root_team_id, actor,
                               "parentTeamId")
            self._check_lead(actor, lead_id)
            team = Team(organization_id=org.id, actor_id=actor.person_id, cycle_id=None,
                        name=name, kind=kind.value, parent_team_id=parent.id, lead_id=lead_id)
            return Result(team.id, self.save_all(team))

        return self.run(None, attempt)

    def update_team(self, actor: Actor, team_id: UUID, *, name: str = UNSET,
                    parent_team_id: UUID = UNSET, lead_id: UUID | None = UNSET) -> Result:
        actor.require(Role.ADMIN)

        def attempt() -> Result:
            team = self.load(Team, team_id, actor, "teamId")
            new_name = team.name if name is UNSET else validation.text(
                name, field="name", max_len=validation.NAME_MAX, required=True)
            new_parent = team.parent_team_id if parent_team_id is UNSET else parent_team_id
            new_lead = team.lead_id if lead_id is UNSET else lead_id
            if new_parent != team.parent_team_id:
                if team.kind is TeamKind.COMPANY:
                    raise InvalidInput("the company team has no parent", field="parentTeamId")
                if new_parent is None:
                    raise InvalidInput("a team needs a parent team", field="parentTeamId")
                parent = self.load(Team, new_parent, actor, "parentTeamId")
                chain = team_chain(self.directory_for(actor.organization_id), parent.id)
                if any(t.id == team.id for t in chain):
                    raise InvalidInput("a team cannot sit under itself",
                                       field="parentTeamId", code=ErrorCode.TEAM_CYCLE)
            if new_lead != team.lead_id:
                self._check_lead(actor, new_lead)
            team.update(actor.person_id, new_name, new_parent, new_lead)
            return Result(team.id, self.save_all(team))

        return self.run(team_id, attempt)

    def _check_lead(self, actor: Actor, lead_id: UUID | None) -> None:
        if lead_id is not None:
            self.load(Person, lead_id, actor, "leadId")

    # People.

    def upsert_person(self, actor: Actor, external_id: str, name: str, *,
                      email: str | None = None, team_id: UUID | None = None,
                      manager_id: UUID | None = None) -> Result:
        """Create or update a person by their external HR id; the same details twice
        record nothing the second time."""
        actor.require(Role.ADMIN, Role.HR)
        external_id = validation.text(external_id, field="externalId",
                                      max_len=EXTERNAL_ID_MAX, required=True)
        name = validation.text(name, field="name", max_len=validation.NAME_MAX, required=True)
        email = validation.text(email, field="email", max_len=320) or None
        if email is not None and "@" not in email:
            raise InvalidInput("email is not an address", field="email")
        person_id = ids.person_id(actor.organization_id, external_id)

        def attempt() -> Result:
            if team_id is not None:
                self.load(Team, team_id, actor, "teamId")
            person = self.find(Person, person_id, actor.organization_id)
            if manager_id is not None:
                self.load(Person, manager_id, actor, "managerId")
                directory = self.directory_for(actor.organization_id)
                chain = manager_chain(directory, manager_id)
                if manager_id == person_id or person_id in chain:
                    raise InvalidInput("a person cannot manage themselves, even indirectly",
                                       field="managerId", code=ErrorCode.MANAGER_CYCLE)
                _refuse_gaining_rights(directory, actor, person, [manager_id, *chain])
            if person is None:
                person = Person(
                    organization_id=actor.organization_id,
                    actor_id=actor.person_id, cycle_id=None, external_id=external_id,
                    name=name, email=email, team_id=team_id, manager_id=manager_id)
            else:
                person.update(actor.person_id, name, email, team_id, manager_id)
            return Result(person_id, self.save_all(person))

        return self.run(person_id, attempt)

    # Cycles.

    def create_cycle(self, actor: Actor, key: str, *, name: str | None = None,
                     starts_on: date | None = None, ends_on: date | None = None) -> Result:
        actor.require(Role.ADMIN)
        key = key.strip()
        starts, ends = resolve_cycle_dates(key, starts_on, ends_on)
        title = validation.text(name, field="name", max_len=validation.NAME_MAX) or key
        cycle_id = ids.cycle_id(actor.organization_id, key)

        def attempt() -> Result:
            self.load(Organization, actor.organization_id, actor, "organizationId")
            if self.find(Cycle, cycle_id, actor.organization_id) is not None:
                raise InvalidState(f"cycle {key} exists", code=ErrorCode.ALREADY_EXISTS,
                                   field="key")
            cycle = Cycle(
                organization_id=actor.organization_id,
                actor_id=actor.person_id, cycle_id=cycle_id, key=key, name=title,
                starts_on=starts, ends_on=ends)
            return Result(cycle_id, self.save_all(cycle))

        return self.run(cycle_id, attempt)

    def activate_cycle(self, actor: Actor, cycle_id: UUID) -> Result:
        actor.require(Role.ADMIN)

        def attempt() -> Result:
            cycle = self.load(Cycle, cycle_id, actor, "cycleId")
            cycle.activate(actor.person_id)
            return Result(cycle_id, self.save_all(cycle))

        return self.run(cycle_id, attempt)

    def cycle_by_key(self, actor: Actor, key: str) -> Cycle:
        cycle = self.find(Cycle, ids.cycle_id(actor.organization_id, key),
                          actor.organization_id)
        if cycle is None:
            raise NotFound(f"no cycle {key}", field="key")
        return cycle

    def organization(self, actor: Actor) -> Organization:
        return self.load(Organization, actor.organization_id, actor, "organizationId")


def _refuse_gaining_rights(directory: Directory, actor: Actor, person: Person | None,
                           new_chain: list[UUID]) -> None:
    """HR keeps people's records, but a reporting line that would put the caller above
    the person (and so give them rights over the person's objectives) is an admin's
    act. Records of the caller's own reports stay theirs to keep."""
    me = actor.person_id
    if actor.is_admin or me is None or me not in new_chain:
        return
    if person is not None and me in manager_chain(directory, person.id):
        return
    raise Forbidden("only an admin may place a person under you (it would give you rights "
                    "over their objectives)", field="managerId")
