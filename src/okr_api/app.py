"""The FastAPI application: GraphQL, health, readiness and metrics.

The lifespan opens the event store, starts the projections in this process (unless a
separate worker runs them) and opens the read model; all blocking calls run in threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from okr_api.accounts import ServiceAccountCheck
from okr_api.admission import Admission
from okr_api.auth import TokenKeys
from okr_api.clock_setting import apply_clock
from okr_api.collector import server_collector
from okr_api.context import Services
from okr_api.dashboard.routes import mount_dashboard
from okr_api.graphiql.routes import mount_graphiql
from okr_api.history.service import HistoryOptions, HistoryService
from okr_api.http.cors import add_cors
from okr_api.http.endpoint import graphql_endpoint
from okr_api.http.request_limits import HeaderLimits
from okr_api.live.drain import drain_on_signals
from okr_api.live.service import LiveFeed
from okr_api.live.socket import SocketFirstAPI, SocketRoute
from okr_api.memory import Sweeper, limit_arenas
from okr_api.metrics import Metrics
from okr_api.query_limits import Limits
from okr_api.read_side import ReadSide
from okr_api.secrets_file import signing_secret
from okr_api.settings import Settings, get_settings
from okr_api.storage import default_url, open_application
from okr_api.webhooks.service import Webhooks

log = logging.getLogger("okr_api")
READY_TIMEOUT_SECONDS = 3.0


def database_url(settings: Settings) -> str:
    return settings.database_url or default_url(settings.data_dir)


def token_keys(settings: Settings) -> TokenKeys:
    return TokenKeys(secret=signing_secret(settings), public_key=settings.jwt_public_key)


def create_app(settings: Settings | None = None, *, run_projections: bool = True) -> FastAPI:
    settings = settings or get_settings()
    apply_clock(settings)
    keys = token_keys(settings)  # refuses insecure production settings before serving
    # Before the lifespan starts the command threads: arenas are made as threads need them.
    limit_arenas(settings.malloc_arenas)

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        url = database_url(settings)
        application = await asyncio.to_thread(open_application, url, group_commit=True)
        commands = ThreadPoolExecutor(settings.command_threads, thread_name_prefix="okr-command")
        metrics = Metrics()
        read_side = await ReadSide.start(url, application, metrics,
                                         run_projections=run_projections
                                         and settings.projections_in_process)
        live = await LiveFeed.start(application, read_side.read_model, url, settings)
        accounts = ServiceAccountCheck(application)
        live.tailer.watch(accounts.seen)
        webhooks = await Webhooks.start(application, url, live, settings)
        history = HistoryService(application, read_side.database, HistoryOptions(
            settings.history_cache_rows, settings.history_checkpoint_events,
            settings.history_warm_up, settings.history_keep_checkpoints,
            settings.history_keep_every_events))
        api.state.services = Services(
            settings=settings, app=application, read_model=read_side.read_model,
            keys=keys, limits=Limits(),
            extras={"metrics": metrics, "accounts": accounts,
                    "read_side": read_side, "live": live, "webhooks": webhooks,
                    "history": history}, commands=commands,
            admission=Admission(settings.heavy_query_slots))
        undo_drain = drain_on_signals(live.hub)
        sweeper = Sweeper(api.state.services, settings.memory_sweep_seconds)
        sweeper.start()
        try:
            with server_collector():
                yield
        finally:
            await sweeper.stop()
            undo_drain()
            await history.stop()
            await webhooks.stop()
            await live.stop()
            await read_side.stop()
            # Commands still running finish (and are saved) before the store closes.
            await asyncio.to_thread(commands.shutdown)
            await asyncio.to_thread(application.close)

    api = SocketFirstAPI(title="okr-history", lifespan=lifespan, docs_url=None,
                         redoc_url=None, openapi_url=None)
    api.add_api_route("/graphql", graphql_endpoint, methods=["GET", "POST"])
    api.add_api_route("/healthz", healthz, methods=["GET"])
    api.add_api_route("/readyz", readyz, methods=["GET"])
    api.add_api_route("/metrics", metrics_endpoint, methods=["GET"])
    mount_dashboard(api, settings)
    mount_graphiql(api, settings)
    api.add_middleware(SocketRoute)  # the innermost: past every other limit and rule
    add_cors(api, settings)  # before HeaderLimits, which must stay the outermost
    api.add_middleware(HeaderLimits)
    return api


async def healthz() -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    """200 once every read model has caught up with the log as it stood when the process
    started (then for as long as the database answers); 503 before, with every read
    model's position and lag."""
    services: Services = request.app.state.services
    read_side: ReadSide = services.extras["read_side"]
    try:
        behind = await asyncio.wait_for(read_side.catching_up(), READY_TIMEOUT_SECONDS)
    except Exception as error:  # any failure means "not ready"; the log has the detail
        log.warning("readiness check failed: %s", error)
        return JSONResponse({"status": "unavailable", "reason": "database not reachable"},
                            status_code=503)
    if behind:
        return JSONResponse({
            "status": "catching_up",
            "reason": "the read models have not caught up with the event log yet",
            "startHead": read_side.start_head,
            "readModels": {row.name: {"position": row.position, "head": row.head,
                                      "lag": row.lag} for row in behind},
        }, status_code=503, headers={"Retry-After": "1"})
    return JSONResponse({"status": "ready"})


async def metrics_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    await services.extras["read_side"].update_lag_metrics()
    registry = services.extras["metrics"].registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
