"""The dashboard in headless Chromium against the demo: signing in, the alignment tree,
an objective's details, the stretch picture, keyboard use and a phone-width screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.dashboard.conftest import Recorder, open_page
from tests.dashboard.pages import (
    active_cycle,
    expect,
    histogram_counts,
    sign_in,
    tree_nodes,
    wait_for_tree,
)
from tests.dashboard.service import Service, schema_features, served_features

SUPPORT = """mutation($input: SupportObjectiveInput!) {
  supportObjective(input: $input) { userErrors { code message } }
}"""
VIEWER = "{ viewer { person { id name } } }"


def test_the_page_and_the_api_share_the_service(demo: Service) -> None:
    page = httpx.get(f"{demo.base_url}/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    assert httpx.get(f"{demo.base_url}/dashboard/app.js").status_code == 200
    assert httpx.get(f"{demo.base_url}/healthz").text == "ok"
    assert httpx.get(f"{demo.base_url}/readyz").status_code == 200
    assert "okr_" in httpx.get(f"{demo.base_url}/metrics").text
    tokens = httpx.get(f"{demo.base_url}/demo/tokens").json()["tokens"]
    assert {t["label"] for t in tokens} == {"admin", "manager", "member", "analyst"}
    assert demo.gql("{ position }")["position"] > 0
    # What the skip conditions read from the schema is what the running service serves.
    assert served_features(demo) == schema_features()


def test_demo_sign_in_and_the_tree_expands(page: Any, demo: Service, artifacts: Path) -> None:
    sign_in(page, demo)
    roots = page.locator("#tree > li.node")
    assert roots.count() == 3
    first = roots.first
    toggle = first.locator(":scope > .row > .toggle")
    children = first.locator(":scope > .children")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert children.is_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(children).to_be_visible()
    team = children.locator(":scope > li.node").first
    expect(team).to_have_attribute("data-level", "TEAM")
    team.locator(":scope > .row > .toggle").click()
    individual = team.locator(":scope > .children > li.node").first
    expect(individual).to_be_visible()
    expect(individual).to_have_attribute("data-level", "INDIVIDUAL")
    # Each node: score bar coloured by band, kind, owner and alignment coverage.
    row = team.locator(":scope > .row")
    bar = row.locator(".scorebar")
    band = bar.get_attribute("data-band")
    assert band
    assert f"band-{band}" in (bar.locator(".fill").get_attribute("class") or "")
    assert 0.0 <= float(bar.get_attribute("data-score") or "-1") <= 1.0
    meta = row.locator(".meta").inner_text()
    assert "Team" in meta
    assert "Committed" in meta or "Aspirational" in meta
    assert "team coverage" in meta
    assert "aligned below" in meta
    assert "aligned" in page.locator("#tree-summary").inner_text()
    # Orphans have their own list (the demo aligns everything).
    assert "every team and individual objective is aligned" in page.locator("#orphans").inner_text()
    page.screenshot(path=str(artifacts / "tree.png"), full_page=True)
    page.get_by_role("button", name="Collapse all").click()
    expect(children).to_be_hidden()


def test_an_objective_shows_key_results_check_ins_supporters_and_history(
        page: Any, demo: Service, artifacts: Path) -> None:
    nodes = tree_nodes(demo)
    chosen = next(n for n in nodes if not n["hidden"] and n["objective"]["level"] == "TEAM")
    manager = demo.gql(VIEWER, token=demo.tokens["manager"])["viewer"]["person"]
    result = demo.gql(SUPPORT, {"input": {"objectiveId": chosen["id"]}},
                      token=demo.tokens["manager"])["supportObjective"]
    assert result["userErrors"] == []
    sign_in(page, demo)
    page.get_by_role("button", name="Expand all").click()
    opener = page.locator(f'li[data-id="{chosen["id"]}"] > .row .title')
    opener.click()
    dialog = page.locator("dialog#detail")
    expect(dialog).to_be_visible()
    expect(page.locator("#detail-title")).to_have_text(chosen["objective"]["title"])
    expect(dialog.locator("li.key-result")).to_have_count(len(chosen["objective"]["keyResults"]))
    charts = dialog.locator("svg.check-in-chart")
    assert charts.count() >= 1
    assert int(charts.first.get_attribute("data-points") or "0") >= 1
    assert charts.first.locator("circle.point").count() >= 1
    assert manager["name"] in dialog.locator("ul.supporters").inner_text()
    history = dialog.locator("#detail-history li")
    history.first.wait_for()
    page.wait_for_selector('#detail-history li[data-type="SUPPORT_COMMITTED"]')
    types = [history.nth(i).get_attribute("data-type") for i in range(history.count())]
    assert types[0] == "OBJECTIVE_CREATED"
    assert "CHECK_IN_RECORDED" in types
    positions = [int(history.nth(i).get_attribute("data-position") or "0")
                 for i in range(history.count())]
    assert positions == sorted(positions)
    page.screenshot(path=str(artifacts / "objective.png"))
    dialog.locator("#detail-history").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "objective-history.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_the_stretch_picture_for_a_scope(page: Any, demo: Service, artifacts: Path) -> None:
    sign_in(page, demo)
    histogram = page.locator("#stretch svg.histogram")
    counts = [int(c) for c in histogram_counts(page).split(",")]
    assert len(counts) == 10
    assert histogram.locator("g.bucket").count() == 10
    assert histogram.locator("rect.sweet").count() == 1
    assert histogram.locator("text.sweet-label").text_content() == "sweet spot"
    legend = page.locator("#stretch .legend")
    for band in ("Low", "Progress", "Sweet spot", "High", "Too safe"):
        assert band in legend.inner_text()
    facts = page.locator("#stretch-facts").inner_text()
    assert "Committed hit rate" in facts
    assert "Cycle elapsed" in facts
    assert "Pace, aspirational" in facts
    assert page.locator("#list-too-safe h3").inner_text().startswith("Too safe")
    low = page.locator("#list-low")
    assert low.locator("h3").inner_text().startswith("LOW")
    shown = int(low.locator("h3").inner_text().rsplit(":", 1)[1])
    aspirational = sum(counts)
    assert 0 <= shown <= aspirational
    page.locator("#stretch-panel").screenshot(path=str(artifacts / "stretch.png"))

    whole = histogram_counts(page)
    page.get_by_label("Scope").select_option(label="— Platform")
    expect(page.locator("#stretch svg.histogram")).not_to_have_attribute("data-counts", whole)
    wait_for_tree(page)
    team_total = sum(int(c) for c in histogram_counts(page).split(","))
    assert 0 < team_total < aspirational


def test_keyboard_only(page: Any, demo: Service) -> None:
    sign_in(page, demo)
    toggle = page.locator("#tree > li.node").first.locator(":scope > .row > .toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.role") == "open"
    page.keyboard.press("Enter")
    expect(page.locator("dialog#detail")).to_be_visible()
    page.locator("#detail li.key-result").first.wait_for()
    page.keyboard.press("Escape")
    expect(page.locator("dialog#detail")).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.role") == "open"
    # Every control has a name: labelled inputs and real buttons.
    for label in ("Cycle", "Scope", "Live"):
        assert page.get_by_label(label).count() >= 1
    assert page.get_by_label("As of").count() == 1
    unnamed = page.evaluate("""[...document.querySelectorAll('button')]
        .filter(b => !b.hidden && !(b.getAttribute('aria-label') || b.textContent.trim()))
        .length""")
    assert unnamed == 0


def test_a_phone_width_screen(browser: Any, demo: Service, artifacts: Path) -> None:
    context, page, recorder = open_page(browser, viewport={"width": 390, "height": 844})
    try:
        sign_in(page, demo)
        page.locator("#tree > li.node").first.locator(":scope > .row > .toggle").click()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone"
        tree_box = page.locator("#tree-panel").bounding_box()
        stretch_box = page.locator("#stretch-panel").bounding_box()
        assert stretch_box["y"] > tree_box["y"] + tree_box["height"] - 1  # stacked
        page.screenshot(path=str(artifacts / "phone-tree.png"))
        page.locator("#stretch-panel").evaluate("panel => panel.scrollIntoView()")
        page.screenshot(path=str(artifacts / "phone-stretch.png"))
        page.screenshot(path=str(artifacts / "phone-full.png"), full_page=True)
        assert recorder.console_errors == []
    finally:
        context.close()


def test_pasted_token_kept_for_the_tab_only(
        browser: Any, page_and_requests: tuple[Any, Recorder], demo: Service) -> None:
    page, recorder = page_and_requests
    page.goto(f"{demo.base_url}/")
    page.get_by_label("Bearer token").fill("not-a-token")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#message")).to_contain_text("refused")
    assert all("401" in error for error in recorder.console_errors)  # the refused token
    recorder.console_errors.clear()
    page.get_by_label("Bearer token").fill(f"Bearer {demo.tokens['member']}")
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_tree(page)
    expect(page.locator("#who")).to_contain_text("Member")
    page.reload()
    wait_for_tree(page)  # still signed in: the token is in the tab's session storage
    other, other_page, _ = open_page(browser)
    try:
        other_page.goto(f"{demo.base_url}/")
        other_page.locator("#sign-in").wait_for()  # another tab starts signed out
    finally:
        other.close()
    page.get_by_role("button", name="Sign out").click()
    page.locator("#sign-in").wait_for()
    assert page.evaluate("sessionStorage.length") == 0


COVERAGE = """query($cycle: String!) {
  alignmentTree(cycle: $cycle) { coverage { total aligned } }
}"""


def test_what_a_member_may_not_see_is_said_to_be_left_out(page: Any, demo: Service) -> None:
    sign_in(page, demo, "member")
    summary = page.locator("#tree-summary").inner_text()
    assert "private objectives you may not see are neither shown nor counted" in summary
    expect(page.locator("#stretch-visibility")).to_have_text(
        "Private objectives you may not see are neither shown nor counted in these figures.")
    # The summary's numbers are the member's own: what they may see, and only that.
    cycle = active_cycle(demo)
    coverage = demo.gql(COVERAGE, {"cycle": cycle}, token=demo.tokens["member"])[
        "alignmentTree"]["coverage"]
    assert f"{coverage['aligned']} of {coverage['total']} team and individual" in summary


def test_an_admin_is_told_nothing_is_left_out(page: Any, demo: Service) -> None:
    sign_in(page, demo)
    assert "may not see" not in page.locator("#tree-summary").inner_text()
    expect(page.locator("#stretch-visibility")).to_have_count(0)
