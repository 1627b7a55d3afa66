"""create_app(): lifespan (store, index), routers, one error shape, docs and the static page. No logic."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app.api import docs, documents, fiches, imports, misc, structures, tableur
from app.api.docs import DOCS_ASSETS
from app.api.errors import install_error_handlers
from app.api.limits import Limits
from app.api.logs import RequestId
from app.api.security import BodyLimit, SecurityHeaders
from app.domain.collector import freeze
from app.domain.config import Settings, get_settings
from app.services.imports import recover_jobs
from app.services.runtime import Runtime

log = logging.getLogger("fiches.api")


def create_served_app() -> FastAPI:
    """``create_app`` for ``fiches serve`` (each worker process): what the modules loaded is frozen first
    (``app.domain.collector``), before the process opens its store and index."""
    freeze()
    return create_app()


def create_app(settings: Settings | None = None) -> FastAPI:
    runtime = Runtime(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.start()  # one writer of the index per replica, elected among the worker processes
        recover_jobs(runtime)  # imports left unfinished by a previous process are « interrompu »
        loop = runtime.start_index_loop()
        yield
        loop.stop()
        runtime.close()

    app = FastAPI(
        title="Fiches actions des centres sociaux",
        description="Recherche plein texte et à facettes dans les fiches actions des centres sociaux et EVS.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.limits = Limits(runtime.settings)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_upload_bytes)
    if runtime.settings.cors_origins:  # closed by default
        app.add_middleware(CORSMiddleware, allow_origins=runtime.settings.cors_origins, allow_methods=["GET"],
                           allow_headers=["Accept", "Content-Type"])
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)  # outermost: every log line of the request carries its id
    for router in (fiches.router, misc.router, imports.router, documents.router, tableur.router, structures.router,
                   docs.router):
        app.include_router(router)

    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    if runtime.settings.frontend_dir.is_dir():
        app.mount("/", StaticFiles(directory=runtime.settings.frontend_dir, html=True), name="frontend")
    return app
