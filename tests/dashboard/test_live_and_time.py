"""Live mode (the subscription, or polling without it) and the time slider ("as of").

The subscription and "as of" tests run when the service's schema offers them; the
skip reasons say what is missing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import Recorder, open_page
from tests.dashboard.pages import (
    bar_score,
    expand_to,
    expect,
    histogram_counts,
    objective_to_move,
    record_check_in,
    sign_in,
    sign_in_with_token,
    wait_for_tree,
)
from tests.dashboard.service import Service, schema_features, start_seeded_service

FEATURES = schema_features()
needs_subscription = pytest.mark.skipif(
    not FEATURES.subscription,
    reason="the service's schema has no okrEvents subscription yet: live mode polls")
needs_as_of = pytest.mark.skipif(
    not FEATURES.as_of,
    reason="the service's schema has no asOf argument on alignmentTree and "
           "stretchAnalysis yet: the time slider is disabled")
moved: set[str] = set()


def _live_bar_moves(page: Any, demo: Service, mode: str) -> str:
    objective_id, key_result = objective_to_move(demo, skip=moved)
    moved.add(objective_id)
    expand_to(page, objective_id)
    bar = page.locator(f'li[data-id="{objective_id}"] > .row > .scorebar')
    shown = bar.get_attribute("data-score")
    before = bar_score(page, objective_id)
    page.get_by_role("checkbox", name="Live").check()
    expect(page.locator("#live-status")).to_have_attribute("data-mode", mode)
    record_check_in(demo, key_result)
    expect(bar).not_to_have_attribute("data-score", shown, timeout=15_000)
    assert bar_score(page, objective_id) > before
    return objective_id


@needs_subscription
def test_live_check_ins_arrive_over_the_subscription(
        page: Any, demo: Service, artifacts: Path) -> None:
    sign_in(page, demo)
    objective_id = _live_bar_moves(page, demo, "subscription")
    expect(page.locator("#live-status")).to_contain_text("subscription")
    page.locator(f'li[data-id="{objective_id}"] > .row').scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "live.png"))


def test_live_falls_back_to_polling_without_a_socket(
        page_and_requests: tuple[Any, Recorder], demo: Service) -> None:
    page, recorder = page_and_requests
    page.route_web_socket("**/graphql", lambda socket: socket.close(code=1011))
    sign_in(page, demo)
    _live_bar_moves(page, demo, "polling")
    expect(page.locator("#live-status")).to_contain_text("polling")
    recorder.console_errors[:] = [e for e in recorder.console_errors if "WebSocket" not in e]
    page.get_by_role("checkbox", name="Live").uncheck()
    expect(page.locator("#live-status")).to_have_attribute("data-mode", "off")


@pytest.fixture(scope="module")
def seeded(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A seeded organization: unlike the demo's (all recorded when it loads), its events
    are recorded over the weeks of the cycle, so each day of the cycle looks different."""
    service = start_seeded_service(tmp_path_factory.mktemp("seeded") / "data")
    try:
        yield service
    finally:
        service.stop()


@needs_as_of
def test_the_time_slider_redraws_the_picture_as_of_a_day(
        browser: Any, seeded: Service, artifacts: Path) -> None:
    context, page, recorder = open_page(browser)
    try:
        _travel_in_time(page, seeded, artifacts)
        assert recorder.foreign(seeded.base_url) == []
        # Not a demo server: the page's look-up of /demo/tokens answers 404.
        assert [e for e in recorder.console_errors if "404" not in e] == []
    finally:
        context.close()


def _travel_in_time(page: Any, seeded: Service, artifacts: Path) -> None:
    sign_in_with_token(page, seeded, seeded.tokens["admin"])
    slider = page.get_by_label("As of")
    expect(slider).to_be_enabled()
    now = histogram_counts(page)
    slider.focus()
    page.keyboard.press("Home")  # the cycle's first day, then three weeks into it
    for _ in range(21):
        page.keyboard.press("ArrowRight")
    expect(page.locator("body")).not_to_have_attribute("data-as-of", "")
    expect(page.locator("#stretch svg.histogram")).not_to_have_attribute("data-counts", now)
    wait_for_tree(page)
    assert page.locator("#as-of-label").inner_text() != "now"
    page.screenshot(path=str(artifacts / "as-of.png"), full_page=True)
    page.get_by_role("button", name="Now", exact=True).click()
    expect(page.locator("body")).to_have_attribute("data-as-of", "")
    expect(page.locator("#stretch svg.histogram")).to_have_attribute("data-counts", now)


@pytest.mark.skipif(FEATURES.as_of, reason="the service offers asOf: the slider is enabled")
def test_the_time_slider_says_why_it_is_disabled(page: Any, demo: Service) -> None:
    sign_in(page, demo)
    expect(page.get_by_label("As of")).to_be_disabled()
    expect(page.locator("#as-of-note")).to_contain_text("not available")
    expect(page.locator("#as-of-note")).to_have_attribute("data-supported", "false")


def test_the_slider_sends_as_of_and_redraws_with_the_answer(
        page: Any, demo: Service) -> None:
    """The page's side of time travel, against a stand-in: /graphql answers the page's
    feature probe as a server with asOf would, and "as of" reads are answered with the
    live answer moved back to the cycle's start (every score in the lowest bucket)."""
    sent: list[dict[str, Any]] = []

    def stand_in(route: Any, request: Any) -> None:
        body = request.post_data_json or {}
        query: str = body.get("query", "")
        if "DashboardProbeAsOf" in query:
            route.fulfill(json={"data": {"tree": {"position": 1}, "stretch": {"position": 1}}})
            return
        if "$asOf" not in query:
            route.continue_()
            return
        variables = dict(body.get("variables") or {})
        sent.append({"query": query, "asOf": variables.pop("asOf", None)})
        plain = query.replace(", $asOf: DateTime", "").replace(", asOf: $asOf", "")
        answer = route.fetch(post_data=json.dumps({"query": plain, "variables": variables}))
        data = answer.json()
        stretch = (data.get("data") or {}).get("stretchAnalysis")
        if stretch:
            total = sum(bucket["count"] for bucket in stretch["histogram"])
            for index, bucket in enumerate(stretch["histogram"]):
                bucket["count"] = total if index == 0 else 0
        route.fulfill(response=answer, json=data)

    page.route("**/graphql", stand_in)
    sign_in(page, demo)
    slider = page.get_by_label("As of")
    expect(slider).to_be_enabled()
    expect(page.locator("#as-of-note")).to_have_attribute("data-usable", "true")
    now = histogram_counts(page)
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator("body")).not_to_have_attribute("data-as-of", "")
    counts = [int(c) for c in histogram_counts(page).split(",")]
    assert counts[0] == sum(int(c) for c in now.split(","))
    assert not any(counts[1:])
    as_of = page.locator("body").get_attribute("data-as-of")
    assert as_of.endswith("T23:59:59Z")
    assert {s["asOf"] for s in sent} == {as_of}
    assert any("alignmentTree(" in s["query"] for s in sent)
    assert any("stretchAnalysis(" in s["query"] for s in sent)
    expect(page.locator("#as-of-label")).not_to_have_text("now")
    # Live mode shows the present: it brings the slider back to now.
    page.get_by_role("checkbox", name="Live").check()
    expect(page.locator("body")).to_have_attribute("data-as-of", "")
    expect(page.locator("#stretch svg.histogram")).to_have_attribute("data-counts", now)
    page.get_by_role("checkbox", name="Live").uncheck()


@needs_as_of
def test_the_slider_says_why_a_viewer_may_not_travel(page: Any, demo: Service) -> None:
    """asOf is for analysts and admins: a member sees the present, and why."""
    sign_in(page, demo, "member")
    expect(page.get_by_label("As of")).to_be_disabled()
    expect(page.locator("#as-of-note")).to_contain_text("not available to you")
    expect(page.locator("#as-of-note")).to_have_attribute("data-supported", "true")
    expect(page.locator("#as-of-note")).to_have_attribute("data-usable", "false")
