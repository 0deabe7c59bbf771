"""What the tests do on the dashboard and through the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.dashboard.service import Service

TREE = """query($cycle: String!) {
  alignmentTree(cycle: $cycle) {
    position
    nodes { id hidden childIds objective { title level kind gradedScore
      keyResults { id metricType start target current score } } }
  }
}"""
CYCLES = "{ cycles { key status } }"
RECORD = """mutation($input: RecordCheckInInput!) {
  recordCheckIn(input: $input) { position userErrors { code message } }
}"""


def expect(target: Any) -> Any:
    """Playwright's retrying assertions (imported here: the tests skip without it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def sign_in(page: Any, service: Service, label: str = "admin") -> None:
    """Open the dashboard and take the demo's one-click sign-in."""
    page.goto(f"{service.base_url}/")
    page.get_by_role("button", name=f"Sign in as {label}").click()
    wait_for_tree(page)


def sign_in_with_token(page: Any, service: Service, token: str) -> None:
    """Open the dashboard and paste a token."""
    page.goto(f"{service.base_url}/")
    page.get_by_label("Bearer token").fill(token)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_tree(page)


def wait_for_tree(page: Any) -> None:
    page.wait_for_selector("#tree li.node")
    page.wait_for_selector("#stretch svg.histogram")
    expect(page.locator("body")).not_to_have_attribute("data-loading", "true")


def bar_score(page: Any, objective_id: str) -> float:
    bar = page.locator(f'li[data-id="{objective_id}"] > .row > .scorebar')
    return float(bar.get_attribute("data-score"))


def histogram_counts(page: Any) -> str:
    value: str = page.locator("#stretch svg.histogram").get_attribute("data-counts")
    return value


def active_cycle(service: Service) -> str:
    cycles = service.gql(CYCLES)["cycles"]
    key: str = next(c["key"] for c in cycles if c["status"] == "ACTIVE")
    return key


def tree_nodes(service: Service) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = service.gql(
        TREE, {"cycle": active_cycle(service)})["alignmentTree"]["nodes"]
    return nodes


def objective_to_move(service: Service, *, skip: set[str]) -> tuple[str, dict[str, Any]]:
    """An individual objective with an INCREASE_TO key result short of its target."""
    for node in tree_nodes(service):
        objective = node["objective"]
        if node["hidden"] or node["id"] in skip or objective["level"] != "INDIVIDUAL":
            continue
        for key_result in objective["keyResults"]:
            if key_result["metricType"] == "INCREASE_TO" and key_result["score"] < 0.9:
                return node["id"], key_result
    raise AssertionError("the demo has no objective left to move")


def record_check_in(service: Service, key_result: dict[str, Any]) -> int:
    """Check the key result in at its target; answers the position written."""
    result = service.gql(RECORD, {"input": {
        "keyResultId": key_result["id"], "value": str(Decimal(key_result["target"])),
        "confidence": 8, "note": "reached it"}})["recordCheckIn"]
    assert result["userErrors"] == [], result["userErrors"]
    position: int = result["position"]
    return position


def expand_to(page: Any, objective_id: str) -> None:
    """Expand the tree and bring the objective's row into view."""
    page.get_by_role("button", name="Expand all").click()
    page.locator(f'li[data-id="{objective_id}"] > .row').scroll_into_view_if_needed()
