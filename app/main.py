"""create_app(): lifespan (store, index), routers, one error shape, docs and the static page. No logic."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api import fiches, imports, misc, tableur
from app.domain.config import Settings, get_settings
from app.domain.errors import FichesError
from app.services.runtime import Runtime

log = logging.getLogger("fiches.api")
DOCS_ASSETS = Path(__file__).resolve().parent / "static" / "docs"


def _error(status: int, code: str, message: str, **detail: object) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message, "detail": detail}}, status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FichesError)
    async def fiches_error(_request: Request, exc: FichesError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"parametre": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
                    for e in exc.errors()]
        return _error(422, "invalid_parameter", "Paramètre invalide.", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "Adresse inconnue." if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", message)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("erreur inattendue", exc_info=exc)
        return _error(500, "internal_error", "Erreur interne du serveur. Réessayez ; si elle persiste, signalez-la.")


def _start_sync_loop(runtime: Runtime, stop: threading.Event) -> threading.Thread | None:
    """Keep this process's index caught up with the store (other replicas and imports write to it)."""
    interval = runtime.settings.sync_interval
    if interval <= 0:
        return None

    def loop() -> None:
        while not stop.wait(interval):
            try:
                runtime.search.sync()
            except Exception:  # a failed catch-up is retried at the next tick
                log.exception("mise à jour de l'index impossible")

    thread = threading.Thread(target=loop, name="index-sync", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings | None = None) -> FastAPI:
    runtime = Runtime(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.start()
        stop = threading.Event()
        thread = _start_sync_loop(runtime, stop)
        yield
        stop.set()
        if thread:
            thread.join(timeout=5)
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
    _install_error_handlers(app)
    for router in (fiches.router, misc.router, imports.router, tableur.router):
        app.include_router(router)

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title="Fiches actions — API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js", swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    if runtime.settings.frontend_dir.is_dir():
        app.mount("/", StaticFiles(directory=runtime.settings.frontend_dir, html=True), name="frontend")
    return app
