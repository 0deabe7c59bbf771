"""Browser tests of the dashboard: Debian's Chromium driven by Playwright against the real
service (``okr-api serve --demo``) in a subprocess.

Outside CI they skip, saying so, when /usr/bin/chromium or Playwright is missing; with
CI=true that is a failure. Screenshots go to test-artifacts/dashboard/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.dashboard.service import Service, start_service

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = Path(os.environ.get("OKR_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LAPTOP = {"width": 1280, "height": 900}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_browser() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = (f"{CHROMIUM} is missing (Debian: apt-get install chromium; .ci/run "
                   "installs it)")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install -e '.[test]')"
    if problem is None:
        return
    if _in_ci():
        pytest.fail(f"browser tests need a browser: {problem} (CI=true: required)")
    pytest.skip(f"browser tests skipped: {problem}")


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# Package scope, not session: Playwright's synchronous driver keeps an event loop
# running on the main thread while it is open, which would break every asyncio test
# that runs after this folder.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def _patient_assertions() -> Iterator[None]:
    """The pages of these tests share a busy machine with a service and other tests: their
    retrying assertions wait as long as the pages' own actions may (15 s), then the
    default again."""
    try:
        from playwright.sync_api import expect as playwright_expect
    except ImportError:  # the tests that need it skip (require_browser)
        yield
        return
    playwright_expect.set_options(timeout=15_000)
    yield
    playwright_expect.set_options(timeout=5_000)


@pytest.fixture(scope="package")
def demo(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The demo service, shared by the session's tests (they only add check-ins)."""
    service = start_service(tmp_path_factory.mktemp("demo") / "data", demo=True)
    try:
        yield service
    finally:
        service.stop()


class Recorder:
    """Every request a page makes, and what its console reported as errors."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.console_errors: list[str] = []

    def foreign(self, base_url: str) -> list[str]:
        origin = urlsplit(base_url).netloc
        return [url for url in self.urls
                if urlsplit(url).scheme not in ("data", "blob")
                and urlsplit(url).netloc != origin]


def open_page(browser: Any, *, viewport: dict[str, int] = LAPTOP) -> tuple[Any, Any, Recorder]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    recorder = Recorder()
    page.on("request", lambda request: recorder.urls.append(request.url))
    page.on("websocket", lambda socket: recorder.urls.append(socket.url))
    page.on("console", lambda message: recorder.console_errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: recorder.console_errors.append(str(error)))
    return context, page, recorder


@pytest.fixture
def page_and_requests(browser: Any, demo: Service) -> Iterator[tuple[Any, Recorder]]:
    """A fresh tab (its own session storage); afterwards, every request it made must have
    gone to the service's own origin and no script may have failed."""
    context, page, recorder = open_page(browser)
    try:
        yield page, recorder
        assert recorder.foreign(demo.base_url) == [], "requests left the service's origin"
        assert recorder.console_errors == [], recorder.console_errors
    finally:
        context.close()


@pytest.fixture
def page(page_and_requests: tuple[Any, Recorder]) -> Any:
    return page_and_requests[0]
