"""The dashboard under production settings: no GraphiQL, no introspection, no demo
tokens; signing in by pasting a token still works and the page finds out what the
server offers without introspection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.dashboard.conftest import open_page
from tests.dashboard.pages import expect, wait_for_tree
from tests.dashboard.service import Service, start_service


@pytest.fixture(scope="module")
def production(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """``serve --demo`` with OKR_ENVIRONMENT=production: the demo loads and its tokens are
    printed, but nothing in the service hands them out."""
    service = start_service(tmp_path_factory.mktemp("production") / "data", demo=True,
                            production=True)
    try:
        yield service
    finally:
        service.stop()


def test_production_serves_no_ide_no_introspection_and_no_demo_tokens(
        production: Service) -> None:
    base = production.base_url
    assert httpx.get(f"{base}/demo/tokens").status_code == 404
    assert httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).status_code == 404
    body = httpx.post(f"{base}/graphql", json={"query": "{ __schema { types { name } } }"},
                      headers={"Authorization": f"Bearer {production.tokens['admin']}"}).json()
    assert body["errors"][0]["message"] == "introspection is disabled"
    assert httpx.get(f"{base}/").status_code == 200


def test_the_dashboard_works_with_production_settings(browser: Any,
                                                      production: Service) -> None:
    context, page, recorder = open_page(browser)
    try:
        page.goto(f"{production.base_url}/")
        expect(page.locator("#sign-in")).to_be_visible()
        expect(page.locator("#demo-sign-ins")).to_be_hidden()
        page.get_by_label("Bearer token").fill(production.tokens["analyst"])
        page.get_by_role("button", name="Sign in", exact=True).click()
        wait_for_tree(page)
        expect(page.locator("#tree > li.node")).to_have_count(3)
        expect(page.locator("#as-of-note")).not_to_be_empty()
        page.locator("#tree button.title").first.click()
        expect(page.locator("#detail li.key-result").first).to_be_visible()
        expect(page.locator("#detail-history li").first).to_be_visible()
        assert recorder.foreign(production.base_url) == []
        # The /demo/tokens look-up answers 404 here; nothing else may fail.
        assert [e for e in recorder.console_errors if "404" not in e] == []
    finally:
        context.close()


def test_artifacts_folder_is_ignored_by_git() -> None:
    root = Path(__file__).resolve().parents[2]
    assert "test-artifacts/" in (root / ".gitignore").read_text().splitlines()
