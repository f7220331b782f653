"""The operators' console in a real browser (Debian's Chromium driven by Playwright) against a running
API process, while the demo simulator's technicians drive on central Helsinki's roads."""

import asyncio
import random
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import ConsoleMessage, Error, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import PROJECT_ROOT, Settings
from app.db import transaction
from app.geo import Point, haversine_m
from app.regions.extract import service_area
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round
from tests.conftest import HELSINKI_PBF, KAIVOKATU, MIKONKATU, UNIONINKATU, Api, start_server
from tools.simulate import Simulation
from trustloop.processes import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = PROJECT_ROOT / "var" / "test-artifacts" / "console.png"


@pytest.fixture(scope="module")
def console_server(routed_settings: Settings) -> Iterator[str]:
    port = free_port()
    process = start_server(routed_settings, port, TRUSTLOOP_REGION="helsinki")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


async def page_technicians(page: Page) -> dict[str, Any]:
    found: dict[str, Any] = await page.evaluate(
        "Object.fromEntries([...window.trustloop.state.technicians.values()].map(t => [t.id, t.position]))"
    )
    return found


async def wait_for(check: Any, timeout_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the console did not show it in time"
        await asyncio.sleep(0.2)


async def test_the_console_shows_the_live_region_and_lets_operators_act(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], console_server: str, helsinki_graph: Path,
    routed_settings: Settings,
) -> None:  # fmt: skip
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    fleet = [
        await api.technician(at=spot, name=f"Tech {i}") for i, spot in enumerate((KAIVOKATU, UNIONINKATU, MIKONKATU))
    ]
    operator = await api.operator()

    # A detractor's case waiting in the queue.
    driver = await api.driver()
    rated = await api.order(driver, at=KAIVOKATU)  # where the first technician stands
    assert (await api.assign(rated["id"], fleet[0])).status_code == 200
    await api.finish(rated["id"], fleet[0], resolution="fixed_on_site")
    assert (await api.rate(rated["id"], driver, csat=1, nps=2, tags=["late"])).status_code == 201

    osrm = OsrmClient(routed_settings.effective_osrm_url)
    simulation = Simulation(console_server, osrm, "helsinki", random.Random(5), order_every_s=3600, levels=SlaPolicy())
    stop = asyncio.Event()
    errors: list[str] = []
    await simulation.start()
    driving = asyncio.create_task(simulation.run(stop))
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = await browser.new_page(viewport={"width": 1400, "height": 900})

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    errors.append(message.text)

            def on_page_error(error: Error) -> None:
                errors.append(str(error))

            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            await page.goto(f"{console_server}/console")
            await page.fill("#token", operator.token)
            await page.click("#login-form button[type=submit]")

            # The region's roads are drawn, the fleet is on the map, the stream is live.
            async with httpx.AsyncClient(base_url=console_server) as server:
                roads = (await server.get("/v1/ops/map", headers=operator.headers)).json()["roads"]
            assert len(roads) > 500
            await wait_for(lambda: page.evaluate(f"window.trustloop.stats.roadsDrawn === {len(roads)}"))
            await wait_for(lambda: page.evaluate("window.trustloop.state.live"))
            start = await page_technicians(page)
            assert set(start) == {str(t.id) for t in fleet}
            assert await page.locator('[data-kpi="NPS"] b').inner_text() == "-100"

            # Jobs offered to the simulated technicians: they accept and drive, and the map follows them.
            for technician, spot in zip(fleet, (MIKONKATU, KAIVOKATU, UNIONINKATU), strict=True):
                await api.offer((await api.order(await api.driver(), at=spot))["id"], technician, ttl_s=120)

            async def someone_moved() -> bool:
                now = await page_technicians(page)
                return any(now[t] and start[t] and haversine_m(Point(**now[t]), Point(**start[t])) > 30 for t in start)

            await wait_for(someone_moved, timeout_s=30)

            # The simulator's own order found nobody: the watcher raises it and the console lists it.
            searching = (await api.client.get("/v1/ops/orders?status=searching", headers=operator.headers)).json()[
                "items"
            ]
            assert searching, "the simulator ordered help"
            waiting = searching[-1]
            async with transaction(sessions) as session:
                created = datetime.fromisoformat(waiting["created_at"])
                await sla_round(session, created + timedelta(minutes=4), SlaPolicy())
            at_risk = page.locator(f'#attention li.at_risk[data-order="{waiting["order_id"]}"]')
            await at_risk.wait_for(timeout=10_000)
            assert "nobody accepted within 3 min" in await at_risk.inner_text()

            # Resolving the follow-up from the queue.
            case = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"][0]
            item = page.locator(f'#followups li[data-followup="{case["id"]}"]')
            await item.locator("button.resolve").click()
            await item.locator("input[name=note]").fill("Called back, refunded the call-out fee")
            await item.locator("button[type=submit]").click()
            await item.wait_for(state="detached", timeout=10_000)
            resolved = (await api.client.get("/v1/ops/followups?status=resolved", headers=operator.headers)).json()[
                "items"
            ]
            assert [(c["id"], c["note"]) for c in resolved] == [(case["id"], "Called back, refunded the call-out fee")]

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT))
            await browser.close()
    finally:
        stop.set()
        await asyncio.wait_for(driving, timeout=10)
        await simulation.aclose()
        await osrm.aclose()
    assert SCREENSHOT.stat().st_size > 10_000
    assert errors == []


async def test_the_map_is_for_operators_and_needs_a_prepared_region(api: Api) -> None:
    operator, driver = await api.operator(), await api.driver()
    assert (await api.client.get("/v1/ops/map", headers=driver.headers)).status_code == 403
    missing = await api.client.get("/v1/ops/map", headers=operator.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    page = await api.client.get("/console")
    assert page.status_code == 200
    assert "/console/static/console.js" in page.text
    assert (await api.client.get("/console/static/console.js")).status_code == 200
