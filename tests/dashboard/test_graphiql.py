"""GraphiQL in headless Chromium against the demo, with no way out: the page, its scripts,
the schema, a query and a live subscription all stay on the service's origin (the
``page_and_requests`` fixture fails the test on any other request or a console error,
Content-Security-Policy violations included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.dashboard.conftest import Recorder
from tests.dashboard.pages import expect, objective_to_move, record_check_in
from tests.dashboard.service import Service

QUERY = "{ viewer { subject roles } cycles { key status } }"


def set_editor(page: Any, selector: str, text: str) -> None:
    """Replace the text of the CodeMirror editor inside ``selector``."""
    page.locator(f"{selector} .CodeMirror").first.evaluate(
        "(editor, text) => editor.CodeMirror.setValue(text)", text)


def set_headers(page: Any, headers: str) -> None:
    page.get_by_role("button", name="Headers", exact=True).click()
    set_editor(page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)", headers)


def refetch_schema_until_shown(page: Any) -> None:
    """GraphiQL takes in an edit of the headers after a short pause (a debounce): ask for
    the schema again until the documentation explorer shows it."""
    docs = page.locator(".graphiql-doc-explorer")
    for _ in range(20):
        page.get_by_role("button", name="Re-fetch GraphQL schema").click()
        try:
            docs.get_by_text("Subscription", exact=False).first.wait_for(timeout=1_000)
        except Exception:  # Playwright's TimeoutError: not shown yet, ask again
            continue
        return
    expect(docs).to_contain_text("Subscription")


def run(page: Any, query: str) -> None:
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    editor.evaluate("(editor, text) => editor.CodeMirror.setValue(text)", query)
    # GraphiQL parses the query after a short pause; the parsed query decides whether it
    # goes over HTTP or, for a subscription, over the WebSocket.
    page.wait_for_function(
        "([editor, text]) => editor.CodeMirror.documentAST?.loc?.source?.body === text",
        arg=[editor.element_handle(), query])
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()


def test_graphiql_runs_queries_and_subscriptions_from_its_own_files(
        page_and_requests: tuple[Any, Recorder], demo: Service, artifacts: Path) -> None:
    page, recorder = page_and_requests
    page.goto(f"{demo.base_url}/graphql")
    result = page.locator(".graphiql-response .result-window")
    # Without a token the page says how to sign in rather than sending a doomed request.
    run(page, QUERY)
    expect(result).to_contain_text("Every request needs a bearer token")
    assert not [url for url in recorder.urls if urlsplit(url).path == "/graphql"
                and url != f"{demo.base_url}/graphql"]
    set_headers(page, f'{{"Authorization": "Bearer {demo.tokens["admin"]}"}}')
    page.get_by_role("button", name="Show Documentation Explorer").click()
    refetch_schema_until_shown(page)

    run(page, QUERY)
    expect(result).to_contain_text('"ACTIVE"')
    expect(result).to_contain_text('"ADMIN"')
    page.screenshot(path=str(artifacts / "graphiql.png"))

    # A subscription over WebSocket on the same origin, with the headers' token.
    after = demo.gql("{ position }")["position"]
    run(page, f"subscription {{ okrEvents(after: {after}) {{ type position }} }}")
    _, key_result = objective_to_move(demo, skip=set())
    position = record_check_in(demo, key_result)
    expect(result).to_contain_text('"CHECK_IN_RECORDED"')
    expect(result).to_contain_text(f'"position": {position}')
    sockets = [url for url in recorder.urls if url.startswith("ws")]
    assert sockets == [f"ws://{urlsplit(demo.base_url).netloc}/graphql"]


def test_graphiql_dialogs_stay_within_the_content_security_policy(
        page_and_requests: tuple[Any, Recorder], demo: Service) -> None:
    page, _ = page_and_requests
    page.goto(f"{demo.base_url}/graphql")
    for name, title in (("Open short keys dialog", "Short Keys"),
                        ("Open settings dialog", "Settings")):
        page.get_by_role("button", name=name).click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text(title)
        # The dialog's scroll lock is a <style> element: allowed by the page's nonce.
        expect(page.locator("style[nonce]")).not_to_have_count(0)
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
