"""Two regions served at once by one deployment (central Helsinki and Liechtenstein), each with its own
osrm-routed: an order goes to its own region's technician and is routed by its own region's engine; a place
outside both is refused; a technician of another region standing where the order's region's roads reach him
is offered it only when crossing borders is allowed."""

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.clock import now as clock
from app.config import Settings
from app.db import transaction
from app.geo import Point
from app.sla import repository as sla_repository
from app.technicians.repository import set_last_position
from dispatch.dispatcher import DispatchConfig, dispatch_round
from dispatch.models import DispatchDecision
from feedback.models import FollowUpReason
from feedback.service import open_case
from tests.conftest import KAIVOKATU, MIKONKATU, Api, routed, start_server
from tests.dispatch.helpers import pending_offers
from tests.test_console import helsinki, screenshot, wait_for
from tests.tracking.test_tracking_page import chromium
from trustloop.api import create_app
from trustloop.processes import free_port
from trustloop.wiring import wire

VADUZ_TOWN_HALL = Point(lat=47.14105, lon=9.52080)
SCHAAN = Point(lat=47.16540, lon=9.50900)
ESPLANADI = Point(lat=60.16770, lon=24.94790)
ESPOO = Point(lat=60.20550, lon=24.65590)  # beyond central Helsinki's extract
# On Liechtenstein's wooded slopes, 671 m from its nearest drawn road (central Helsinki's extract, now that its
# service roads are drawn, has no spot even 200 m from one).
OFF_THE_DRAWN_ROADS = Point(lat=47.068, lon=9.522)
BUCHS_SG = Point(lat=47.16700, lon=9.47800)  # Switzerland, across the Rhine from Schaan: outside every region


@pytest.fixture(scope="session")
def liechtenstein_osrm(liechtenstein_graph: Path) -> Iterator[str]:
    yield from routed(liechtenstein_graph)


def two_regions(settings: Settings, helsinki: str, liechtenstein: str, cross_border: bool) -> Settings:
    return settings.model_copy(
        update={"regions": ["helsinki", "liechtenstein"], "osrm_url": None, "cross_border": cross_border,
                "osrm_urls": {"helsinki": helsinki, "liechtenstein": liechtenstein}}
    )  # fmt: skip


class Deployment:
    """An app serving both regions, in process; the other tests' wiring comes back when it closes."""

    def __init__(self, settings: Settings, restore: Settings) -> None:
        self.settings = settings
        self._restore = restore
        self.app = create_app(settings)

    async def __aenter__(self) -> "Deployment":
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://regions")
        self.sessions: async_sessionmaker[AsyncSession] = self.app.state.sessionmaker
        self.api = Api(self.client, self.sessions)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(None, None, None)
        wire(self._restore)

    async def technician(self, region: str, at: Point) -> Any:
        actor = await self.api.technician(at=None, region=region, name=f"{region.title()} technician")
        async with transaction(self.sessions) as session:
            await set_last_position(session, actor.id, at, datetime.now(UTC))
        return actor

    async def order_at(self, where: Point) -> httpx.Response:
        driver = await self.api.driver()
        return await self.client.post(
            "/v1/orders", json={"service": "tow", "location": where.model_dump()}, headers=driver.headers
        )

    async def dispatch(self) -> None:
        """A round per region, as the dispatcher worker runs them."""
        config = DispatchConfig.from_settings(self.settings)
        for region in self.settings.served_regions:
            async with transaction(self.sessions) as session:
                regional = replace(config, region=region, orders_of_region=region)
                await dispatch_round(session, self.app.state.osrm, regional, datetime.now(UTC))


@pytest.fixture
async def deployment(
    settings: Settings, osrm_url: str, liechtenstein_osrm: str, liechtenstein: None
) -> AsyncIterator[Deployment]:
    """Both regions served, each keeping its technicians at home."""
    two = two_regions(settings, osrm_url, liechtenstein_osrm, cross_border=False)
    async with Deployment(two, restore=settings) as deployment:
        yield deployment


async def test_each_order_goes_to_a_technician_of_its_own_region(deployment: Deployment) -> None:
    in_helsinki = await deployment.technician("helsinki", KAIVOKATU)
    in_liechtenstein = await deployment.technician("liechtenstein", SCHAAN)
    helsinki_order = await deployment.order_at(MIKONKATU)
    vaduz_order = await deployment.order_at(VADUZ_TOWN_HALL)
    assert helsinki_order.status_code == vaduz_order.status_code == 201, vaduz_order.text
    await deployment.dispatch()
    offers = await pending_offers(deployment.sessions)
    assert offers == {
        helsinki_order.json()["id"]: str(in_helsinki.id),
        vaduz_order.json()["id"]: str(in_liechtenstein.id),
    }
    # Each offer's ETA came from its own region's engine: a few minutes by road, not a fallback.
    for order, technician in ((helsinki_order, in_helsinki), (vaduz_order, in_liechtenstein)):
        listed = (await deployment.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()
        (offer,) = listed["items"]
        assert offer["order_id"] == order.json()["id"]
        assert 0 < offer["eta_seconds"] < 1800
        assert offer["distance_m"] > 0

    # The operators' figures, region by region.
    operator = await deployment.api.operator()
    for region, expected in (("helsinki", 1), ("liechtenstein", 1), (None, 2)):
        params = {"region": region} if region else {}
        kpis = (await deployment.client.get("/v1/ops/kpis", params=params, headers=operator.headers)).json()
        assert kpis["orders"] == expected, region
    roads = await deployment.client.get("/v1/ops/map", params={"region": "liechtenstein"}, headers=operator.headers)
    assert roads.json()["region"] == "liechtenstein"
    assert roads.json()["regions"] == ["helsinki", "liechtenstein"]
    # Every served region's box, so that the console can tell which map a technician's position is on.
    bounds = roads.json()["bounds"]
    assert set(bounds) == {"helsinki", "liechtenstein"}
    for region, place in (("helsinki", KAIVOKATU), ("liechtenstein", VADUZ_TOWN_HALL)):
        for name, (west, south, east, north) in bounds.items():
            inside = west <= place.lon <= east and south <= place.lat <= north
            assert inside == (name == region), (name, place)
    # A misspelt region is refused alike on every list, naming those served: never an empty board read as "all well".
    for path in ("/v1/ops/map", "/v1/ops/sla", "/v1/ops/orders", "/v1/ops/technicians", "/v1/ops/followups",
                 "/v1/ops/kpis", "/v1/ops/kpis/daily"):  # fmt: skip
        unknown = await deployment.client.get(path, params={"region": "atlantis"}, headers=operator.headers)
        assert unknown.status_code == 422, (path, unknown.text)
        assert unknown.json()["type"].endswith("/unknown-region"), unknown.text
        assert "(served: helsinki, liechtenstein)" in unknown.json()["detail"]

    # Just across the Rhine in Switzerland: outside both regions, refused in words.
    refused = await deployment.order_at(BUCHS_SG)
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/outside-service-area")
    assert "Helsinki, Liechtenstein" in refused.json()["detail"]


@pytest.mark.parametrize("cross_border", [False, True])
@pytest.mark.usefixtures("liechtenstein")
async def test_a_technician_crosses_into_another_region_only_when_allowed(
    settings: Settings, osrm_url: str, liechtenstein_osrm: str, cross_border: bool
) -> None:
    two = two_regions(settings, osrm_url, liechtenstein_osrm, cross_border=cross_border)
    async with Deployment(two, restore=settings) as deployment:
        visiting = await deployment.technician("helsinki", SCHAAN)  # of the Helsinki fleet, in Liechtenstein
        order = await deployment.order_at(VADUZ_TOWN_HALL)
        assert order.status_code == 201, order.text
        await deployment.dispatch()
        offered = await pending_offers(deployment.sessions)
        assert offered == ({order.json()["id"]: str(visiting.id)} if cross_border else {})
        # An operator is held to the same rule: refused in words without it, obeyed with it.
        operator = await deployment.api.operator()
        body = {"technician_id": str(visiting.id)}
        orders_url = f"/v1/ops/orders/{order.json()['id']}"
        assigned = await deployment.client.post(f"{orders_url}/assign", json=body, headers=operator.headers)
        if cross_border:
            assert assigned.status_code == 200, assigned.text
            assert assigned.json()["technician"]["id"] == str(visiting.id)
        else:
            offer = await deployment.client.post(f"{orders_url}/offers", json=body, headers=operator.headers)
            for refused in (assigned, offer):
                assert refused.status_code == 409, refused.text
                assert "serves the region Helsinki; this order is in Liechtenstein" in refused.json()["detail"]
            listed = (await deployment.client.get(orders_url, headers=operator.headers)).json()
            assert (listed["status"], listed["technician"]) == ("searching", None)  # nothing changed


async def test_the_operators_lists_narrow_to_one_region(deployment: Deployment) -> None:
    in_helsinki = await deployment.technician("helsinki", KAIVOKATU)
    in_liechtenstein = await deployment.technician("liechtenstein", SCHAAN)
    anywhere = await deployment.api.technician(at=None, name="Roaming technician")
    drivers = [await deployment.api.driver(), await deployment.api.driver()]
    helsinki_order = await deployment.api.order(drivers[0], at=MIKONKATU)
    vaduz_order = await deployment.api.order(drivers[1], at=VADUZ_TOWN_HALL)
    assert (helsinki_order["region"], vaduz_order["region"]) == ("helsinki", "liechtenstein")
    async with transaction(deployment.sessions) as session:
        for order, driver in zip((helsinki_order, vaduz_order), drivers, strict=True):
            assert await sla_repository.change_state(session, UUID(order["id"]), "ok", "at_risk", "slow", clock())
            await open_case(
                session, order_id=UUID(order["id"]), driver_id=driver.id, technician_id=None,
                reason=FollowUpReason.DETRACTOR, due_at=clock(),
            )  # fmt: skip

    operator = await deployment.api.operator()

    async def listed(path: str, region: str | None, key: str = "id") -> set[str]:
        params = {"region": region} if region else {}
        body = (await deployment.client.get(path, params=params, headers=operator.headers)).json()
        items = body["at_risk"] + body["breached"] if path == "/v1/ops/sla" else body["items"]
        return {item[key] for item in items}

    mine = {helsinki_order["id"]: "helsinki", vaduz_order["id"]: "liechtenstein"}
    for region in ("helsinki", "liechtenstein"):
        own = {order for order, where in mine.items() if where == region}
        assert await listed("/v1/ops/orders", region, "order_id") & set(mine) == own, region
        assert await listed("/v1/ops/sla", region, "order_id") & set(mine) == own, region
        assert await listed("/v1/ops/followups", region, "order_id") & set(mine) == own, region
    for path in ("/v1/ops/orders", "/v1/ops/sla", "/v1/ops/followups"):
        assert await listed(path, None, "order_id") >= set(mine), path  # no region: every one
    # Each item tells its region, so a console can sort them itself.
    board = (await deployment.client.get("/v1/ops/orders", headers=operator.headers)).json()["items"]
    assert {item["order_id"]: item["region"] for item in board if item["order_id"] in mine} == mine
    cases = (await deployment.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    assert {case["order_id"]: case["region"] for case in cases if case["order_id"] in mine} == mine
    # A call made in Helsinki counts in Helsinki's first-contact figure only.
    (helsinki_case,) = [case for case in cases if case["order_id"] == helsinki_order["id"]]
    called = await deployment.client.post(
        f"/v1/ops/followups/{helsinki_case['id']}/contacts", json={"outcome": "reached"}, headers=operator.headers
    )
    assert called.status_code == 201, called.text
    for region, calls in (("helsinki", 1), ("liechtenstein", 0)):
        kpis = (await deployment.client.get("/v1/ops/kpis", params={"region": region}, headers=operator.headers)).json()
        assert kpis["samples"]["first_contact_s"] == calls, region

    # A region's fleet: its own technicians and those who serve every region.
    fleet = {str(t.id): t for t in (in_helsinki, in_liechtenstein, anywhere)}
    assert await listed("/v1/ops/technicians", "helsinki") & set(fleet) == {str(in_helsinki.id), str(anywhere.id)}
    liechtenstein_fleet = await listed("/v1/ops/technicians", "liechtenstein")
    assert liechtenstein_fleet & set(fleet) == {str(in_liechtenstein.id), str(anywhere.id)}
    assert await listed("/v1/ops/technicians", None) >= set(fleet)

    # The console's map tells each region's clock.
    roads = await deployment.client.get("/v1/ops/map", headers=operator.headers)
    assert roads.json()["time_zones"] == {"helsinki": "Europe/Helsinki", "liechtenstein": "Europe/Vaduz"}


@pytest.fixture
async def two_region_server(
    routed_settings: Settings, liechtenstein_osrm: str, liechtenstein: None, helsinki_graph: Path, app: Any
) -> AsyncIterator[str]:
    """An API process serving both regions; it reads their areas as it starts, so they are recorded first."""
    await helsinki(app.state.sessionmaker, helsinki_graph)
    port = free_port()
    engines = {"helsinki": routed_settings.effective_osrm_url, "liechtenstein": liechtenstein_osrm}
    process = start_server(
        routed_settings, port, TRUSTLOOP_REGIONS="helsinki,liechtenstein", TRUSTLOOP_OSRM_URLS=json.dumps(engines)
    )
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


async def test_the_console_shows_the_switched_regions_lists_figures_and_clock(
    sessions: async_sessionmaker[AsyncSession], two_region_server: str
) -> None:
    async with httpx.AsyncClient(base_url=two_region_server) as client:
        api = Api(client, sessions)
        for name, region, spot in (("Hugo Virtanen", "helsinki", KAIVOKATU), ("Elena Frick", "liechtenstein", SCHAAN)):
            technician = await api.technician(at=None, region=region, name=name)
            async with transaction(sessions) as session:
                await set_last_position(session, technician.id, spot, datetime.now(UTC))
        # One who serves every region, in Helsinki, and one of Helsinki's last seen in Espoo, off both maps.
        anywhere = await api.technician(at=ESPLANADI, name="Aino Nieminen")
        beyond = await api.technician(at=ESPOO, region="helsinki", name="Outi Lahti")
        off_road = await api.technician(at=OFF_THE_DRAWN_ROADS, region="liechtenstein", name="Mikko Salo")
        drivers = [await api.driver(), await api.driver()]
        helsinki_order = await api.order(drivers[0], at=MIKONKATU)
        vaduz_order = await api.order(drivers[1], at=VADUZ_TOWN_HALL)
        operator = await api.operator()
    due = clock() + timedelta(minutes=20)
    async with transaction(sessions) as session:
        # Helsinki's order is breached and Liechtenstein's at risk; each driver waits for a call.
        for order, driver, state in ((helsinki_order, drivers[0], "breached"), (vaduz_order, drivers[1], "at_risk")):
            assert await sla_repository.change_state(session, UUID(order["id"]), "ok", state, "slow", clock())
            await open_case(
                session, order_id=UUID(order["id"]), driver_id=driver.id, technician_id=None,
                reason=FollowUpReason.DETRACTOR, due_at=due,
            )  # fmt: skip
        # A round that found nobody to ask for the Vaduz order.
        session.add(DispatchDecision(
            order_id=UUID(vaduz_order["id"]), round_id=uuid4(), outcome="no_candidates", chosen_technician_id=None,
            unassigned_cost=2400.0, waited_s=60.0, candidates=[], weights={},
        ))  # fmt: skip

    errors: list[str] = []
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1440, "height": 900}, timezone_id="Europe/Helsinki")
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"{two_region_server}/console")
        await page.fill("#token", operator.token)
        await page.click("#login-form button[type=submit]")
        await wait_for(lambda: page.evaluate("window.trustloop.state.live && window.trustloop.state.region !== null"))
        await wait_for(lambda: page.evaluate("window.trustloop.state.followups.length >= 2"))

        async def shown(selector: str) -> str:
            return await page.locator(selector).inner_text()

        async def shows_region(region: str, own: dict[str, Any], other: dict[str, Any], tech: str, away: str) -> None:
            await wait_for(lambda: page.evaluate(f"window.trustloop.state.region === '{region}'"))
            await page.click('#tabs button[data-tab="orders"]')
            assert await page.locator(f'#orders li[data-order="{own["id"]}"]').count() == 1
            assert await page.locator(f'#orders li[data-order="{other["id"]}"]').count() == 0
            assert await page.locator(f'#attention li[data-order="{other["id"]}"]').count() == 0
            assert await shown("#attention-count") == "1"
            await page.click('#tabs button[data-tab="followups"]')
            assert await page.locator("#followups li[data-followup]").count() == 1
            await page.click('#tabs button[data-tab="technicians"]')
            fleet = await shown("#technicians")
            assert tech in fleet, fleet
            assert away not in fleet, fleet

        # Helsinki first: its own order, case and technician; the other region's trouble named on the switch.
        await shows_region("helsinki", helsinki_order, vaduz_order, "Hugo Virtanen", "Elena Frick")
        assert await shown('[data-kpi="Breached"] b') == "1"
        assert await shown('[data-kpi="At risk"] b') == "0"
        assert "Liechtenstein · 1 needs attention · 1 to call" in await shown("#region-switch")
        await page.click('#tabs button[data-tab="followups"]')
        assert " in Helsinki)" not in await shown("#followups")  # the operator's own clock: said once
        # Resolving a case keeps to the panel's width (no sideways scrolling).
        await page.click("#followups button.resolve")
        form, side = await page.locator(".resolve-form").bounding_box(), await page.locator("#side").bounding_box()
        assert form is not None
        assert side is not None
        assert form["x"] + form["width"] <= side["x"] + side["width"], (form, side)

        # Looking for the other region's order says where it is, and takes the operator there; a filter on one of
        # this region's technicians does not follow into the other region.
        await page.click('#tabs button[data-tab="orders"]')
        await page.select_option("#filter-technician", label="Hugo Virtanen")
        await page.fill("#search", vaduz_order["id"][:8])
        assert await shown("#orders") == f"#{vaduz_order['id'][:8]} is in Liechtenstein. Show Liechtenstein"
        await page.click("#orders li.elsewhere button")
        await wait_for(lambda: page.locator("#detail .where").count())
        assert "Liechtenstein" in await shown("#detail .where")
        assert await page.locator("#region-switch").input_value() == "liechtenstein"
        assert await page.evaluate("window.trustloop.state.filters.technician") == ""
        # The operator looks at the order: the map keeps to it when the window changes size.
        await asyncio.sleep(0.8)  # the map's flight to the order
        zoom = await page.evaluate("window.trustloop.map.leaflet.getZoom()")
        await page.set_viewport_size({"width": 1300, "height": 820})
        await asyncio.sleep(0.5)
        assert await page.evaluate("window.trustloop.map.leaflet.getZoom()") == zoom
        await page.set_viewport_size({"width": 1440, "height": 900})
        await page.click('#tabs button[data-tab="orders"]')
        await page.fill("#search", "")
        await shows_region("liechtenstein", vaduz_order, helsinki_order, "Elena Frick", "Hugo Virtanen")
        assert await shown('[data-kpi="At risk"] b') == "1"
        assert await shown('[data-kpi="Breached"] b') == "0"
        assert "Helsinki · 1 needs attention · 1 to call" in await shown("#region-switch")
        # Vaduz's clock is an hour behind the operator's: the call is due by both.
        await page.click('#tabs button[data-tab="followups"]')
        local, there = (
            due.astimezone(ZoneInfo(zone)).strftime("%H:%M") for zone in ("Europe/Helsinki", "Europe/Vaduz")
        )
        assert f"call by {local} ({there} in Liechtenstein)" in await shown("#followups")
        await page.click('#tabs button[data-tab="attention"]')
        await page.click(f'#attention li[data-order="{vaduz_order["id"]}"]')
        await wait_for(lambda: page.locator("#detail .where").count())
        assert "Liechtenstein" in await shown("#detail .where")
        assert re.fullmatch(r"\d\d:\d\d now \(yours \d\d:\d\d\)", await shown("#detail .car-clock"))
        await wait_for(lambda: page.locator("#detail .no-candidates").count())
        assert (
            "nobody to ask: no free technician with the skill within the dispatcher's search radius and a road to the car"
            in await shown("#detail .no-candidates")
        )
        # Only technicians the server would let take it are offered (no crossing borders here).
        offered = await page.locator("#detail select option").all_inner_texts()
        assert any(o.startswith("Elena Frick") for o in offered), offered
        assert not any(o.startswith("Hugo Virtanen") for o in offered), offered
        await screenshot(page, "console-two-regions")
        # Back in Helsinki, Liechtenstein's order does not stay open over Helsinki's map.
        await page.select_option("#region-switch", "helsinki")
        await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'helsinki'"))
        assert await page.locator("#detail").is_hidden()
        # The next visit opens on the region this operator watched last.
        await page.select_option("#region-switch", "liechtenstein")
        await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'liechtenstein'"))
        await page.reload()
        await wait_for(lambda: page.evaluate("!!window.trustloop.state.live"))
        assert await page.evaluate("window.trustloop.state.region") == "liechtenstein"
        assert await page.locator("#region-switch").input_value() == "liechtenstein"

        # One who serves every region is listed where he is: in Helsinki's fleet, not in Liechtenstein's.
        await page.click('#tabs button[data-tab="technicians"]')
        assert "Aino Nieminen" not in await shown("#technicians")
        assert "Outi Lahti" not in await shown("#technicians")
        # His card, opened from anywhere, takes the map to Helsinki and onto his pin, out of any cluster.
        leaflet = "window.trustloop.map.leaflet"
        view = f"[{leaflet}.getCenter().lat, {leaflet}.getCenter().lng, {leaflet}.getZoom()]"
        await page.evaluate(f"window.trustloop.detail.showTechnician('{anywhere.id}')")
        await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'helsinki'"))
        await wait_for(lambda: page.locator("#detail .last-seen").count())
        assert await shown("#detail .last-seen") == "just now"
        await asyncio.sleep(0.8)  # the map's flight
        lat, lon, zoom = await page.evaluate(view)
        assert (round(lat, 4), round(lon, 4)) == (round(ESPLANADI.lat, 4), round(ESPLANADI.lon, 4))
        assert zoom >= 17
        # As he drives on, 250 m north, off the screen at that zoom, the map keeps him in view.
        onward = Point(lat=ESPLANADI.lat + 0.00225, lon=ESPLANADI.lon)
        assert not await page.evaluate(f"{leaflet}.getBounds().contains([{onward.lat}, {onward.lon}])")
        async with httpx.AsyncClient(base_url=two_region_server) as client:
            fix = {"lat": onward.lat, "lon": onward.lon, "recorded_at": datetime.now(UTC).isoformat()}
            sent = await client.post("/v1/technicians/me/locations", json={"points": [fix]}, headers=anywhere.headers)
            assert sent.json()["accepted"] == 1, sent.text
        await wait_for(lambda: page.evaluate(f"{leaflet}.getBounds().pad(-0.1).contains([{onward.lat}, {onward.lon}])"))
        # One last seen off every map: the map shows the whole region (no blank patch with a pin, nor the van shown
        # before), and his card says where he was.
        await page.evaluate(f"window.trustloop.detail.showTechnician('{beyond.id}')")
        await wait_for(lambda: page.evaluate("document.querySelector('#detail h2')?.textContent === 'Outi Lahti'"))
        assert await shown("#detail .last-seen") == "just now · outside the map"
        await asyncio.sleep(0.8)
        await screenshot(page, "console-technician-off-the-map")
        assert (await page.evaluate(view))[2] < 15
        assert await page.evaluate(f"{leaflet}.getBounds().contains([{KAIVOKATU.lat}, {KAIVOKATU.lon}])")
        # One whose nearest drawn road is 671 m off (a farm track, a forest): the map goes to his region and shows the
        # road too, not a blank.
        await page.evaluate(f"window.trustloop.detail.showTechnician('{off_road.id}')")
        await wait_for(lambda: page.evaluate("document.querySelector('#detail h2')?.textContent === 'Mikko Salo'"))
        await wait_for(lambda: page.evaluate("window.trustloop.state.region === 'liechtenstein'"))
        await asyncio.sleep(0.8)
        assert (await page.evaluate(view))[2] < 17
        pin = [OFF_THE_DRAWN_ROADS.lat, OFF_THE_DRAWN_ROADS.lon]
        assert await page.evaluate(f"{leaflet}.getBounds().pad(-0.1).contains({pin})")
    assert errors == []
