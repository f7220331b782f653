"""The operators' console in a real browser (Debian's Chromium driven by Playwright) against a running
API process, while the demo simulator's technicians drive on central Helsinki's roads: the map, the
figures, and every action an operator takes from it."""

import asyncio
import json
import math
import random
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import aiohttp
import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import ConsoleMessage, Error, Page, Request, Route, async_playwright
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import PROJECT_ROOT, Settings
from app.console.endpoints import warm_road_maps
from app.console.roads import read_roads
from app.db import transaction
from app.geo import Point, haversine_m
from app.orders.models import Order
from app.regions.extract import service_area
from app.regions.models import Region
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round
from tests.conftest import (
    HELSINKI_PBF,
    KAIVOKATU,
    LIECHTENSTEIN_DIR,
    LIECHTENSTEIN_PBF,
    MIKONKATU,
    NO_OSRM,
    UNIONINKATU,
    Actor,
    Api,
    prepared_graph,
    start_server,
)
from tests.dispatch.helpers import run_round
from tests.feedback.test_comment_loop import analyse
from tests.partners.helpers import make_partner, member_order
from tools.simulate import Simulation
from trustloop.processes import free_port
from webhooks.sender import Sender, SenderConfig

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
DEAD_HOOK = "http://127.0.0.1:9/hooks"  # nobody listens on the discard port


@pytest.fixture(scope="module")
def console_server(routed_settings: Settings) -> Iterator[str]:
    port = free_port()
    process = start_server(routed_settings, port, TRUSTLOOP_REGION="helsinki")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@dataclass
class Scene:
    """The region recorded, a fleet driven by the simulator, and a signed-in console."""

    page: Page
    operator: Actor
    fleet: list[Actor]
    errors: list[str] = field(default_factory=list)


# The place names a pin covers; whether `name` is shown, and how far it was moved off its spot.
NAMES_AND_PINS = """(name) => {
  const view = document.getElementById("map").getBoundingClientRect();
  const inView = (r) => r.width && r.right > view.left && r.left < view.right && r.bottom > view.top && r.top < view.bottom;
  const ring = (pin) => (pin.classList.contains("selected") ? 3 : 0);  // the selected one's ring, a shadow
  const pins = [...document.querySelectorAll(".leaflet-marker-pane .leaflet-marker-icon")].map((pin) => {
    const r = pin.getBoundingClientRect();
    return { left: r.left - ring(pin), right: r.right + ring(pin), top: r.top - ring(pin), bottom: r.bottom + ring(pin),
             width: r.width };
  }).filter(inView);
  const overlays = ["#legend", ".leaflet-control-zoom"].map((over) => document.querySelector(over).getBoundingClientRect());
  const names = [...document.querySelectorAll(".place span")];
  const shown = names.filter((n) => inView(n.getBoundingClientRect()) && n.style.visibility !== "hidden");
  const covered = (r) => [...pins, ...overlays].some((p) => p.left < r.right && p.right > r.left && p.top < r.bottom && p.bottom > r.top);
  const asked = names.find((n) => n.textContent === name);
  return {
    pins: pins.length,
    covered: shown.filter((n) => covered(n.getBoundingClientRect())).map((n) => n.textContent),
    shown: shown.includes(asked),
    moved: Number(asked?.dataset.shift || 0),
  };
}"""


# How many clusters (of vans or orders) a pin covers, and how many were moved off their spot.
CLUSTERS_AND_PINS = """() => {
  const pins = [...document.querySelectorAll(".order-pin, .tech-pin")].map((pin) => pin.getBoundingClientRect());
  const clusters = [...document.querySelectorAll(".tech-cluster, .order-cluster")];
  const over = (a, b) => a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  return {
    covered: clusters.filter((c) => pins.some((pin) => over(pin, c.getBoundingClientRect()))).length,
    moved: clusters.filter((c) => (c.dataset.shift || "0 0") !== "0 0").length,
    ordersMoved: clusters.filter((c) => c.classList.contains("order-cluster") && (c.dataset.shift || "0 0") !== "0 0")
      .length,
  };
}"""


async def wait_for(check: Any, timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the console did not show it in time"
        await asyncio.sleep(0.2)


async def page_technicians(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = await page.evaluate(
        "Object.fromEntries([...window.trustloop.state.technicians.values()].map(t => [t.id, t.position]))"
    )
    return found


@asynccontextmanager
async def console(
    api: Api, sessions: async_sessionmaker[AsyncSession], server: str, graph: Path, settings: Settings,
    names: tuple[str, ...] = ("Hugo Virtanen", "Katya Laine", "Ilkka Salo"),
) -> AsyncIterator[Scene]:  # fmt: skip
    await helsinki(sessions, graph)
    fleet = [
        await api.technician(at=spot, name=name)
        for name, spot in zip(names, (KAIVOKATU, UNIONINKATU, MIKONKATU), strict=True)
    ]
    operator = await api.operator()
    osrm = OsrmClient(settings.effective_osrm_url)
    simulation = Simulation(server, osrm, "helsinki", random.Random(5), order_every_s=3600, levels=SlaPolicy())
    stop = asyncio.Event()
    await simulation.start()
    driving = asyncio.create_task(simulation.run(stop))
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            scene = Scene(page, operator, fleet)

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    scene.errors.append(message.text)

            def on_page_error(error: Error) -> None:
                scene.errors.append(str(error))

            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
            await page.goto(f"{server}/console")
            await page.fill("#token", operator.token)
            await page.click("#login-form button[type=submit]")
            await wait_for(lambda: page.evaluate("window.trustloop.state.live"))
            yield scene
            await browser.close()
    finally:
        stop.set()
        await asyncio.wait_for(driving, timeout=10)
        await simulation.aclose()
        await osrm.aclose()
    assert scene.errors == []


async def helsinki(sessions: async_sessionmaker[AsyncSession], graph: Path) -> None:
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), graph)


async def named_driver(api: Api, name: str, phone: str) -> Actor:
    response = await api.client.post("/v1/dev/tokens", json={"role": "driver", "name": name, "phone": phone})
    assert response.status_code == 201, response.text
    return Actor(id=response.json()["user_id"], token=response.json()["token"])


async def screenshot(page: Page, name: str, width: int = 1440, height: int = 900) -> Path:
    await page.set_viewport_size({"width": width, "height": height})
    await asyncio.sleep(0.8)  # the map and charts follow the new size
    path = SCREENSHOTS / f"{name}-{width}x{height}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


async def confirm(page: Page) -> None:
    await page.locator("#confirm-ok").click()


# The widths the console's map draws its roads with, casings and roads of every rank, in drawing order; as drawn
# for a region's view: casings of through and main roads, then ways closed to cars, service roads, streets,
# through and main roads.
ROADS_AS_DRAWN = [4.2, 6.1, 1.0, 0.8, 1.3, 2.6, 4.5]
ROAD_WIDTHS = """(() => {
  const widths = [];
  window.trustloop.map.leaflet.eachLayer((layer) => {
    if (layer instanceof L.Polyline && layer.options.renderer?.options.pane === "roads") widths.push(layer.options.weight);
  });
  return widths;
})()"""


async def test_the_map_the_figures_and_the_fleet_live(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    # A rated job, so that the figures have something to show.
    await helsinki(sessions, helsinki_graph)
    rater = await api.technician(at=KAIVOKATU, name="Aki Rater", online=False)
    driver = await api.driver()
    rated = await api.order(driver, at=KAIVOKATU)
    assert (await api.assign(rated["id"], rater)).status_code == 200
    await api.finish(rated["id"], rater, resolution="fixed_on_site")
    assert (await api.rate(rated["id"], driver, csat=1, nps=2, tags=["late"])).status_code == 201

    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page = scene.page
        # The region's roads and place names are drawn on Leaflet, the fleet is on the map.
        async with httpx.AsyncClient(base_url=console_server) as server:
            drawn = (await server.get("/v1/ops/map", headers=scene.operator.headers)).json()
        assert len(drawn["roads"]) > 500
        # Car parks and yards as well as streets, and the pedestrian streets and bus lanes closed to cars, dashed.
        assert {rank for rank, _ in drawn["roads"]} == {0, 1, 2, 3, 4}
        dashed = """(() => {
          const dashes = [];
          window.trustloop.map.leaflet.eachLayer((layer) => {
            if (layer instanceof L.Polyline && layer.options.renderer?.options.pane === "roads") dashes.push(layer.options.dashArray || null);
          });
          return dashes;
        })()"""
        assert any(kind == "suburb" for _, kind, _, _ in drawn["places"])
        await wait_for(lambda: page.evaluate(f"window.trustloop.stats.roadsDrawn === {len(drawn['roads'])}"))
        assert await page.evaluate("window.trustloop.stats.places") == len(drawn["places"])
        assert await page.locator(".leaflet-container canvas").count() >= 1
        # Closer in, the roads widen (streets would fade to hairlines), up to three times; back out, as they were.
        region_view = await page.evaluate("window.trustloop.map.leaflet.getZoom()")

        async def roads_at(zoom: float, widths: list[float]) -> None:
            async def drawn_so() -> bool:  # zoomed again if the map was still being fitted to the region
                await page.evaluate(f"""(() => {{
                  const map = window.trustloop.map.leaflet;
                  if (map.getZoom() !== {zoom}) map.setZoom({zoom}, {{animate: false}});
                }})()""")
                return bool(await page.evaluate(ROAD_WIDTHS) == pytest.approx(widths))

            await wait_for(drawn_so, 10)

        await roads_at(12, ROADS_AS_DRAWN)
        assert await page.evaluate(dashed) == [None, None, "3 3", None, None, None, None]
        await roads_at(18, [3 * width for width in ROADS_AS_DRAWN])
        await page.evaluate(f"window.trustloop.map.leaflet.setZoom({region_view}, {{animate: false}})")
        await wait_for(lambda: page.evaluate("document.querySelectorAll('.tech-pin, .tech-cluster').length > 0"))
        start = await page_technicians(page)
        assert set(start) >= {str(t.id) for t in scene.fleet}

        # An order right on a place's name: the name moves off its pin (above, else below), still shown.
        name, _, lon, lat = min(
            (place for place in drawn["places"] if place[1] == "suburb"),
            key=lambda place: haversine_m(Point(lat=place[3], lon=place[2]), MIKONKATU),
        )
        on_the_name = await api.order(await api.driver(), at=Point(lat=lat, lon=lon))

        async def names_clear_of_pins() -> bool:
            names: dict[str, Any] = await page.evaluate(NAMES_AND_PINS, name)
            return bool(names["pins"] > 0 and names["covered"] == [] and names["shown"] and names["moved"] != 0)

        await wait_for(names_clear_of_pins)
        # Selected, the order's pin wears a ring: the name keeps clear of that too.
        view = await page.evaluate(
            "(m => [m.getCenter().lat, m.getCenter().lng, m.getZoom()])(window.trustloop.map.leaflet)"
        )
        await page.locator(f'.order-pin[data-order="{on_the_name["id"]}"]').click()
        await wait_for(
            lambda: page.evaluate(
                f"!!document.querySelector('.order-pin.selected[data-order=\"{on_the_name['id']}\"]')"
            )
        )
        await wait_for(names_clear_of_pins)
        await page.locator("#detail button.back").click()
        await page.evaluate("(v) => window.trustloop.map.leaflet.setView([v[0], v[1]], v[2], {animate: false})", view)
        # Taken under the legend, the name moves off it as off a pin, or waits hidden: it is never drawn beneath it.
        offset = await page.evaluate(
            """(name) => {
              const label = [...document.querySelectorAll(".place span")].find((n) => n.textContent === name)
                .getBoundingClientRect();
              const legend = document.getElementById("legend").getBoundingClientRect();
              const offset = [(label.left + label.right - legend.left - legend.right) / 2,
                              (label.top + label.bottom - legend.top - legend.bottom) / 2];
              window.trustloop.map.leaflet.panBy(offset, {animate: false});
              return offset;
            }""",
            name,
        )

        async def name_clear_of_the_legend() -> bool:
            names: dict[str, Any] = await page.evaluate(NAMES_AND_PINS, name)
            return bool(names["covered"] == [] and (not names["shown"] or names["moved"] != 0))

        await wait_for(name_clear_of_the_legend)
        await page.evaluate(
            "(offset) => window.trustloop.map.leaflet.panBy(offset.map((v) => -v), {animate: false})", offset
        )

        # Two vans side by side and an order right on them: their cluster moves off the order's pin, so that both
        # the pin and the cluster's count can be read.
        esplanadi = Point(lat=60.16760, lon=24.94660)
        for k in range(2):
            van = await api.technician(at=None, name=f"Pair {k}")
            at = {
                "lat": esplanadi.lat,
                "lon": esplanadi.lon + k * 0.00005,
                "recorded_at": datetime.now(UTC).isoformat(),
            }
            posted = await api.client.post("/v1/technicians/me/locations", json={"points": [at]}, headers=van.headers)
            assert posted.status_code in (200, 202), posted.text
        await api.order(await api.driver(), at=esplanadi)
        # And two orders side by side with a van right on them: their cluster moves off his pin.
        bulevardi = Point(lat=60.16620, lon=24.93700)
        for k in range(2):
            await api.order(await api.driver(), at=Point(lat=bulevardi.lat, lon=bulevardi.lon + k * 0.00005))
        van = await api.technician(at=None, name="On the orders")
        at = {"lat": bulevardi.lat, "lon": bulevardi.lon, "recorded_at": datetime.now(UTC).isoformat()}
        posted = await api.client.post("/v1/technicians/me/locations", json={"points": [at]}, headers=van.headers)
        assert posted.status_code in (200, 202), posted.text

        async def clusters_clear_of_pins() -> bool:
            clusters: dict[str, int] = await page.evaluate(CLUSTERS_AND_PINS)
            return clusters["moved"] >= 2 and clusters["ordersMoved"] >= 1 and clusters["covered"] == 0

        await wait_for(clusters_clear_of_pins)

        # Each tile says what it rests on and over which period; the picker changes the period.
        nps = page.locator('[data-kpi="NPS"]')
        assert await nps.locator("b").inner_text() == "-100"
        assert "1 rating · 7 days" in await nps.locator("small").inner_text()
        await page.click('#period button[data-days="30"]')
        await wait_for(lambda: nps.locator("small").inner_text(), 5)
        await wait_for(
            lambda: page.evaluate("document.querySelector('[data-kpi=NPS] small').textContent.includes('30 days')")
        )
        await page.click('#period button[data-days="1"]')
        await wait_for(
            lambda: page.evaluate("document.querySelector('[data-kpi=NPS] small').textContent.includes('today')")
        )
        # A time under a minute is told in seconds: "0.0 min" would read as no time at all.
        first_response = await page.locator('[data-kpi="First response"] b').inner_text()
        assert re.fullmatch(r"\d+ s|\d+\.\d min|\N{EN DASH}", first_response), first_response
        assert first_response != "0.0 min"
        # One trend chart per measure, each on its own axis; one day of data is not a trend.
        assert await page.locator("#trends figure.trend").count() == 4
        assert "Not enough data" in await page.locator('#trends figure[data-measure="nps"]').inner_text()

        # Jobs offered to the simulated technicians: they accept and drive, and the map follows them.
        for technician, spot in zip(scene.fleet, (MIKONKATU, KAIVOKATU, UNIONINKATU), strict=True):
            await api.offer((await api.order(await api.driver(), at=spot))["id"], technician, ttl_s=120)

        async def someone_moved() -> bool:
            now = await page_technicians(page)
            return any(now[t] and start[t] and haversine_m(Point(**now[t]), Point(**start[t])) > 30 for t in start)

        await wait_for(someone_moved, timeout_s=30)

        # The map fills its panel at every size, down to a tablet.
        for width, height in ((1440, 900), (1024, 768), (768, 1024)):
            await screenshot(page, "console-overview", width, height)
            box = await page.locator("#map").bounding_box()
            assert box is not None
            assert box["width"] >= 0.6 * width, (width, box)
            assert box["height"] >= 0.35 * height, (width, box)
            if width >= 1024:  # the side panel's tabs on one row, the charts' titles on one line
                rows = await page.evaluate(
                    "new Set([...document.querySelectorAll('#tabs button')].map((b) => b.offsetTop)).size"
                )
                assert rows == 1, (width, rows)
                wrapped = await page.evaluate(
                    "[...document.querySelectorAll('.trend figcaption')].filter((c) => c.scrollWidth > c.clientWidth).length"
                )
                assert wrapped == 0, width
        await page.set_viewport_size({"width": 1440, "height": 900})

        # A technician going online or offline from his app shows in the fleet at once, not at the next reload.
        await page.click('#tabs button[data-tab="technicians"]')
        entry = page.locator(f'#technicians li[data-technician="{rater.id}"]')
        for online, shown in ((False, "offline"), (True, "free"), (False, "offline")):
            availability = {"online": online}
            response = await api.client.put("/v1/technicians/me/availability", json=availability, headers=rater.headers)
            assert response.status_code == 200, response.text
            await wait_for(lambda shown=shown: entry.evaluate(f"(li) => li.classList.contains('{shown}')"), 5)
        # His open card follows too.
        await entry.click()
        badge = page.locator("#detail .panel-head .badge")
        await badge.wait_for(timeout=10_000)
        assert await badge.inner_text() == "offline"
        response = await api.client.put("/v1/technicians/me/availability", json={"online": True}, headers=rater.headers)
        assert response.status_code == 200, response.text
        await wait_for(lambda: badge.evaluate("(b) => b.classList.contains('free')"), 5)
        assert await badge.inner_text() == "free"
        await page.locator("#detail button.back").click()
        # A score history entry never reads "0.90 → 0.90".
        changes = await page.evaluate(
            "[[0.9031, 0.8972], [0.9, 0.9], [0.71, 0.84], [null, 0.5]].map(([a, b]) => window.trustloop.detail.scoreChange(a, b))"
        )
        assert changes == ["0.903 → 0.897", "unchanged at 0.90", "0.71 → 0.84", "0.50"]

        # A job of yesterday's makes the trends two days long (seen after the reload below).
        driver_before = await api.driver()
        before = await api.order(driver_before, at=KAIVOKATU)
        yesterdays = await api.technician(at=KAIVOKATU, name="Yesterday's Tech")
        assert (await api.assign(before["id"], yesterdays)).status_code == 200
        await api.finish(before["id"], yesterdays, resolution="fixed_on_site")
        assert (await api.rate(before["id"], driver_before, csat=5, nps=10)).status_code == 201
        async with transaction(sessions) as session:
            day_before = datetime.now(UTC) - timedelta(days=1)
            await session.execute(update(Order).where(Order.id == UUID(before["id"])).values(created_at=day_before))

        # Until the region's roads come, the map says it is loading rather than show the map's starting view.
        roads_asked = asyncio.Event()
        let_roads_through = asyncio.Event()

        async def hold_roads(route: Route) -> None:
            roads_asked.set()
            await let_roads_through.wait()
            await route.continue_()

        await page.route("**/v1/ops/map*", hold_roads)
        await page.reload()
        await asyncio.wait_for(roads_asked.wait(), 20)
        waiting = page.locator("#map-waiting")
        await waiting.wait_for(state="visible", timeout=10_000)
        assert await waiting.inner_text() == "Loading the map…"
        await screenshot(page, "console-map-loading")
        let_roads_through.set()
        await waiting.wait_for(state="hidden", timeout=20_000)
        await wait_for(lambda: page.evaluate(f"window.trustloop.stats.roadsDrawn === {len(drawn['roads'])}"))
        await page.unroute("**/v1/ops/map*")

        # Today's figure, its day not over, hangs off yesterday's dashed: the whole days' line stops at yesterday.
        await wait_for(lambda: page.evaluate("window.trustloop.charts.charts.has('nps')"))
        today_so_far, whole_days = await page.evaluate(
            "(() => { const chart = window.trustloop.charts.charts.get('nps'); return [chart.data[1], chart.data[2]]; })()"
        )
        assert whole_days[-2:] == [100, None]  # yesterday's promoter; today's detractor not on it
        assert today_so_far[-2:] == [100, -100]
        assert set(today_so_far[:-2]) <= {None}


async def test_operators_select_an_order_and_act_on_it(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    await helsinki(sessions, helsinki_graph)
    maria = await named_driver(api, "Maria Korhonen", "+358 40 555 0101")
    phone = {"token": "maria-phone", "platform": "android", "locale": "ru"}
    assert (await api.client.post("/v1/devices", json=phone, headers=maria.headers)).status_code == 201
    waiting = await api.order(maria, at=MIKONKATU)
    to_cancel = await api.order(await named_driver(api, "Pekka Nieminen", "+358 40 555 0202"), at=UNIONINKATU)
    async with transaction(sessions) as session:  # nobody accepted for four minutes
        await sla_round(session, datetime.fromisoformat(waiting["created_at"]) + timedelta(minutes=4), SlaPolicy())
    headers = (await api.operator()).headers

    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, (hugo, _, _) = scene.page, scene.fleet
        # The waiting order is in the attention list with its reason; clicking it opens its panel.
        item = page.locator(f'#attention li.at_risk[data-order="{waiting["id"]}"]')
        await item.wait_for(timeout=10_000)
        assert "no technician assigned within 3 min" in await item.inner_text()
        await item.click()
        panel = page.locator("#detail")
        await panel.locator(".driver").wait_for(timeout=10_000)
        assert "Maria Korhonen" in await panel.locator(".driver").inner_text()
        assert "+358 40 555 0101" in await panel.locator(".driver").inner_text()
        assert "no technician assigned within 3 min" in await panel.locator(".sla").inner_text()

        # Offered to Hugo from the console, with a confirmation: he accepts, the panel and the map follow.
        await panel.locator("select[name=technician]").select_option(str(hugo.id))
        await panel.locator("button.offer").click()
        assert "Offer this job to Hugo Virtanen" in await page.locator("#confirm-text").inner_text()
        await confirm(page)
        await wait_for(lambda: panel.locator(".result").inner_text(), 5)
        assert "Offered to Hugo Virtanen" in await panel.locator(".result").inner_text()
        await wait_for(
            lambda: page.evaluate(
                "(document.querySelector('#detail .technician')?.textContent || '').includes('Hugo')"
            ),
            30,
        )
        await wait_for(lambda: page.evaluate("window.trustloop.stats.routeShown === true"), 20)
        order = (await api.client.get(f"/v1/ops/orders/{waiting['id']}", headers=headers)).json()
        assert order["technician"]["id"] == str(hugo.id)
        # Maria's phone reads Russian: her pushes are shown as she read them, in Russian only; Hugo's, English.
        to_maria = panel.locator(".pushes li", has=page.locator('small[lang="ru"]'))
        await to_maria.first.wait_for(timeout=10_000)
        assert (await to_maria.first.locator("small").inner_text()).startswith("RU ")
        assert await to_maria.locator('small[lang="en"]').count() == 0
        offer = panel.locator(".pushes li", has_text="offer")
        assert (await offer.locator("small").inner_text()).startswith("EN New job")
        # As a phone shows it: the title, then the body; a title may end in a colon of its own ("New job: tow").
        title = await offer.locator("small strong").inner_text()
        assert (await offer.locator("small").inner_text()).startswith(f"EN {title} — "), title
        shown = await panel.inner_text()
        assert re.search(r"\b\d{2}:\d{2}\b", shown), shown
        # The promise the panel shows is the time Maria's push gave her, on the car's clock.
        told = re.search(r"не позже (\d\d:\d\d)", " ".join(await to_maria.locator("small").all_inner_texts()))
        promised = re.search(r"promised (\d\d:\d\d)(?: \((\d\d:\d\d) in Helsinki\))?", shown)
        assert told, shown
        assert promised, shown
        assert told[1] == (promised[2] or promised[1]), (told[0], promised[0])
        assert not re.search(r"\b[AP]M\b", shown), shown  # on 24 hours, as the pushes tell times

        # The risk was that nobody accepted: once Hugo has, the watcher clears it, on the board and the API.
        async with transaction(sessions) as session:
            await sla_round(session, datetime.now(UTC), SlaPolicy())
        board = (await api.client.get("/v1/ops/sla", headers=headers)).json()
        assert waiting["id"] not in [i["order_id"] for i in board["at_risk"] + board["breached"]]
        await page.locator(f'#attention li[data-order="{waiting["id"]}"]').wait_for(state="detached", timeout=10_000)

        # A note on the timeline.
        await panel.locator(".note-form input").fill("Called Maria: Hugo is on his way")
        await panel.locator(".note-form button").click()
        await panel.locator(".timeline li.note").wait_for(timeout=10_000)
        assert "Called Maria: Hugo is on his way" in await panel.locator(".timeline").inner_text()
        await screenshot(page, "order-panel")
        await screenshot(page, "order-panel", 1024, 768)
        await page.set_viewport_size({"width": 1440, "height": 900})

        # Cancelled with a reason, from the orders list.
        await panel.locator("button.back").click()
        await page.click('#tabs button[data-tab="orders"]')
        await page.locator(f'#orders li[data-order="{to_cancel["id"]}"]').click()
        await panel.locator("input[name=reason]").fill("The driver got the car started himself")
        assert await panel.locator("select[name=technician]").input_value()  # someone could take it: a kept choice
        await panel.locator("button.cancel").click()
        assert not await panel.locator("select[name=cause]").evaluate("s => s.validity.valid")  # a cause is asked for
        await panel.locator("select[name=cause]").select_option("help_not_needed")
        # The panel is drawn again on every live change of the order: what the operator chose and typed stays.
        await panel.locator("input[name=reason]").click()
        await page.evaluate("window.trustloop.detail.refresh()")
        assert await panel.locator("select[name=cause]").input_value() == "help_not_needed"
        assert await panel.locator("input[name=reason]").input_value() == "The driver got the car started himself"
        assert await page.evaluate("document.activeElement?.name") == "reason"
        await panel.locator("button.cancel").click()
        await confirm(page)
        await wait_for(
            lambda: page.evaluate(
                "(document.querySelector('#detail .result')?.textContent || '').includes('Cancelled')"
            ),
            10,
        )
        cancelled = (await api.client.get(f"/v1/ops/orders/{to_cancel['id']}", headers=headers)).json()
        assert (cancelled["status"], cancelled["cancel_cause"], cancelled["cancel_reason"]) == (
            "cancelled",
            "help_not_needed",
            "The driver got the car started himself",
        )
        # The driver is told the cause in his language; the note, in the operator's, stays on the record.
        pushes = (await api.client.get(f"/v1/ops/notifications?order_id={to_cancel['id']}", headers=headers)).json()
        told = next(n for n in pushes["items"] if n["kind"] == "cancelled")
        assert told["preview"]["ru"]["body"] == (
            "Мы отменили вашу заявку на эвакуацию: помощь вам больше не нужна. Если понадобится, создайте новую заявку."
        )
        assert "started himself" not in str(told)
        assert "help no longer needed: The driver got the car started himself" in await panel.inner_text()
        # It claims no more than was done: whether the push reached a phone is said beside it, in words.
        assert "below, whether it reached a phone" in await panel.locator(".result").inner_text()
        status = panel.locator(".pushes li", has_text="cancelled").first.locator(".push-status")
        await wait_for(lambda: status.inner_text(), 10)
        assert await status.inner_text() in {"sending", "sent", "failed to send", "not sent: no app on a phone"}
        # Drawn again without its actions, the panel pours no kept value into the field left (the timeline note).
        assert await panel.locator("select[name=technician]").count() == 0
        assert await panel.locator(".note-form input").input_value() == ""


async def test_the_decision_with_names_assigning_a_technician_card_and_filters(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    await helsinki(sessions, helsinki_graph)
    dispatched = await api.order(await named_driver(api, "Aino Lehto", "+358 40 555 0303"), at=KAIVOKATU)
    headers = (await api.operator()).headers

    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, panel = scene.page, scene.page.locator("#detail")
        names = {"Hugo Virtanen", "Katya Laine", "Ilkka Salo"}
        await run_round(app)  # the dispatcher weighs the fleet for Aino's order
        manual = await api.order(await named_driver(api, "Olli Koski", "+358 40 555 0404"), "jump_start", UNIONINKATU)
        decision = (await api.client.get(f"/v1/ops/orders/{dispatched['id']}/decision", headers=headers)).json()
        candidates = [c for r in decision["rounds"] for c in r["candidates"]]
        assert candidates
        assert {c["technician_name"] for c in candidates} <= names

        # Found by the driver's phone among the orders; the panel's decision names each candidate.
        await page.click('#tabs button[data-tab="orders"]')
        await page.fill("#search", "555 0303")
        await wait_for(lambda: page.locator("#orders li[data-order]").count(), 5)
        assert await page.locator("#orders li[data-order]").count() == 1
        await page.locator(f'#orders li[data-order="{dispatched["id"]}"]').click()
        await panel.locator(".decision td.name").first.wait_for(timeout=10_000)
        shown = set(await panel.locator(".decision td.name").all_inner_texts())
        assert shown
        assert shown <= names
        await screenshot(page, "decision")
        await page.set_viewport_size({"width": 1440, "height": 900})

        # Filters: by status and service, and by order id.
        await panel.locator("button.back").click()
        await page.fill("#search", "")
        await page.locator(f'#orders li[data-order="{manual["id"]}"]').wait_for(timeout=35_000)
        await page.select_option("#filter-service", "jump_start")
        await wait_for(lambda: page.evaluate("document.querySelectorAll('#orders li[data-order]').length === 1"), 5)
        assert await page.locator(f'#orders li[data-order="{manual["id"]}"]').count() == 1
        await page.select_option("#filter-service", "")
        await page.select_option("#filter-status", "searching")
        api_searching = (await api.client.get("/v1/ops/orders?status=searching", headers=headers)).json()["items"]
        await wait_for(lambda: page.evaluate(
            f"document.querySelectorAll('#orders li[data-order]').length === {len(api_searching)}"), 10)  # fmt: skip
        await page.select_option("#filter-status", "")

        # An order that has ended is off the live board, and still found by its id or its driver's phone: the
        # driver calls about it afterwards.
        eeva = await named_driver(api, "Eeva Niemi", "+358 40 555 0606")
        ended = await api.order(eeva, "tow", MIKONKATU)
        cancelled = await api.client.post(f"/v1/orders/{ended['id']}/cancel", json={}, headers=eeva.headers)
        assert cancelled.status_code == 200, cancelled.text
        for search in (ended["id"][:8], "555 0606"):
            await page.fill("#search", search)
            found = page.locator(f'#orders li[data-order="{ended["id"]}"]')
            await found.wait_for(timeout=10_000)
            assert "cancelled" in await found.inner_text()
            assert await page.locator("#orders li.heading").inner_text() == "Ended orders that match"
        await found.click()
        await panel.locator("text=cancelled").first.wait_for(timeout=10_000)
        await panel.locator("button.back").click()
        await page.fill("#search", manual["id"][:8])

        # Assigned by hand from the panel, with a confirmation.
        await page.locator(f'#orders li[data-order="{manual["id"]}"]').click()
        pick = panel.locator("select[name=technician]")
        await pick.wait_for(timeout=10_000)
        # Soonest by road first, each with his drive and his trust, as the server ranks them.
        labels = await pick.locator("option").all_inner_texts()
        minutes = [int(m[1]) for label in labels if (m := re.search(r" · (\d+) min drive \(", label))]
        assert minutes, labels
        assert len(minutes) == len(labels), labels
        assert minutes == sorted(minutes), labels
        # Trust first after the name, for the order's service (his card shows his overall trust): a narrow panel
        # cuts the distance off the line, not the score.
        assert all(re.match(r"[^·]+ · jump start trust \d\.\d\d · ", label) for label in labels), labels
        # Not the one offered Aino's order: the simulated technicians may have accepted it meanwhile.
        offered = {str(r["winner"]) for r in decision["rounds"] if r["winner"]}
        free = [
            v for v in await pick.locator("option").evaluate_all("os => os.map(o => o.value)") if v and v not in offered
        ]
        await pick.select_option(free[0])
        chosen = await pick.input_value()
        chosen_name = (await pick.locator("option:checked").inner_text()).split(" · ")[0]
        await panel.locator("button.assign").click()
        await confirm(page)
        await wait_for(
            lambda: page.evaluate("(document.querySelector('#detail .result')?.textContent || '') !== ''"), 10
        )
        assert "Assigned to" in await panel.locator(".result").inner_text()
        assigned = (await api.client.get(f"/v1/ops/orders/{manual['id']}", headers=headers)).json()
        assert assigned["technician"]["id"] == chosen
        # What the promise was made of; nothing has finished yet here, so it is OSRM's estimate as it is.
        await panel.locator(".promise").wait_for(timeout=10_000)
        promise = await panel.locator(".promise").inner_text()
        assert f"{assigned['promise']['promised_s'] / 60:.1f} min" in promise
        assert "too few to calibrate" in promise
        # A calibrated promise names the parts of its median that move it by 3 % or more, and the small ones
        # together as "the rest": the parts shown multiply to the median's factor.
        calibrated = {
            "promised_s": 130.05, "raw_s": 150, "quantile": 0.97, "correction": 0.85,
            "basis": {"fleet": 0.85, "hour_of_day": 0.94, "hour_of_week": 1.01, "distance_band": 0.99,
                      "route_speed": 1.17, "technician": 0.94, "residual_median": 0.98, "spread": 1.02,
                      "grace_s": 120, "observations": 391, "technician_jobs": 48},
        }  # fmt: skip
        explained = await page.evaluate("(p) => window.trustloop.detail.promiseText(p)", calibrated)
        parts = re.search(r"for the median drive \((.*?)\), ", explained)
        assert parts, explained
        factors = [float(value) for value in re.findall(r"\N{MULTIPLICATION SIGN}(\d+\.\d\d)", parts[1])]
        assert "hour \N{MULTIPLICATION SIGN}0.94" in parts[1], explained
        assert "weekday" not in parts[1], explained
        assert math.prod(factors) == pytest.approx(0.85, abs=0.01), explained
        # And the minutes multiply out as shown: the promise is OSRM's drive times the median's factor times the spread.
        figures = re.match(r"([\d.]+) min: OSRM ([\d.]+) min \N{MULTIPLICATION SIGN} ([\d.]+) .*?"
                           r"\N{MULTIPLICATION SIGN} ([\d.]+) to keep it", explained)  # fmt: skip
        assert figures, explained
        promised, raw, median, spread = (float(figure) for figure in figures.groups())
        assert promised == pytest.approx(raw * median * spread, abs=0.11), explained

        # An estimate whose time has passed with no newer position says so, and nothing of being on time.
        eta_line = """(minutes) => {
          const at = (m) => new Date(Date.now() + m * 60000).toISOString();
          const o = { region: "helsinki", eta: { arrival_at: at(minutes[0]), promised_at: at(minutes[1]), late: false,
                                                 confidence: "high" } };
          return window.trustloop.detail.etaLine(o).textContent;
        }"""
        at = r"\d\d:\d\d(?: \(\d\d:\d\d in Helsinki\))?"
        ahead = await page.evaluate(eta_line, [4, 9])
        assert re.fullmatch(rf"ETA {at} · 4 min, high confidence · promised {at} · on time", ahead), ahead
        passed = await page.evaluate(eta_line, [-3, -1])
        assert re.fullmatch(
            rf"ETA {at} has passed: no newer position to estimate from · promised {at} · past it", passed
        )
        still_kept = await page.evaluate(eta_line, [-3, 5])  # the promise still ahead: neither kept nor broken yet
        assert re.fullmatch(rf"ETA {at} has passed: no newer position to estimate from · promised {at}", still_kept)
        # A route that ends short of the car (no road joined to the rest comes nearer) says how far he walks.
        short_of_it = """(metres) => {
          const car = { lat: 60.17, lon: 24.94 };
          const end = [car.lon, car.lat + metres / 111320];
          const o = { region: "helsinki", location: car, route: { geometry: { coordinates: [[24.93, 60.16], end] } },
                      eta: { arrival_at: new Date(Date.now() + 240000).toISOString(), promised_at: null, late: false,
                             confidence: "high" } };
          return window.trustloop.detail.etaLine(o).textContent;
        }"""
        assert (await page.evaluate(short_of_it, 369)).endswith(" · the road ends 370 m short of the car")
        assert "short of the car" not in await page.evaluate(short_of_it, 12)  # a pin beside its road
        on_foot = """(metres) => {
          const car = { lat: 60.17, lon: 24.94 };
          const o = { location: car, route: { geometry: { coordinates: [[24.93, 60.16], [car.lon, car.lat + metres / 111320]] } } };
          window.trustloop.map.showRoute({ order_id: "x", location: car, technician_id: null }, o);
          let walked = 0;
          window.trustloop.map.leaflet.eachLayer((layer) => { walked += layer.options.className === "route-line on-foot"; });
          window.trustloop.detail.redrawRoute();
          return walked;
        }"""
        assert [await page.evaluate(on_foot, metres) for metres in (369, 12)] == [1, 0]  # drawn dotted, on foot

        # His card: status, current job, today's jobs, trust with its parts.
        await panel.locator("button.back").click()
        await page.click('#tabs button[data-tab="technicians"]')
        await page.locator(f'#technicians li[data-technician="{chosen}"]').click()
        await panel.locator(".current-job a").wait_for(timeout=10_000)
        assert chosen_name in await panel.locator("h2").inner_text()
        assert "jump start" in await panel.locator(".current-job").inner_text()
        assert await panel.locator("table.parts tbody tr").count() >= 1
        await screenshot(page, "technician-card")
        await screenshot(page, "technician-card", 1024, 768)
        # Reassigned from his card's current job: the job goes to another technician.
        await page.set_viewport_size({"width": 1440, "height": 900})
        await panel.locator(".current-job a").click()
        await panel.locator("button.assign").wait_for(timeout=10_000)
        assert await panel.locator("button.assign").inner_text() == "Reassign"
        other = await panel.locator("select[name=technician]").input_value()
        other_name = (await panel.locator(f'select[name=technician] option[value="{other}"]').inner_text()).split(
            " · "
        )[0]
        before = (await api.client.get(f"/v1/ops/orders/{manual['id']}", headers=headers)).json()
        assert before["eta"], before  # he is on his way, with a live ETA the handover is weighed against
        await panel.locator("button.assign").click()
        asked = await page.locator("#confirm-text").inner_text()
        assert f"Take the job from {chosen_name}" in asked
        # What the handover costs the driver: when each would be there, on the operator's clock and the car's,
        # and the minutes between the two times shown, in words.
        car = r"(?: \(\d\d:\d\d in Helsinki\))?"
        cost = re.search(
            rf"{other_name} would be there around (\d\d):(\d\d){car}, where {chosen_name} "
            rf"arrives around (\d\d):(\d\d){car}: the driver (?:waits (\d+) min longer|is helped (\d+) min sooner|"
            rf"is helped as soon)(?:, past the promised \d\d:\d\d{car})?, and is told the new time",
            asked,
        )
        assert cost, asked
        then_h, then_m, now_h, now_m = (int(part) for part in cost.groups()[:4])
        shift = ((then_h * 60 + then_m) - (now_h * 60 + now_m) + 720) % 1440 - 720
        in_words = int(cost[5]) if cost[5] else -int(cost[6]) if cost[6] else 0
        assert shift == in_words, asked
        await screenshot(page, "reassign-confirmation")
        await confirm(page)
        await wait_for(
            lambda: page.evaluate("(document.querySelector('#detail .result')?.textContent || '') !== ''"), 10
        )
        assert "Reassigned to" in await panel.locator(".result").inner_text()
        reassigned = (await api.client.get(f"/v1/ops/orders/{manual['id']}", headers=headers)).json()
        assert reassigned["technician"]["id"] == other != chosen
        # Its timeline keeps who took the job from whom, and who did it.
        said = f"assigned to {other_name} (was {chosen_name}) · by "

        async def timeline_says_so() -> bool:
            return said in await panel.locator(".timeline").inner_text()

        await wait_for(timeline_says_so, 10)
        # And the map frames the car and the technician now coming.
        in_view = f"""(() => {{
          const van = window.trustloop.state.technicians.get("{other}")?.position;
          return !!van && window.trustloop.map.leaflet.getBounds().contains([van.lat, van.lon]);
        }})()"""
        await wait_for(lambda: page.evaluate(in_view), 5)

        # The simulated technician it went to learns of it as his app would (the push, his profile) and sets out.
        async def on_the_way() -> bool:
            read = await api.client.get(f"/v1/ops/orders/{manual['id']}", headers=headers)
            return bool(read.json()["status"] == "en_route")

        await wait_for(on_the_way, 30)


async def test_giving_a_job_to_a_technician_with_no_road_to_the_car_says_what_the_driver_gets(
    api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, panel = scene.page, scene.page.locator("#detail")
        at_sea = await api.technician(at=Point(lat=60.160, lon=24.960), name="Sea Sailor")  # 600 m from a road
        order = await api.order(await api.driver(), "jump_start", KAIVOKATU)
        await page.click('#tabs button[data-tab="orders"]')
        await page.locator(f'#orders li[data-order="{order["id"]}"]').click()
        pick = panel.locator("select[name=technician]")
        await pick.locator(f'option[value="{at_sea.id}"]').wait_for(state="attached", timeout=10_000)
        await pick.select_option(str(at_sea.id))
        await panel.locator("button.assign").click()
        asked = await page.locator("#confirm-text").inner_text()
        assert asked.startswith("Assign this job to Sea Sailor? No road leads from where Sea Sailor is to the car"), (
            asked
        )
        await page.locator("#confirm button[value=cancel]").click()
        await pick.select_option(index=0)  # one on the roads: nothing more to say
        await panel.locator("button.assign").click()
        asked = await page.locator("#confirm-text").inner_text()
        assert re.fullmatch(r"Assign this job to [^?]+\?", asked), asked
        await page.locator("#confirm button[value=cancel]").click()


async def test_an_operator_records_a_step_for_a_technician_whose_phone_cannot_and_says_why(
    api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, panel = scene.page, scene.page.locator("#detail")
        technician = await api.technician(at=KAIVOKATU, name="Dora")
        order = await api.order(await api.driver(), "jump_start", KAIVOKATU)
        assert (await api.assign(order["id"], technician)).status_code == 200
        assert (await api.status(order["id"], technician, "en_route")).status_code == 200
        await page.click('#tabs button[data-tab="orders"]')
        await page.locator(f'#orders li[data-order="{order["id"]}"]').click()
        step = panel.locator("select[name=step]")
        await step.wait_for(timeout=10_000)
        # From en route, the one step the order's states allow; and no step without a reason.
        assert await step.locator("option").all_inner_texts() == ["Record a step for Dora…", "Dora is at the car"]
        await step.select_option("arrived")
        await panel.locator("button.record").click()
        assert not await page.locator("#confirm").is_visible()  # asked for the reason first, nothing sent
        why = "She called: phone dead, at the car"
        await panel.locator("input[name=why]").fill(why)
        await screenshot(page, "record-a-step")
        await panel.locator("button.record").click()
        asked = await page.locator("#confirm-text").inner_text()
        assert asked == "Record that Dora is at the car? The driver is told, as if the technician's app had said it."
        await confirm(page)
        await wait_for(
            lambda: page.evaluate("(document.querySelector('#detail .result')?.textContent || '') !== ''"), 10
        )
        assert await panel.locator(".result").inner_text() == "Recorded: Dora is at the car."
        headers = (await api.operator()).headers
        assert (await api.client.get(f"/v1/ops/orders/{order['id']}", headers=headers)).json()["status"] == "arrived"

        async def timeline_says_why() -> bool:
            return "arrived · by " in (text := await panel.locator(".timeline").inner_text()) and f": “{why}”" in text

        await wait_for(timeline_says_why, 10)
        # Arrived: the next steps are hers at work, or that she could not help.
        await step.wait_for(timeout=10_000)
        assert await step.locator("option").all_inner_texts() == [
            "Record a step for Dora…", "Dora is at work", "Dora could not help",
        ]  # fmt: skip


async def test_the_order_panel_asks_who_can_take_it_only_when_that_may_have_changed(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    await helsinki(sessions, helsinki_graph)
    order = await api.order(await named_driver(api, "Sanna Heikkinen", "+358 40 555 0606"), at=UNIONINKATU)

    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, panel, (hugo, _, _) = scene.page, scene.page.locator("#detail"), scene.fleet
        # Each ask of who could take the order costs the server a road table; each read of the order is a redraw.
        asked: list[str] = []
        redrawn: list[str] = []

        def on_request(request: Request) -> None:
            path = urlsplit(request.url).path
            if path == f"/v1/ops/orders/{order['id']}/technicians":
                asked.append(path)
            elif path == f"/v1/ops/orders/{order['id']}":
                redrawn.append(path)

        page.on("request", on_request)
        await page.click('#tabs button[data-tab="orders"]')
        await page.locator(f'#orders li[data-order="{order["id"]}"]').click()
        pick = panel.locator("select[name=technician]")
        await pick.locator(f'option[value="{hugo.id}"]').wait_for(state="attached", timeout=10_000)
        assert len(asked) == 1  # the panel opened on an order that can be offered
        await pick.select_option(str(hugo.id))

        # Drawn again as live changes come, the panel keeps the list it has, and the operator's choice in it.
        for _ in range(5):
            await page.evaluate("window.trustloop.detail.refresh()")
        assert len(redrawn) >= 6
        assert len(asked) == 1
        assert await pick.input_value() == str(hugo.id)

        # Assigned from the panel: asked again after the action, and again as the status changes.
        await panel.locator("button.assign").click()
        await confirm(page)
        await wait_for(lambda: page.evaluate(
            "(document.querySelector('#detail .result')?.textContent || '').includes('Assigned to Hugo Virtanen')"), 10)  # fmt: skip
        await wait_for(lambda: page.evaluate(
            "(document.querySelector('#detail h2')?.textContent || '').endsWith('en route')"), 30)  # fmt: skip
        assert len(asked) >= 3  # the action's, and the status's
        # On his way, his position and live arrival time redraw the panel many times a minute: no new ask.
        asked_en_route, seen = len(asked), len(redrawn)

        async def redrawn_thrice() -> bool:
            return len(redrawn) >= seen + 3

        await wait_for(redrawn_thrice, 20)
        assert len(asked) == asked_en_route
        await screenshot(page, "order-panel-en-route")
        await page.set_viewport_size({"width": 1440, "height": 900})

        # The operator asks again himself.
        await panel.locator("button.ask-again").click()

        async def asked_again() -> bool:
            return len(asked) == asked_en_route + 1

        await wait_for(asked_again, 5)


async def test_a_follow_up_is_taken_contacted_and_resolved_from_the_queue(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    await helsinki(sessions, helsinki_graph)
    rater = await api.technician(at=KAIVOKATU, name="Aki Rater", online=False)
    driver = await named_driver(api, "Laura Mäkinen", "+358 40 555 0505")
    rated = await api.order(driver, at=KAIVOKATU)
    assert (await api.assign(rated["id"], rater)).status_code == 200
    await api.finish(rated["id"], rater, resolution="fixed_on_site")
    rating = {"csat": 1, "nps": 2, "tags": ["late"], "comment": "He came an hour late"}
    assert (await api.rate(rated["id"], driver, **rating)).status_code == 201
    operator = await api.operator()

    # The API under the queue: who to call, at which number, about which order.
    case = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"][0]
    assert (case["driver_name"], case["driver_phone"], case["order_id"]) == (
        "Laura Mäkinen", "+358 40 555 0505", rated["id"]
    )  # fmt: skip

    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page = scene.page
        await page.click('#tabs button[data-tab="followups"]')
        item = page.locator(f'#followups li[data-followup="{case["id"]}"]')
        await item.wait_for(timeout=10_000)
        text = await item.inner_text()
        assert "Laura Mäkinen" in text
        assert "+358 40 555 0505" in text
        assert "He came an hour late" in text
        assert "nobody has it yet" in text

        first_contact = "document.querySelector('[data-kpi=\"First contact\"] small').textContent"
        assert "no cases called yet" in await page.evaluate(first_contact)  # one case, nobody has called yet
        await item.locator("button.take").click()
        await wait_for(lambda: page.evaluate(
            f"document.querySelector('#followups li[data-followup=\"{case['id']}\"] .taken').textContent.startsWith('taken by')"))  # fmt: skip
        await item.locator("button.no_answer").click()
        await item.locator(".contacts li").wait_for(timeout=10_000)
        # The call made moves the first-contact figure live, not at the next two-minute refresh.
        await wait_for(lambda: page.evaluate(f"{first_contact}.includes('1 case called ')"))
        await item.locator("button.reached").click()
        await wait_for(lambda: item.locator(".contacts li").count(), 10)
        await wait_for(lambda: page.evaluate(
            f"document.querySelectorAll('#followups li[data-followup=\"{case['id']}\"] .contacts li').length === 2"))  # fmt: skip
        await screenshot(page, "followups")
        await screenshot(page, "followups", 1024, 768)
        await page.set_viewport_size({"width": 1440, "height": 900})

        # The case's order is one click away.
        await item.locator("a.order-link").click()
        await page.locator("#detail .driver").wait_for(timeout=10_000)
        assert "Laura Mäkinen" in await page.locator("#detail .driver").inner_text()
        await page.locator("#detail button.back").click()

        # Signed out and in again in the same tab: live again, and live changes arrive.
        await page.click("#logout")
        await wait_for(lambda: page.evaluate("!window.trustloop.state.live"))
        await page.fill("#token", scene.operator.token)
        await page.click("#login-form button[type=submit]")
        await wait_for(lambda: page.evaluate("window.trustloop.state.live"))
        events = await page.evaluate("window.trustloop.stats.events")
        await api.order(await api.driver(), at=KAIVOKATU)
        await wait_for(lambda: page.evaluate(f"window.trustloop.stats.events > {events}"))
        assert await page.locator("#live-status").inner_text() == "live"

        # Rounds that found nobody in a row are said once, with how many there were.
        stranded = await api.order(await api.driver(), service="winch", at=KAIVOKATU)  # nobody here winches
        for _ in range(3):
            assert (await run_round(app)).orders >= 1
        await page.evaluate(f"window.trustloop.detail.showOrder('{stranded['id']}')")
        nobody = page.locator("#detail .decision .no-candidates")
        await nobody.first.wait_for(timeout=10_000)
        assert await nobody.count() == 1
        assert " · 3 rounds · nobody to ask" in await nobody.inner_text()
        assert "Offer or assign one by hand above." in await nobody.inner_text()
        await page.locator("#detail button.back").click()
        # Once the order is no longer searching, those rounds only say what was; they no longer ask anything of anyone.
        operator = await api.operator()
        cancelled = await api.client.post(f"/v1/orders/{stranded['id']}/cancel", json={"cause": "help_not_needed"},
                                          headers=operator.headers)  # fmt: skip
        assert cancelled.status_code == 200, cancelled.text
        await page.evaluate(f"window.trustloop.detail.showOrder('{stranded['id']}')")
        await wait_for(lambda: page.evaluate("!!document.querySelector('#detail .decision .no-candidates')"))
        assert "nobody to ask" in await nobody.inner_text()
        assert "by hand" not in await nobody.inner_text()
        await page.locator("#detail button.back").click()

        # The technician's card says what the driver wrote, analysed by now; the rating opens its order.
        await analyse(sessions)
        await page.evaluate(f"window.trustloop.detail.showTechnician('{rater.id}')")
        said = page.locator("#detail .drivers-said")
        await said.locator("li.negative q").wait_for(timeout=10_000)
        assert "He came an hour late" in await said.locator("li q").inner_text()
        assert "1 comment in 12 weeks, 1 negative" in await said.locator("h3").inner_text()
        assert "late 1" in await said.locator(".topics").inner_text()
        await screenshot(page, "technician-drivers-said")
        await said.locator("li.negative").click()
        await page.locator("#detail .driver").wait_for(timeout=10_000)
        assert "Laura Mäkinen" in await page.locator("#detail .driver").inner_text()
        await page.locator("#detail button.back").click()

        # Resolved with an outcome; the first contact is a KPI now.
        await item.locator("button.resolve").click()
        await item.locator("select[name=outcome]").select_option("refunded")
        await item.locator("input[name=note]").fill("Refunded the call-out fee")
        # A live change redraws the queue while the operator writes: what was typed stays, and so does the focus.
        counted = await page.locator("#order-count").inner_text()
        await api.order(await api.driver(), at=MIKONKATU)
        await wait_for(lambda: page.evaluate(f"document.querySelector('#order-count').textContent !== '{counted}'"))
        assert await item.locator("input[name=note]").input_value() == "Refunded the call-out fee"
        assert await item.locator("select[name=outcome]").input_value() == "refunded"
        # The focus comes back in the frame after the redraw.
        await wait_for(lambda: page.evaluate("document.activeElement?.name === 'note'"), 5)
        # Two redraws before the next frame (live changes come in bursts) keep it too.
        await page.evaluate("window.trustloop.lists.render(); window.trustloop.lists.render()")
        await wait_for(lambda: page.evaluate("document.activeElement?.name === 'note'"), 5)
        assert await item.locator("input[name=note]").input_value() == "Refunded the call-out fee"
        # A key pressed right after a redraw lands in the note, not on the page: the focus is back before it.
        await page.evaluate("window.trustloop.lists.render()")
        await page.keyboard.type(".")
        assert await item.locator("input[name=note]").input_value() == "Refunded the call-out fee."
        await page.keyboard.press("Backspace")
        # On the outcome, the focus stays there.
        await item.locator("select[name=outcome]").focus()
        await page.evaluate("window.trustloop.lists.render()")
        await wait_for(lambda: page.evaluate("document.activeElement?.name === 'outcome'"), 5)
        assert await item.locator("select[name=outcome]").input_value() == "refunded"
        await item.locator(".resolve-form button[type=submit]").click()
        await item.wait_for(state="detached", timeout=10_000)
        resolved = (await api.client.get("/v1/ops/followups?status=resolved", headers=operator.headers)).json()["items"]
        assert [(c["id"], c["outcome"], c["note"], c["taken_by"]) for c in resolved] == [
            (case["id"], "refunded", "Refunded the call-out fee", str(operator.id))
        ]
        assert [c["outcome"] for c in resolved[0]["contacts"]] == ["no_answer", "reached"]
        assert resolved[0]["first_contact_at"] is not None
        await page.click('#period button[data-days="1"]')
        await wait_for(lambda: page.evaluate(
            "document.querySelector('[data-kpi=\"First contact\"] small').textContent.includes('1 case called ')"))  # fmt: skip


async def test_a_partner_its_figures_report_and_a_failing_webhook_replayed(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    async with console(api, sessions, console_server, helsinki_graph, routed_settings) as scene:
        page, panel = scene.page, scene.page.locator("#detail")
        # A partner whose webhooks go to a port where nobody listens; a member's order placed and cancelled.
        fennia = await make_partner(
            api,
            webhook_url=DEAD_HOOK,
            services=["tow", "jump_start"],
            regions=["helsinki"],
            sla_targets={"default": {"arrival_within": 1800}, "tow": {"accept_at_risk": 120}},
        )
        placed = await api.client.post(
            "/v1/partner/orders", json=member_order(MIKONKATU, locale="de"), headers=fennia.headers
        )
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["id"]
        cancel = await api.client.post(
            f"/v1/partner/orders/{order_id}/cancel", json={"reason": "member got going"}, headers=fennia.headers
        )
        assert cancel.status_code == 200, cancel.text
        async with aiohttp.ClientSession() as client:
            sender = Sender(sessions, client, SenderConfig(batch_size=10, timeout_s=2.0, backoff_base_s=60,
                                                           backoff_cap_s=60, concurrency=2))  # fmt: skip
            await sender.send_due()  # refused: the delivery is failing after one try
            partner = (await api.client.get(f"/v1/ops/partners/{fennia.id}", headers=scene.operator.headers)).json()

            # The list: name, kind, services, regions, webhook address and the active key's prefix.
            await page.click('#tabs button[data-tab="partners"]')
            item = page.locator(f'#partners li[data-partner="{fennia.id}"]')
            await item.wait_for(timeout=10_000)
            text = await item.inner_text()
            for shown in ("Fennia Insurance", "insurer", "tow, jump start", "Helsinki", DEAD_HOOK,
                          partner["keys"][0]["prefix"]):  # fmt: skip
                assert shown in text

            # Its panel: its own figures for the period, its report, its deliveries.
            await item.click()
            orders_tile = panel.locator('.partner-tiles [data-kpi="Orders"]')
            await orders_tile.wait_for(timeout=10_000)
            assert await orders_tile.locator("b").inner_text() == "1"
            assert "7 days" in await orders_tile.locator("small").inner_text()
            levels = await panel.locator("dd.levels").inner_text()
            assert levels == "every order: reached within 30 min; tow: at risk unassigned after 2 min"
            row = panel.locator("table.deliveries tr.delivery").first
            assert "order.cancelled" in await row.inner_text()
            assert order_id[:8] in await row.locator("a.order-link").inner_text()
            assert await row.locator(".status").inner_text() == "failing"
            assert await row.locator(".attempts").inner_text() == "1"
            assert await row.locator(".code").inner_text() == "no answer"  # the port refused the connection

            async with page.expect_download() as download_info:
                await panel.locator("a.report").click()
            download = await download_info.value
            csv = await asyncio.to_thread(Path(await download.path()).read_text)
            assert csv.splitlines()[0].startswith("week")
            assert download.suggested_filename.endswith(".csv")

            # Replayed after a confirmation: queued at once, then the sender's answer shows.
            await row.locator("button.replay").click()
            assert "order.cancelled" in await page.locator("#confirm-text").inner_text()
            assert DEAD_HOOK in await page.locator("#confirm-text").inner_text()
            await confirm(page)
            await wait_for(lambda: panel.locator(".result").inner_text(), 10)
            assert "Replay queued" in await panel.locator(".result").inner_text()
            await wait_for(lambda: page.evaluate(
                "document.querySelector('#detail tr.delivery .status')?.textContent === 'pending'"), 5)  # fmt: skip
            await sender.send_due()
            await wait_for(lambda: page.evaluate(
                "document.querySelector('#detail tr.delivery .attempts')?.textContent === '2'"), 10)  # fmt: skip
            assert await row.locator(".status").inner_text() == "failing"
            assert "Replay queued" in await panel.locator(".result").inner_text()
            for width, height in ((1440, 900), (1024, 768)):
                await screenshot(page, "partner-panel", width, height)
                tab, side = page.locator('#tabs button[data-tab="partners"]'), page.locator("#side")
                tab_box, side_box = await tab.bounding_box(), await side.bounding_box()
                replay_box = await row.locator("button.replay").bounding_box()
                assert tab_box is not None
                assert side_box is not None
                assert replay_box is not None
                for box in (tab_box, replay_box):  # nothing runs past the side panel
                    assert box["x"] + box["width"] <= side_box["x"] + side_box["width"], width
            await page.set_viewport_size({"width": 1440, "height": 900})

            # The delivery's order is one click away.
            await row.locator("a.order-link").click()
            await panel.locator(".driver").wait_for(timeout=10_000)
            assert "Maija Virtanen" in await panel.locator(".driver").inner_text()
            # The member has no app: the pushes were sent to no phone, and read as the order was given, in German.
            push = panel.locator(".pushes li").first
            await push.wait_for(timeout=10_000)
            assert "no app on a phone" in await push.inner_text()
            assert await push.locator("abbr.lang").all_inner_texts() == ["DE"]


@pytest.fixture
async def two_region_server(routed_settings: Settings, helsinki_graph: Path, app: FastAPI) -> AsyncIterator[str]:
    """An API process serving Helsinki and Liechtenstein (it reads their areas as it starts, so they are recorded
    first); nothing is routed in Liechtenstein here, so no road engine runs for it."""
    sessions: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    await helsinki(sessions, helsinki_graph)
    graph = await asyncio.to_thread(prepared_graph, LIECHTENSTEIN_PBF, "liechtenstein", LIECHTENSTEIN_DIR)
    async with transaction(sessions) as session:
        await record_region(session, "liechtenstein", service_area(LIECHTENSTEIN_PBF), graph)
    engines = {"helsinki": routed_settings.effective_osrm_url, "liechtenstein": NO_OSRM}
    port = free_port()
    process = start_server(
        routed_settings, port, TRUSTLOOP_REGIONS="helsinki,liechtenstein", TRUSTLOOP_OSRM_URLS=json.dumps(engines)
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    async with transaction(sessions) as session:  # the other tests know Helsinki alone
        await session.execute(delete(Region).where(Region.name == "liechtenstein"))


async def test_an_order_opened_from_another_region_brings_the_map_to_it(
    app: FastAPI, sessions: async_sessionmaker[AsyncSession], two_region_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    async with httpx.AsyncClient(base_url=two_region_server) as client:
        api = Api(client, sessions)
        # Sepp serves Liechtenstein, and his van is in Helsinki today.
        sepp = await api.technician(at=KAIVOKATU, name="Sepp Büchel", region="liechtenstein")
        async with console(api, sessions, two_region_server, helsinki_graph, routed_settings) as scene:
            page, panel, hugo = scene.page, scene.page.locator("#detail"), scene.fleet[0]
            # Hugo serves every region; he and his job are in Helsinki, and the operator watches Liechtenstein.
            order = await api.order(await named_driver(api, "Eero Lindqvist", "+358 40 555 0707"), at=MIKONKATU)
            assert order["region"] == "helsinki"
            assert (await api.assign(order["id"], hugo)).status_code == 200
            await page.select_option("#region-switch", "liechtenstein")
            await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'liechtenstein'"))

            # Hugo is listed where he is, in Helsinki: not in Liechtenstein's fleet. Sepp is in it, said to be
            # in Helsinki now.
            await page.click('#tabs button[data-tab="technicians"]')
            assert await page.locator(f'#technicians li[data-technician="{hugo.id}"]').count() == 0
            listed = page.locator(f'#technicians li[data-technician="{sepp.id}"]')
            await listed.wait_for(timeout=5_000)
            said = await listed.inner_text()
            assert "Sepp Büchel" in said
            assert "now in Helsinki" in said
            # Opened from elsewhere (a partner's deliveries, a link), the order takes the switch and the map to
            # Helsinki, and its panel stays open.
            await page.evaluate(f"window.trustloop.detail.showOrder('{order['id']}')")
            await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'helsinki'"))
            assert await page.locator("#region-switch").input_value() == "helsinki"
            await panel.locator(".driver").wait_for(timeout=10_000)
            assert "Eero Lindqvist" in await panel.locator(".driver").inner_text()
            assert await panel.get_attribute("data-id") == order["id"]

            async def centred_on_the_order() -> bool:
                centre = await page.evaluate("window.trustloop.map.leaflet.getCenter()")
                return haversine_m(Point(lat=centre["lat"], lon=centre["lng"]), MIKONKATU) < 1000

            await wait_for(centred_on_the_order, 5)
            await page.locator(f'.leaflet-marker-pane [data-order="{order["id"]}"]').wait_for(timeout=5_000)

            # Finished, the order leaves the open lists; its panel still closes when the map goes to another region.
            await api.finish(order["id"], hugo, resolution="fixed_on_site")
            await wait_for(lambda: page.evaluate(f"!window.trustloop.state.orders.has('{order['id']}')"))

            async def shown_completed() -> bool:
                return "completed" in await panel.inner_text()

            await wait_for(shown_completed, 10)
            await page.select_option("#region-switch", "liechtenstein")
            await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'liechtenstein'"))
            await wait_for(lambda: panel.is_hidden(), 5)


async def test_the_roads_are_read_as_the_server_starts(
    app: FastAPI, sessions: async_sessionmaker[AsyncSession], helsinki_graph: Path
) -> None:
    await helsinki(sessions, helsinki_graph)
    read_roads.cache_clear()
    await warm_road_maps(sessions, ["atlantis", "helsinki"])  # no Atlantis: nothing read for it, nothing raised
    assert read_roads.cache_info().currsize == 1
