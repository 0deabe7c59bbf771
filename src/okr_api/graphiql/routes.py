"""GraphiQL at ``/graphql`` in development: the page and its files (``/graphiql/``) come
from the package, and its Content-Security-Policy keeps every request on the service's
own origin. Production serves neither."""

from __future__ import annotations

import secrets
from pathlib import Path
from string import Template

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from okr_api.settings import Settings

STATIC = Path(__file__).parent / "static"
ASSETS_PATH = "/graphiql"
PAGE = Template((Path(__file__).parent / "page.html").read_text(encoding="utf-8"))


def content_security_policy(style_nonce: str) -> str:
    return "; ".join((
        "default-src 'none'",
        "script-src 'self'",
        # The dialogs' scroll lock adds <style> elements, given this response's nonce.
        f"style-src 'self' 'nonce-{style_nonce}'",
        # GraphiQL's stylesheet carries its fonts inline, as data: URLs.
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ))


def mount_graphiql(api: FastAPI, settings: Settings) -> None:
    """Serve GraphiQL's files (outside production)."""
    if not settings.is_production:
        api.mount(ASSETS_PATH, StaticFiles(directory=STATIC), name="graphiql")


def graphiql_page() -> Response:
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(PAGE.substitute(nonce=nonce), headers={
        "Content-Security-Policy": content_security_policy(nonce),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    })
