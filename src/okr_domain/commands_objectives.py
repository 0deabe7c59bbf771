"""Commands on objectives and their key results, supporters and grades."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from okr_domain import ids, validation
from okr_domain.access import Actor, can_see, controls_owner, may_write, practises
from okr_domain.alignment import AlignmentGraph
from okr_domain.command_base import UNSET, CommandBase, Result
from okr_domain.command_idempotency import Idempotency
from okr_domain.cycle import Cycle
from okr_domain.errors import Forbidden, InvalidInput, NotFound
from okr_domain.ids import alignment_graph_id
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.person import Person
from okr_domain.team import Team
from okr_domain.values import Kind, Level, MetricType, Visibility


class ObjectiveCommands(CommandBase):
    def visible_objective(self, actor: Actor, objective_id: UUID,
                          field: str = "objectiveId") -> Objective:
        """Load an objective the actor may see; private ones look unknown to others."""
        objective = self.load(Objective, objective_id, actor, field)
        if not can_see(self.directory_for(actor.organization_id), actor, objective):
            raise NotFound("no such objective", field=field)
        return objective

    def writable_objective(self, actor: Actor, objective_id: UUID,
                           field: str = "objectiveId") -> Objective:
        objective = self.visible_objective(actor, objective_id, field)
        if not may_write(self.directory_for(actor.organization_id), actor, objective):
            raise Forbidden("you may not change this objective", field=field)
        return objective

    def create_objective(
        self, actor: Actor, cycle_id: UUID, level: Level, title: str, *,
        owner_team_id: UUID | None = None, owner_person_id: UUID | None = None,
        kind: Kind = Kind.ASPIRATIONAL, visibility: Visibility = Visibility.PUBLIC,
        description: str = "", idempotency_key: str | None = None,
    ) -> Result:
        title = validation.text(title, field="title", max_len=validation.TITLE_MAX,
                                required=True)
        description = validation.text(description, field="description",
                                      max_len=validation.DESCRIPTION_MAX)
        idem = Idempotency(self, actor, "createObjective", idempotency_key, {
            "cycle": cycle_id, "level": level, "title": title, "team": owner_team_id,
            "person": owner_person_id, "kind": kind, "visibility": visibility,
            "description": description})

        def attempt() -> Result:
            earlier = idem.earlier_result()
            if earlier is not None:
                return earlier
            cycle = self.load(Cycle, cycle_id, actor, "cycleId")
            cycle.ensure_open()
            team_id, person_id = self._owner(actor, level, owner_team_id, owner_person_id)
            if not practises(actor) or not controls_owner(
                    self.directory_for(actor.organization_id), actor, level, team_id,
                    person_id):
                raise Forbidden(f"you may not write {level.value} objectives for that owner")
            objective = Objective(
                organization_id=actor.organization_id, actor_id=actor.person_id,
                cycle_id=cycle.id, level=level.value, owner_team_id=team_id,
                owner_person_id=person_id, kind=kind.value, visibility=visibility.value,
                title=title, description=description)
            if not actor.is_admin and person_id is not None and person_id != actor.person_id:
                # A manager's objective for a report is a proposal of sorts: the report
                # accepts it by activating it.
                objective.request_owner_acceptance(actor.person_id)
            cycle.add_objective(actor.person_id, objective.id)
            return Result(objective.id,
                          self.save_all(objective, cycle, idem.record(objective.id)))

        return self.run(cycle_id, attempt)

    def _owner(self, actor: Actor, level: Level, team_id: UUID | None,
               person_id: UUID | None) -> tuple[UUID | None, UUID | None]:
        if level is Level.INDIVIDUAL:
            if person_id is None or team_id is not None:
                raise InvalidInput("an INDIVIDUAL objective is owned by a person (only)",
                                   field="ownerPersonId")
            self.load(Person, person_id, actor, "ownerPersonId")
            return None, person_id
        if person_id is not None:
            raise InvalidInput(f"a {level.value} objective is owned by a team",
                               field="ownerPersonId")
        if level is Level.COMPANY:
            root = self.load(Organization, actor.organization_id, actor,
                             "organizationId").root_team_id
            if team_id not in (None, root):
                raise InvalidInput("a COMPANY objective is owned by the company team",
                                   field="ownerTeamId")
            return root, None
        if team_id is None:
            raise InvalidInput("a TEAM objective needs an owner team", field="ownerTeamId")
        self.load(Team, team_id, actor, "ownerTeamId")
        return team_id, None

    def update_objective(self, actor: Actor, objective_id: UUID, *, title: str = UNSET,
                         description: str = UNSET, kind: Kind = UNSET,
                         supporters_can_check_in: bool = UNSET) -> Result:
        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            objective.edit(
                actor.person_id,
                title=objective.title if title is UNSET else validation.text(
                    title, field="title", max_len=validation.TITLE_MAX, required=True),
                description=objective.description if description is UNSET else
                validation.text(description, field="description",
                                max_len=validation.DESCRIPTION_MAX),
                kind=objective.kind if kind is UNSET else kind,
                supporters_can_check_in=(objective.supporters_can_check_in
                                         if supporters_can_check_in is UNSET
                                         else supporters_can_check_in),
            )
            return Result(objective.id, self.save_all(objective))

        return self.run(objective_id, attempt)

    def set_objective_visibility(self, actor: Actor, objective_id: UUID,
                                 visibility: Visibility) -> Result:
        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            objective.set_visibility(actor.person_id, visibility)
            return Result(objective.id, self.save_all(objective))

        return self.run(objective_id, attempt)

    def activate_objective(self, actor: Actor, objective_id: UUID) -> Result:
        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            objective.activate(actor.person_id)
            return Result(objective.id, self.save_all(objective))

        return self.run(objective_id, attempt)

    def archive_objective(self, actor: Actor, objective_id: UUID, reason: str = "") -> Result:
        """Archive an objective; its own alignment and its children's are undone with it."""
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX)
        graph_id = alignment_graph_id(actor.organization_id)

        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            graph = self.load(AlignmentGraph, graph_id, actor, "organizationId")
            changed: list[Objective] = []
            for child_id in graph.children_of(objective.id):
                child = self.load(Objective, child_id, actor, "objectiveId")
                if child.is_open:
                    child.unalign(actor.person_id, "parent objective archived")
                    changed.append(child)
                graph.remove_edge(actor.person_id, child_id, child.cycle_id)
            if objective.parent_id is not None:
                objective.unalign(actor.person_id, "objective archived")
                graph.remove_edge(actor.person_id, objective.id, objective.cycle_id)
            objective.archive(actor.person_id, reason)
            return Result(objective.id, self.save_all(objective, *changed, graph))

        return self.run(graph_id, attempt)

    # Key results.

    def add_key_result(self, actor: Actor, objective_id: UUID, title: str,
                       metric_type: MetricType, *, target: Decimal | None = None,
                       start: Decimal | None = None, unit: str = "", weight: float = 1.0,
                       idempotency_key: str | None = None) -> Result:
        title = validation.text(title, field="title", max_len=validation.TITLE_MAX,
                                required=True)
        unit = validation.text(unit, field="unit", max_len=40)
        start_ = None if start is None else validation.decimal(start, field="start")
        target_ = None if target is None else validation.decimal(target, field="target")
        weight = validation.weight(weight)
        idem = Idempotency(self, actor, "addKeyResult", idempotency_key, {
            "objective": objective_id, "title": title, "metric": metric_type,
            "start": start_, "target": target_, "unit": unit, "weight": weight})

        def attempt() -> Result:
            earlier = idem.earlier_result()
            if earlier is not None:
                return earlier
            objective = self.writable_objective(actor, objective_id)
            kr_id = ids.new_id()
            objective.add_key_result(actor.person_id, kr_id, title=title,
                                     metric_type=metric_type, start=start_, target=target_,
                                     unit=unit, weight=weight)
            return Result(kr_id, self.save_all(objective, idem.record(kr_id)))

        return self.run(objective_id, attempt)

    def update_key_result(self, actor: Actor, objective_id: UUID, key_result_id: UUID, *,
                          title: str = UNSET, metric_type: MetricType = UNSET,
                          start: Decimal | None = UNSET, target: Decimal | None = UNSET,
                          unit: str = UNSET, weight: float = UNSET) -> Result:
        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            kr = objective.key_result(key_result_id)
            objective.edit_key_result(
                actor.person_id, key_result_id,
                title=kr.title if title is UNSET else validation.text(
                    title, field="title", max_len=validation.TITLE_MAX, required=True),
                metric_type=kr.metric_type if metric_type is UNSET else metric_type,
                start=kr.start if start is UNSET or start is None else validation.decimal(
                    start, field="start"),
                target=kr.target if target is UNSET or target is None else validation.decimal(
                    target, field="target"),
                unit=kr.unit if unit is UNSET else validation.text(unit, field="unit",
                                                                    max_len=40),
                weight=kr.weight if weight is UNSET else validation.weight(weight),
            )
            return Result(key_result_id, self.save_all(objective))

        return self.run(objective_id, attempt)

    def remove_key_result(self, actor: Actor, objective_id: UUID,
                          key_result_id: UUID) -> Result:
        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            objective.remove_key_result(actor.person_id, key_result_id)
            return Result(key_result_id, self.save_all(objective))

        return self.run(objective_id, attempt)

    # Supporters and grades.

    def support_objective(self, actor: Actor, objective_id: UUID,
                          person_id: UUID | None = None) -> Result:
        """Commit to support someone else's objective (admins may name the person)."""
        return self._support(actor, objective_id, person_id, commit=True)

    def withdraw_support(self, actor: Actor, objective_id: UUID,
                         person_id: UUID | None = None) -> Result:
        return self._support(actor, objective_id, person_id, commit=False)

    def _support(self, actor: Actor, objective_id: UUID, person_id: UUID | None,
                 commit: bool) -> Result:
        supporter = person_id or actor.person_id
        if supporter is None:
            raise InvalidInput("name the supporting person", field="personId")
        if supporter != actor.person_id and not actor.is_admin:
            raise Forbidden("only admins may act for another supporter", field="personId")
        if not practises(actor):
            raise Forbidden("supporting an objective needs the MEMBER, MANAGER or ADMIN role")

        def attempt() -> Result:
            objective = self.visible_objective(actor, objective_id)
            self.load(Person, supporter, actor, "personId")
            if commit:
                if supporter == objective.owner_person_id:
                    raise InvalidInput("owners do not support their own objective",
                                       field="personId")
                objective.add_supporter(actor.person_id, supporter)
            else:
                objective.remove_supporter(actor.person_id, supporter)
            return Result(objective.id, self.save_all(objective))

        return self.run(objective_id, attempt)

    def grade_objective(self, actor: Actor, objective_id: UUID, override: float | None,
                        reason: str) -> Result:
        """Set (or clear, with None) the grade override used when the cycle closes."""
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX,
                                 required=override is not None)
        if override is not None:
            validation.unit_interval(override, field="override")

        def attempt() -> Result:
            objective = self.writable_objective(actor, objective_id)
            objective.override_grade(actor.person_id, override, reason)
            return Result(objective.id, self.save_all(objective))

        return self.run(objective_id, attempt)
