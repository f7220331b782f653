"""The API's documentation pages (`/docs`, Swagger UI; `/redoc`, Redoc) on the vendored front-end libraries
under `/static/vendor`, so they work with no network: FastAPI's own pages load their scripts from a CDN."""

import os
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from app.headers import docs_policy
from app.live.asyncapi import document as live_document

VENDOR = Path(__file__).parent / "static" / "vendor"  # written by `make vendor` (web/vendor.mjs)
VENDOR_URL = "/static/vendor"
VENDOR_MAX_AGE_S = 3600  # the paths carry no version: after an hour browsers revalidate (ETag, Last-Modified)


class VendorFiles(StaticFiles):
    """The vendored libraries, cacheable by browsers for an hour."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = f"public, max-age={VENDOR_MAX_AGE_S}"
        return response


def with_nonce(page: HTMLResponse) -> HTMLResponse:
    """The page with a fresh nonce on its inline scripts and a Content-Security-Policy that allows only
    those and our own files."""
    nonce = secrets.token_urlsafe(16)
    body = bytes(page.body).replace(b"<script>", f'<script nonce="{nonce}">'.encode())
    return HTMLResponse(body, headers={"Content-Security-Policy": docs_policy(nonce)})


def install_api_docs(app: FastAPI) -> None:
    """Serves the vendored libraries and the documentation pages; create the app with `docs_url=None,
    redoc_url=None` so these replace FastAPI's."""
    app.mount(VENDOR_URL, VendorFiles(directory=VENDOR), name="vendor")

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        """The live streams (WebSocket, SSE) as an AsyncAPI 3 document."""
        return JSONResponse(live_document(app.version))

    openapi_url = app.openapi_url
    if openapi_url is None:
        return
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return with_nonce(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{root}{VENDOR_URL}/swagger-ui-dist/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{VENDOR_URL}/swagger-ui-dist/swagger-ui.css",
                swagger_favicon_url=f"{root}{VENDOR_URL}/swagger-ui-dist/favicon-32x32.png",
                oauth2_redirect_url=root + oauth2_redirect_url,
                init_oauth=app.swagger_ui_init_oauth,
                # No validator badge: it would send the spec's URL to validator.swagger.io.
                swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
            )
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return with_nonce(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return with_nonce(
            get_redoc_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{VENDOR_URL}/redoc/redoc.standalone.js",
                redoc_favicon_url=f"{root}{VENDOR_URL}/swagger-ui-dist/favicon-32x32.png",
                with_google_fonts=False,
            )
        )
