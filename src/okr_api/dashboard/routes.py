"""Serve the dashboard: the page at ``/``, its files under ``/dashboard/``, and in demo
mode (never in production) the demo tokens at ``/demo/tokens`` for one-click sign-in.

The page runs only on what the service itself serves: a Content-Security-Policy keeps
scripts, styles, images and connections on the service's own origin.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from okr_api.settings import Settings

STATIC = Path(__file__).parent / "static"
ASSETS_PATH = "/dashboard"
DEMO_TOKENS_PATH = "/demo/tokens"
# Set by ``okr-api serve --demo`` for the processes it starts; read when the app is built.
DEMO_TOKENS_ENV = "OKR_DEMO_TOKENS"
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
))
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def mount_dashboard(api: FastAPI, settings: Settings) -> None:
    """Add the page, its files and (in demo mode outside production) the demo tokens."""
    api.add_api_route("/", _index, methods=["GET", "HEAD"], include_in_schema=False)
    api.mount(ASSETS_PATH, StaticFiles(directory=STATIC), name="dashboard")
    tokens = demo_tokens(settings)
    if tokens is not None:
        async def demo_tokens_endpoint() -> Response:
            return JSONResponse({"tokens": tokens}, headers={"Cache-Control": "no-store"})

        api.add_api_route(DEMO_TOKENS_PATH, demo_tokens_endpoint, methods=["GET"],
                          include_in_schema=False)


async def _index() -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html",
                        headers=PAGE_HEADERS)


def demo_tokens(settings: Settings) -> list[dict[str, Any]] | None:
    """The demo's sign-ins ({label, roles, token}), or None outside demo mode and always
    in production."""
    if settings.is_production:
        return None
    raw = os.environ.get(DEMO_TOKENS_ENV)
    if not raw:
        return None
    try:
        given = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(given, list):
        return None
    return [item for item in given
            if isinstance(item, dict) and isinstance(item.get("token"), str)]


def publish_demo_tokens(tokens: list[dict[str, Any]]) -> None:
    """Hand the demo's sign-ins to the app the current process is about to serve."""
    os.environ[DEMO_TOKENS_ENV] = json.dumps(tokens)
