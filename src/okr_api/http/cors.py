"""Cross-origin requests from browser frontends (Starlette's CORSMiddleware).

In development any page on this machine (``http://localhost:*``, ``http://127.0.0.1:*``)
may call the API, plus the origins of ``OKR_CORS_ORIGINS``; in production only those.
Callers send a bearer token, never cookies, so no credentials mode is needed.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from okr_api.settings import Settings

LOCAL_ORIGINS = r"http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?"
METHODS = ("GET", "POST")
HEADERS = ("Authorization", "Content-Type")
PREFLIGHT_MAX_AGE_SECONDS = 600


def add_cors(api: FastAPI, settings: Settings) -> None:
    api.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_origin_regex=None if settings.is_production else LOCAL_ORIGINS,
        allow_methods=METHODS,
        allow_headers=HEADERS,
        allow_credentials=False,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
