"""The API's documentation pages and the vendored front-end libraries in a real browser (Debian's Chromium
driven by Playwright) against a running API process, with every request that leaves our origin refused:
nothing may come from a CDN, a font service or a validator."""

import json
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import ConsoleMessage, Error, Page, Route, async_playwright

from app.api_docs import VENDOR
from app.config import PROJECT_ROOT, Settings
from tests.conftest import start_server
from trustloop.api import create_app
from trustloop.processes import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
WEB = PROJECT_ROOT / "web"


@pytest.fixture(scope="module")
def docs_server(settings: Settings) -> Iterator[str]:
    """The API as `make demo` runs it; nothing on the docs pages needs OSRM, so none is started."""
    port = free_port()
    process = start_server(settings, port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def ours(url: str) -> bool:
    parts = urlsplit(url.removeprefix("blob:"))
    return parts.scheme == "data" or parts.hostname == "127.0.0.1"


@dataclass
class Browsing:
    page: Page
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # requests to anywhere but our origin, aborted
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions


@asynccontextmanager
async def offline_browser() -> AsyncIterator[Browsing]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        browsing = Browsing(await context.new_page())

        async def only_ours(route: Route) -> None:
            if ours(route.request.url):
                await route.continue_()
            else:
                browsing.refused.append(route.request.url)
                await route.abort()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                browsing.errors.append(message.text)

        def on_page_error(error: Error) -> None:
            browsing.errors.append(str(error))

        await context.route("**/*", only_ours)
        context.on("request", lambda request: browsing.requested.append(request.url))
        browsing.page.on("console", on_console)
        browsing.page.on("pageerror", on_page_error)
        try:
            yield browsing
        finally:
            await browser.close()


async def test_swagger_ui_lists_the_operations_with_no_request_off_our_origin(docs_server: str) -> None:
    async with offline_browser() as browsing:
        page = browsing.page
        await page.goto(f"{docs_server}/docs")
        create_order = page.locator(".opblock-post", has=page.locator(".opblock-summary-path", has_text="/v1/orders"))
        await create_order.first.wait_for(timeout=20_000)
        await page.wait_for_load_state("networkidle")
        assert "Trustloop" in await page.locator(".info .title").inner_text()
        assert await page.locator(".opblock").count() > 30
        assert "Create Order" in await create_order.first.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "docs.png"))
    assert f"{docs_server}/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in browsing.requested
    assert browsing.refused == []
    assert [url for url in browsing.requested if not ours(url)] == []
    assert browsing.errors == []
    assert (ARTIFACTS / "docs.png").stat().st_size > 10_000


async def test_redoc_renders_the_api_with_no_request_off_our_origin(docs_server: str) -> None:
    async with offline_browser() as browsing:
        page = browsing.page
        await page.goto(f"{docs_server}/redoc")
        await page.locator("h1", has_text="Trustloop").wait_for(timeout=20_000)
        await page.locator("h2", has_text="Create Order").first.wait_for(timeout=20_000)
        await page.wait_for_load_state("networkidle")
        assert await page.locator('img[alt="redocly logo"]').count() == 0  # its CDN image, dropped when vendored
        overview = await page.locator(".api-info").inner_text()  # what an integration engineer reads first
        for told in ("Signing in.", "problem+json", "not-near-the-car", "Idempotency-Key", "Trustloop-Signature"):
            assert told in overview
        # What a partner's receiver will get, before the first event arrives: each type with its body.
        for event_type in ("order.assigned", "order.eta_changed", "feedback.received"):
            await page.locator("h2", has_text=event_type).first.wait_for(timeout=10_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "redoc.png"))
    assert f"{docs_server}/static/vendor/redoc/redoc.standalone.js" in browsing.requested
    assert browsing.refused == []
    assert [url for url in browsing.requested if not ours(url)] == []
    assert browsing.errors == []
    assert (ARTIFACTS / "redoc.png").stat().st_size > 10_000


MAP_AND_CHART = """<!doctype html>
<html><head>
<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">
<link rel="stylesheet" href="/static/vendor/leaflet.markercluster/MarkerCluster.css">
<link rel="stylesheet" href="/static/vendor/leaflet.markercluster/MarkerCluster.Default.css">
<link rel="stylesheet" href="/static/vendor/uplot/uPlot.min.css">
<script src="/static/vendor/leaflet/leaflet.js"></script>
<script src="/static/vendor/leaflet.markercluster/leaflet.markercluster.js"></script>
<script src="/static/vendor/uplot/uPlot.iife.min.js"></script>
</head><body>
<div id="map" style="width: 800px; height: 450px"></div>
<div id="chart"></div>
<script>
const map = L.map("map", {maxZoom: 18}).setView([60.1699, 24.9384], 14);  // markercluster needs maxZoom
L.polyline([[60.1699, 24.9384], [60.1700, 24.9454], [60.1750, 24.9502]], {color: "#3366cc"}).addTo(map);
const cluster = L.markerClusterGroup();
for (let i = 0; i < 20; i++) cluster.addLayer(L.marker([60.1720 + i * 0.00002, 24.9470 + i * 0.00002]));
map.addLayer(cluster);
L.marker([60.1699, 24.9384]).addTo(map);
const days = [...Array(14).keys()].map(d => 1700000000 + d * 86400);
new uPlot({width: 800, height: 200, series: [{}, {label: "NPS", stroke: "#3366cc"}]},
          [days, days.map((_, d) => 20 + 3 * Math.sin(d))], document.getElementById("chart"));
</script>
</body></html>
"""


async def test_the_vendored_map_and_chart_libraries_work_offline(docs_server: str) -> None:
    """Leaflet (its default marker icon found beside leaflet.css), markercluster and uPlot, as the console
    will load them."""
    async with offline_browser() as browsing:
        page = browsing.page
        url = f"{docs_server}/vendored-libraries"  # a page of our origin that only the browser sees
        await page.route(url, lambda route: route.fulfill(body=MAP_AND_CHART, content_type="text/html"))
        await page.goto(url)
        await page.locator(".marker-cluster").first.wait_for(timeout=10_000)
        await page.locator(".uplot canvas").wait_for(timeout=10_000)
        await page.wait_for_load_state("networkidle")
        icon = page.locator("img.leaflet-marker-icon:not(.leaflet-marker-shadow)").first
        assert await icon.get_attribute("src") == f"{docs_server}/static/vendor/leaflet/images/marker-icon.png"
        assert await icon.evaluate("img => img.complete && img.naturalWidth") == 25
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "vendored-libraries.png"))
    assert browsing.refused == []
    assert [url for url in browsing.requested if not ours(url)] == []
    assert browsing.errors == []


async def test_the_vendored_files_are_the_pinned_versions_and_cached(docs_server: str) -> None:
    pinned = json.loads((WEB / "package.json").read_text())["dependencies"]
    locked = json.loads((WEB / "package-lock.json").read_text())["packages"]
    vendored = json.loads((VENDOR / "VERSIONS.json").read_text())
    assert vendored == pinned == {name: locked[f"node_modules/{name}"]["version"] for name in pinned}
    assert all((VENDOR / name / "LICENSE").is_file() for name in vendored)
    async with httpx.AsyncClient(base_url=docs_server) as http:
        script = await http.get("/static/vendor/leaflet/leaflet.js")
        assert script.status_code == 200
        assert script.headers["cache-control"] == "public, max-age=3600"
        again = await http.get("/static/vendor/leaflet/leaflet.js", headers={"If-None-Match": script.headers["etag"]})
        assert again.status_code == 304
        assert (await http.get("/docs/oauth2-redirect")).status_code == 200
        openapi_paths = (await http.get("/openapi.json")).json()["paths"]
    assert not any(path.startswith(("/docs", "/redoc", "/static")) for path in openapi_paths)


def test_the_objects_responses_carry_are_described_field_by_field() -> None:
    """A partner's engineer reads each field from the reference (the order's car once showed as
    `{"additionalProp1": {}}`); only GeoJSON and maps keyed by service or reason stay free-form."""
    free_form: set[str] = set()

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" not in node and node.get("additionalProperties") in (
                True, {}, None,
            ):  # fmt: skip
                free_form.add(path)
            for key, value in node.items():
                walk(value, f"{path}/{key}" if key != "properties" else path)
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(create_app(Settings()).openapi()["components"]["schemas"], "")
    assert free_form == {
        "/PartnerCreated/sla_targets", "/PartnerRead/sla_targets", "/PromiseRead/basis", "/RegionRead/area",
        "/Route/geometry",
    }  # fmt: skip


def test_a_refused_second_order_is_described_with_the_order_it_names() -> None:
    """An app or a partner's integration reads `open_order_id` from the reference, not by trying."""
    schema = create_app(Settings()).openapi()
    for path in ("/v1/orders", "/v1/partner/orders"):
        refused = schema["paths"][path]["post"]["responses"]["409"]
        assert refused["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/OpenOrderProblem"
        }
        assert "x-problem" not in refused
    assert {"open_order_id", "partner_reference"} <= set(
        schema["components"]["schemas"]["OpenOrderProblem"]["properties"]
    )
    assert schema["paths"]["/v1/orders/{order_id}/cancel"]["post"]["responses"]["409"]["content"][
        "application/problem+json"
    ]["schema"] == {"$ref": "#/components/schemas/Problem"}
