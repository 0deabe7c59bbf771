"""What the practice tests do through the API and on the dashboard: people, objectives,
what the server offers, and the dashboard's proposal inbox."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.dashboard.pages import active_cycle, expect
from tests.dashboard.service import Service

PERSON = "{ viewer { person { id name team { id } manager { id } } } }"
CYCLE_IDS = "{ cycles { id key status } }"
CREATE = """mutation($input: CreateObjectiveInput!) {
  createObjective(input: $input) { objective { id } userErrors { code message } }
}"""
ACTIVATE = """mutation($input: ObjectiveIdInput!) {
  activateObjective(input: $input) { userErrors { code message } }
}"""
ALIGNMENT = """query($id: ID!) {
  node(id: $id) { ... on Objective { parent { id }
    alignmentProposals { status responseReason awaitingSide } } }
}"""


@dataclass(frozen=True)
class Offers:
    """The parts of the practice the service's schema offers (read for skipif)."""

    inbox: bool
    one_on_one: bool
    check_ins_due: bool
    time_zone: bool


def schema_offers() -> Offers:
    from okr_api.graphql.schema import schema

    built = schema._schema
    query = built.query_type.fields if built.query_type else {}
    viewer = built.type_map.get("Viewer")
    policy = built.type_map.get("OkrPolicy")
    viewer_fields = getattr(viewer, "fields", {})
    inbox = "alignmentProposals" in query and "filter" in query["alignmentProposals"].args
    return Offers(
        inbox=inbox,
        one_on_one="oneOnOne" in query and "reports" in viewer_fields,
        check_ins_due="checkInsDue" in viewer_fields,
        time_zone="timeZone" in getattr(policy, "fields", {}),
    )


def person(service: Service, who: str) -> dict[str, Any]:
    found: dict[str, Any] = service.gql(PERSON, token=service.tokens[who])["viewer"]["person"]
    return found


def new_objective(service: Service, who: str, title: str) -> str:
    """An active individual objective of the person, aligned to nothing."""
    cycles = service.gql(CYCLE_IDS)["cycles"]
    cycle_id = next(c["id"] for c in cycles if c["status"] == "ACTIVE")
    owner = person(service, who)
    created = service.gql(CREATE, {"input": {
        "cycleId": cycle_id, "level": "INDIVIDUAL", "title": title,
        "ownerPersonId": owner["id"]}}, token=service.tokens[who])["createObjective"]
    assert created["userErrors"] == [], created["userErrors"]
    objective_id: str = created["objective"]["id"]
    activated = service.gql(ACTIVATE, {"input": {"objectiveId": objective_id}},
                            token=service.tokens[who])["activateObjective"]
    assert activated["userErrors"] == [], activated["userErrors"]
    return objective_id


def team_objective_of(service: Service, who: str) -> dict[str, Any]:
    """A team objective owned by the person's team (its lead is the person's manager)."""
    team = person(service, who)["team"]["id"]
    nodes = service.gql("""query($cycle: String!) { alignmentTree(cycle: $cycle) {
      nodes { id objective { title level ownerTeam { id } } } } }""",
                        {"cycle": active_cycle(service)})["alignmentTree"]["nodes"]
    for node in nodes:
        objective = node["objective"]
        if objective["level"] == "TEAM" and (objective["ownerTeam"] or {}).get("id") == team:
            return {"id": node["id"], "title": objective["title"]}
    raise AssertionError("the person's team has no objective")


def own_objective_to_move(service: Service, who: str) -> tuple[str, dict[str, Any]]:
    """One of the person's objectives with an INCREASE_TO key result short of target."""
    me = person(service, who)["id"]
    nodes = service.gql("""query($cycle: String!) { alignmentTree(cycle: $cycle) {
      nodes { id objective { ownerPerson { id }
        keyResults { id title metricType target score } } } } }""",
                        {"cycle": active_cycle(service)})["alignmentTree"]["nodes"]
    for node in nodes:
        objective = node["objective"]
        if (objective["ownerPerson"] or {}).get("id") != me:
            continue
        for key_result in objective["keyResults"]:
            if key_result["metricType"] == "INCREASE_TO" and key_result["score"] < 0.9:
                return node["id"], key_result
    raise AssertionError("the person has no objective left to move")


def alignment_of(service: Service, objective_id: str) -> dict[str, Any]:
    node: dict[str, Any] = service.gql(ALIGNMENT, {"id": objective_id})["node"]
    return node


def open_objective(page: Any, objective_id: str) -> Any:
    """Open an objective's dialog from the tree (expanded) or the "Not aligned" list."""
    page.get_by_role("button", name="Expand all").click()
    expect(page.locator('.tree .toggle[aria-expanded="false"]')).to_have_count(0)
    title = page.locator(f'li[data-id="{objective_id}"] > .row .title').first
    title.scroll_into_view_if_needed()
    title.click()
    dialog = page.locator("dialog#detail")
    expect(dialog.locator(".summary-block")).to_be_visible()
    return dialog


def propose_from_dialog(dialog: Any, parent: dict[str, Any], message: str) -> None:
    """From the child's dialog, by the parent's owner: "shall we align it under ours?"."""
    dialog.locator("details.propose > summary").click()
    form = dialog.locator("form.proposal-form")
    expect(form.locator('input[value="CHILD"]')).to_be_checked()  # this one aligns under
    form.locator("input.proposal-search").fill(parent["title"][:12])
    target = form.locator("select.proposal-target")
    expect(target.locator(f'option[value="{parent["id"]}"]')).to_have_count(1)
    target.select_option(parent["id"])
    form.locator("textarea.proposal-message").fill(message)
    form.get_by_role("button", name="Send the proposal").click()


def inbox(page: Any, part: str, status: str | None = None) -> Any:
    """The proposals of one part of the inbox ("awaiting" or "mine")."""
    selector = f"#inbox-{part} li.proposal"
    if status:
        selector += f'[data-status="{status}"]'
    return page.locator(selector)


def refresh_practice(page: Any) -> None:
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#practice")).not_to_have_attribute("data-loading", "true")


POLICY = """mutation($input: UpdateOrganizationPolicyInput!) {
  updateOrganizationPolicy(input: $input) { position userErrors { code message } }
}"""


def update_policy(service: Service, **changes: Any) -> None:
    """Change the organization's policy and wait until the read models show it."""
    result = service.gql(POLICY, {"input": changes})["updateOrganizationPolicy"]
    assert result["userErrors"] == [], result["userErrors"]
    deadline = time.monotonic() + 15
    while service.gql("{ position }")["position"] < result["position"]:
        assert time.monotonic() < deadline, "the read models did not reach the policy change"
        time.sleep(0.05)
