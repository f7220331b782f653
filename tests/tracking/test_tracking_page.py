"""The tracking page in a real browser (Debian's Chromium driven by Playwright) against a running API
process and a real osrm-routed, with every request that is not to this machine refused."""

import asyncio
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, ConsoleMessage, Error, Page, Route, async_playwright
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import PROJECT_ROOT, Settings
from app.db import transaction
from app.geo import Point, bearing_deg, haversine_m
from app.live.repository import tracking_for_update
from app.orders.models import Order
from app.regions.extract import service_area
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.technicians.models import Technician
from dispatch.dispatcher import NO_ROAD_SAID_AFTER_S
from tests.conftest import HELSINKI_PBF, KAISANIEMENKATU, KAIVOKATU, MIKONKATU, Actor, Api, start_server
from tests.dispatch.helpers import TEST_CONFIG, run_round
from tests.dispatch.test_dispatcher import ERROTTAJANKATU
from tests.live.test_streams import job, post_location, report
from tests.tracking.test_tracking import finished_job, token_of
from trustloop.processes import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
CLOSER = Point(lat=60.171020, lon=24.946630)  # on the way from Kaisaniemenkatu, ~120 m short of the car


@pytest.fixture(scope="module")
def page_server(routed_settings: Settings) -> Iterator[str]:
    process = start_server(routed_settings, port := free_port(), TRUSTLOOP_REGION="helsinki")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class Watched:
    """A page whose errors and attempts to reach anything but this machine are recorded (and refused)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.refused: list[str] = []

    async def open(
        self, browser: Browser, url: str, viewport: dict[str, int], locale: str = "en-GB",
        timezone: str = "Europe/Helsinki",
    ) -> Page:  # fmt: skip
        page = await browser.new_page(viewport=viewport, locale=locale, timezone_id=timezone)  # type: ignore[arg-type]
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        await page.route("**/*", self._only_local)
        await page.goto(url)
        return page

    async def _only_local(self, route: Route) -> None:
        if route.request.url.split("/")[2].split(":")[0] == "127.0.0.1":
            await route.continue_()
        else:
            self.refused.append(route.request.url)
            await route.abort()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(str(error))


async def shown(page: Page, check: str, timeout_s: float = 15.0) -> Any:
    """Waits until the page's script state satisfies `check` (a JavaScript expression) and returns it."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not (value := await page.evaluate(check)):
        assert asyncio.get_running_loop().time() < deadline, f"the page did not show {check}"
        await asyncio.sleep(0.1)
    return value


async def road_widths_at(page: Page, zoom: float) -> list[float]:
    """The widths of the roads the page's map draws (casings and roads, no route) once it is at `zoom`."""
    widths: list[float] = await shown(
        page,
        f"""(() => {{
          const map = window.trustloop.state.map;
          if (map.getZoom() !== {zoom}) {{ map.setZoom({zoom}, {{animate: false}}); return null; }}
          const widths = [];
          map.eachLayer((layer) => {{
            if (layer instanceof L.Polyline && layer !== window.trustloop.state.layers.route) widths.push(layer.options.weight);
          }});
          return widths;
        }})()""",
    )
    return widths


# The ETA line's clock time, on 24 hours as the pushes tell it, and the time zone named after it if any
# ("17:43 GMT+2"). A 12-hour time ("05:43 PM") reads as another clock time here, and fails the comparison.
ETA_CLOCK = re.compile(r"(\d{2}):(\d{2})(?:\s(GMT[+-]\d+|[A-Z]{3,4}|[A-Z][a-z]+ Time)\b)?")


WITH_THE_PHONE_LATE_IN_ITS_MINUTE = """(() => {
  const arrival = window.trustloop.state.tracking.eta.arrival_at;
  const now = Math.floor(Date.parse(arrival) / 60000) * 60000 - 5 * 60000 + 59999;
  const realNow = Date.now;
  Date.now = () => now;
  try { renderEta(); return [$("eta").textContent, now, arrival]; } finally { Date.now = realNow; renderEta(); }
})()"""


# The ETA line with the estimate `ms` milliseconds before the promise (restored after).
WITH_THE_ESTIMATE_BEFORE_THE_PROMISE = """((ms) => {
  const eta = window.trustloop.state.tracking.eta;
  const arrival = eta.arrival_at;
  eta.arrival_at = new Date(Date.parse(eta.promised_at) - ms).toISOString();
  try { renderEta(); return $("eta").textContent; } finally { eta.arrival_at = arrival; renderEta(); }
})"""


# The ETA line with the phone's clock `ms` milliseconds past the end of the estimate's minute (restored after).
WITH_THE_ESTIMATE_PASSED = """((ms) => {
  const arrival = window.trustloop.state.tracking.eta.arrival_at;
  const now = Math.ceil(Date.parse(arrival) / 60000) * 60000 + ms;
  const realNow = Date.now;
  Date.now = () => now;
  try { renderEta(); return $("eta").textContent; } finally { Date.now = realNow; renderEta(); }
})"""


def shown_clock(moment: datetime, zone: str) -> str:
    """The clock time a push and the page tell for `moment`: the end of its minute ("by 14:05" for 14:04:20)."""
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{moment.astimezone(ZoneInfo(zone)):%H:%M}"


def clock_in(eta: str) -> str:
    """The arrival clock time of the page's ETA line."""
    found = ETA_CLOCK.search(eta)
    assert found, eta
    assert not re.search(r"\b[AP]M\b", eta), f"a 12-hour clock: {eta}"
    return f"{found[1]}:{found[2]}"


def zone_in(eta: str) -> str | None:
    """The time zone named after that clock time, if any."""
    found = ETA_CLOCK.search(eta)
    return found[3] if found else None


async def helsinki_job(
    api: Api, sessions: async_sessionmaker[AsyncSession], helsinki_graph: Path
) -> tuple[Actor, dict[str, Any]]:
    """An assigned job in central Helsinki (its roads recorded for the page's map): the technician, the order."""
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    _, technician, order = await job(api)  # assigned, the technician's phone at Kaivokatu
    return technician, order


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            await browser.close()


async def save(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def test_the_page_follows_the_technician_then_takes_the_rating(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    technician, order = await helsinki_job(api, sessions, helsinki_graph)
    async with transaction(sessions) as session:  # what the driver looks out for
        van = {"make": "Ford", "model": "Transit", "color": "white", "plate": "ABC-1"}
        await session.execute(update(Technician).where(Technician.id == technician.id).values(vehicle=van))
        promise = datetime.now(UTC) + timedelta(minutes=30)  # a promise with room, as the calibration makes them
        await session.execute(update(Order).where(Order.id == UUID(order["id"])).values(promised_arrival_at=promise))
    await report(page_server, technician, order["id"], "en_route")
    await post_location(page_server, technician, KAISANIEMENKATU, 45)
    url = f"http://{page_server}/t/{token_of(order)}"
    watched = Watched()
    async with chromium() as browser:
        phone = await watched.open(browser, url, PHONE)

        # Live: the technician on the roads around the car, with his route and ETA; then he moves.
        await shown(phone, "window.trustloop.state.live && !!window.trustloop.state.layers.route")
        first = await shown(phone, "window.trustloop.state.position")
        assert (first["lat"], first["lon"]) == (KAISANIEMENKATU.lat, KAISANIEMENKATU.lon)
        assert await phone.locator("#headline").inner_text() == "Tech is on the way"
        assert (await phone.locator("#eta").inner_text()).startswith("Arrives in about")
        assert await phone.locator("#plate").inner_text() == "ABC-1"
        assert await phone.locator("#vehicle").inner_text() == "Drives a white Ford Transit"
        assert re.search(r"\d\u00a0min", await phone.locator("#eta").inner_text())  # "7 min" kept on one line
        # The minutes are what the driver counts from his phone's clock to the time beside them, even with the
        # phone's clock late in its minute (59.999 s), where the minutes left would round to one fewer.
        told, now_ms, arrival = await phone.evaluate(WITH_THE_PHONE_LATE_IN_ITS_MINUTE)
        counted = re.search(r"about (\d+)\u00a0min, around (\d\d):(\d\d)", told)
        assert counted is not None, told
        phone_clock = datetime.fromtimestamp(now_ms / 1000, ZoneInfo("Europe/Helsinki"))
        around = int(counted[2]) * 60 + int(counted[3])
        assert int(counted[1]) == max(1, (around - (phone_clock.hour * 60 + phone_clock.minute)) % 1440)
        assert f"{counted[2]}:{counted[3]}" == shown_clock(datetime.fromisoformat(arrival), "Europe/Helsinki")
        # The promise the assigned push made stays in view beside the estimate, while the estimate keeps it.
        promised = shown_clock(promise, "Europe/Helsinki")
        assert (await phone.locator("#eta").inner_text()).endswith(f" · by {promised} at the latest")
        # As the estimate moves by seconds just before the promise (where a short drive's starts), the promise
        # stays in view: it does not come and go.
        for ahead_ms in (90_000, 30_000, 1_000, 0):
            line = await phone.evaluate(WITH_THE_ESTIMATE_BEFORE_THE_PROMISE, ahead_ms)
            assert line.endswith(f" · by {promised} at the latest"), (ahead_ms, line)
        wedge = "(e => ({hidden: e.hidden, rotate: e.style.rotate}))(document.querySelector('.van-heading'))"
        assert (await phone.evaluate(wedge))["hidden"]  # his phone gave no heading: no way shown
        heading = round(bearing_deg(KAISANIEMENKATU, CLOSER), 1)
        await post_location(page_server, technician, CLOSER, 20, heading=heading, speed_mps=8.0)
        moved = await shown(
            phone,
            f"window.trustloop.state.position && window.trustloop.state.position.lat === {CLOSER.lat} && window.trustloop.state.position",
        )
        assert (moved["lat"], moved["lon"]) == (CLOSER.lat, CLOSER.lon)
        assert await phone.evaluate(wedge) == {"hidden": False, "rotate": f"{heading:g}deg"}  # the way he drives
        # The route drawn starts at the van, the road behind him cut off, until he leaves it.
        drawn = await phone.evaluate("window.trustloop.state.layers.route.getLatLngs().map(p => [p.lat, p.lng])")
        assert haversine_m(Point(lat=drawn[0][0], lon=drawn[0][1]), CLOSER) < 25  # the route began 132 m back
        street = [[60.17, 24.94], [60.17, 24.95], [60.18, 24.95]]  # 555 m east, then 1.1 km north
        assert await phone.evaluate(f"aheadOf({{lat: 60.1701, lon: 24.945}}, {street})") == [
            pytest.approx([60.17, 24.945]),
            *street[1:],
        ]
        assert await phone.evaluate(f"aheadOf({{lat: 60.175, lon: 24.9501}}, {street})") == [
            pytest.approx([60.175, 24.95]),
            street[2],
        ]
        assert await phone.evaluate(f"aheadOf({{lat: 60.172, lon: 24.945}}, {street})") == street  # 220 m off it
        await save(phone, "tracking-phone-live")

        # The estimate has slipped past the promise: the driver was told by push, and the page says why its time
        # is later than the one he was given.
        broken = datetime.now(UTC) - timedelta(minutes=5)
        async with transaction(sessions) as session:
            await session.execute(update(Order).where(Order.id == UUID(order["id"])).values(promised_arrival_at=broken))
        told = await watched.open(browser, url, PHONE)
        await shown(told, "window.trustloop.state.tracking && window.trustloop.state.tracking.eta")
        late, broken_clock = await told.locator("#eta").inner_text(), shown_clock(broken, "Europe/Helsinki")
        assert late.endswith(f". Later than the {broken_clock} we promised: we're sorry."), late
        assert " at the latest" not in late
        await save(told, "tracking-phone-late")
        await told.close()
        async with transaction(sessions) as session:
            kept = update(Order).where(Order.id == UUID(order["id"])).values(promised_arrival_at=promise)
            await session.execute(kept)
        desktop = await watched.open(browser, url, DESKTOP)
        await shown(desktop, "!!window.trustloop.state.layers.technician && !!window.trustloop.state.layers.route")
        await save(desktop, "tracking-desktop-live")
        # The roads are drawn thinner from afar (a village is not a white tangle) and wider close in.
        afar, close_in = await road_widths_at(desktop, 13), await road_widths_at(desktop, 17)
        assert len(afar) >= 8
        assert close_in == pytest.approx([4 * width for width in afar])
        await desktop.close()

        # A phone set to Russian reads the page in Russian; the link's ?lang= wins over the phone's language.
        russian = await watched.open(browser, url, PHONE, locale="ru-RU")
        await shown(russian, "!!window.trustloop.state.layers.technician && !!window.trustloop.state.layers.route")
        assert await russian.locator("#headline").inner_text() == "Tech в пути"
        assert (await russian.locator("#eta").inner_text()).startswith("Приедет примерно через")
        assert await russian.locator("#service").inner_text() == "Эвакуация"
        assert await russian.locator("#vehicle").inner_text() == "Машина: белый Ford Transit"  # as the pushes
        assert await russian.evaluate("document.documentElement.lang") == "ru"
        await save(russian, "tracking-phone-live-ru")
        await russian.goto(url + "?lang=en")
        await shown(russian, "window.trustloop.state.tracking")
        assert await russian.locator("#headline").inner_text() == "Tech is on the way"
        await russian.goto(url + "?lang=constructor")  # no language of ours: the phone's
        await shown(russian, "window.trustloop.state.tracking")
        assert await russian.locator("#headline").inner_text() == "Tech в пути"
        assert await russian.title() == "Tech в пути · Trustloop"
        assert await russian.locator(".leaflet-control-zoom-in").get_attribute("title") == "Приблизить"

        # Liechtenstein speaks German: a phone set to it reads the page in German ("Sie", no gendered nouns).
        german = await watched.open(browser, url, PHONE, locale="de-LI")
        await shown(german, "!!window.trustloop.state.layers.technician && !!window.trustloop.state.layers.route")
        assert await german.locator("#headline").inner_text() == "Tech ist unterwegs"
        german_here = await german.locator("#eta").inner_text()
        assert re.match(
            r"Ankunft in etwa \d+\u00a0Min\., gegen \d\d:\d\d\u00a0Uhr( · spätestens \d\d:\d\d\u00a0Uhr)?$", german_here
        ), german_here
        assert await german.locator("#service").inner_text() == "Abschleppen"
        assert await german.locator("#vehicle").inner_text() == "Fahrzeug: Ford Transit, weiss"  # as the pushes
        assert await german.evaluate("document.documentElement.lang") == "de"
        assert await german.locator(".leaflet-control-zoom-in").get_attribute("title") == "Vergrössern"
        await save(german, "tracking-phone-live-de")
        await german.close()

        # Times are the car's clock, as in the pushes: a relative following the link from New York is told so;
        # one in Riga, whose clocks read as Helsinki's under another zone's name, is not.
        here, far, neighbour = (
            await watched.open(browser, url, PHONE),
            await watched.open(browser, url, PHONE, timezone="America/New_York"),
            await watched.open(browser, url, PHONE, timezone="Europe/Riga"),
        )
        for viewer in (here, far, neighbour):
            await shown(viewer, "window.trustloop.state.tracking && window.trustloop.state.tracking.eta")
        arrival = datetime.fromisoformat(await here.evaluate("window.trustloop.state.tracking.eta.arrival_at"))
        car_clock = shown_clock(arrival, "Europe/Helsinki")
        here_eta, far_eta = await here.locator("#eta").inner_text(), await far.locator("#eta").inner_text()
        assert (clock_in(here_eta), zone_in(here_eta)) == (car_clock, None), here_eta  # the viewer's own: unnamed
        neighbour_eta = await neighbour.locator("#eta").inner_text()
        assert (clock_in(neighbour_eta), zone_in(neighbour_eta)) == (car_clock, None), neighbour_eta
        await neighbour.close()
        assert clock_in(far_eta) == car_clock, far_eta
        assert zone_in(far_eta) == "EET", far_eta  # Helsinki's, as a British phone names it in winter and summer
        assert far_eta.count("EET") == 1, far_eta  # named once: the promise beside it is on the same clock
        await save(far, "tracking-phone-live-far")
        await here.close()
        await far.close()
        # An American phone has no abbreviation for it and would say "GMT+2": it is told the place's time instead.
        american = await watched.open(browser, url, PHONE, locale="en-US", timezone="America/New_York")
        await shown(american, "window.trustloop.state.tracking && window.trustloop.state.tracking.eta")
        american_eta = await american.locator("#eta").inner_text()
        assert (clock_in(american_eta), zone_in(american_eta)) == (car_clock, "Finland Time"), american_eta
        await american.close()
        # In German a named zone stands for "Uhr": "gegen 21:21 OEZ", never "OEZ Uhr"; named once, the promise
        # beside it on the same clock takes "Uhr".
        far_german = await watched.open(browser, url, PHONE, locale="de-LI", timezone="America/New_York")
        await shown(far_german, "window.trustloop.state.tracking && window.trustloop.state.tracking.eta")
        german_eta = await far_german.locator("#eta").inner_text()
        assert re.search(r"gegen \d\d:\d\d [A-Z][A-Z+\d]+ · spätestens \d\d:\d\d\u00a0Uhr$", german_eta), german_eta
        await far_german.close()

        # Arrived: the position goes; after the job, the outcome and the form; the rating lands once.
        for status in ("arrived", "in_progress"):
            assert (await api.status(order["id"], technician, status)).status_code == 200
        await shown(
            phone, "window.trustloop.state.tracking.status === 'in_progress' && !window.trustloop.state.position"
        )
        assert (await api.status(order["id"], technician, "completed", resolution="fixed_on_site")).status_code == 200
        await phone.locator("#rating-form").wait_for(state="visible")
        assert await phone.locator("#headline").inner_text() == "Job done"
        note = await phone.locator("#note").inner_text()
        assert re.search(r"until \d{1,2} [A-Z][a-z]{2} \d{4}", note), note  # a British phone: "5 Dec 2026"
        assert await phone.locator("#map-wrap").is_hidden()
        await save(phone, "tracking-phone-rating")
        desktop = await watched.open(browser, url, DESKTOP)
        await desktop.locator("#rating-form").wait_for(state="visible")
        await save(desktop, "tracking-desktop-rating")
        await desktop.close()
        await russian.locator("#rating-form").wait_for(state="visible")
        assert await russian.locator("#headline").inner_text() == "Готово"
        assert await russian.locator("#detail").inner_text() == "Машину починили на месте."
        # A winch-out or a lockout done is not "fixed"; the service is named as its pushes name it.
        done = "({status: 'completed', resolution: 'fixed_on_site', service: '%s', technician: null})"
        assert await russian.evaluate(f"headline({done % 'winch'})[1]") == "Машину вытащили."
        assert await phone.evaluate(f"headline({done % 'lockout'})[1]") == "Your car was opened."
        assert await phone.evaluate(f"headline({done % 'jump_start'})[1]") == "Fixed on the spot."
        assert await phone.evaluate("text.services.winch") == "Winch-out"
        assert await russian.locator("#rating-submit").inner_text() == "Отправить оценку"
        # Sent without the one answer needed: the page says so in its own language, not the browser's bubble.
        await russian.click("#rating-submit")
        assert (
            await russian.locator("#rating-error").inner_text()
            == "Пожалуйста, выберите, насколько вы довольны (от 1 до 5)."
        )
        assert await russian.evaluate("document.activeElement.name") == "csat"
        await save(russian, "tracking-phone-rating-ru")
        await russian.locator("input[name=csat][value='4'] + span").click()  # answered: the request goes
        assert await russian.locator("#rating-error").inner_text() == ""
        await russian.close()
        for name, value in (("csat", 5), ("nps", 9), ("ces", 6)):
            await phone.locator(f"input[name={name}][value='{value}'] + span").click()
        await phone.fill("#comment", "Quick and friendly, thank you")
        await phone.click("#rating-submit")
        await phone.locator("#thanks").wait_for(state="visible")
        assert await phone.locator("#call-back").is_hidden()  # a happy driver is not promised a call
        await save(phone, "tracking-phone-thanks")

    operator = await api.operator()
    kpis = (await api.client.get("/v1/ops/kpis", headers=operator.headers)).json()
    assert (kpis["csat"], kpis["nps"], kpis["ces"], kpis["feedback_rate"]) == (1.0, 100.0, 6.0, 1.0)
    assert watched.refused == []
    assert watched.errors == []


async def test_a_failed_job_tells_the_driver_the_call_that_comes_next_in_her_language(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    technician, order = await helsinki_job(api, sessions, helsinki_graph)
    for status in ("en_route", "arrived", "in_progress"):
        assert (await api.status(order["id"], technician, status)).status_code == 200
    assert (await api.status(order["id"], technician, "failed", resolution="not_fixed")).status_code == 200
    url = f"http://{page_server}/t/{token_of(order)}"
    watched = Watched()
    async with chromium() as browser:
        for locale, call in (
            ("en-GB", "We'll call you within a few minutes to arrange another tow."),
            ("ru-RU", "Мы позвоним вам в ближайшие минуты и договоримся о новой эвакуации."),  # noqa: RUF001
            ("de-LI", "Wir rufen Sie in wenigen Minuten an und organisieren einen anderen Abschleppwagen."),
        ):
            page = await watched.open(browser, url, PHONE, locale=locale)
            await page.locator("#rating-form").wait_for(state="visible")
            assert (await page.locator("#detail").inner_text()).endswith(call)  # as the failed push says
            await page.close()
    assert watched.errors == []


async def test_a_technician_held_up_is_told_on_the_page_as_the_push_told_it(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    technician, order = await helsinki_job(api, sessions, helsinki_graph)
    await report(page_server, technician, order["id"], "en_route")
    async with transaction(sessions) as session:  # the escalation's third step: the driver has been told
        live = await tracking_for_update(session, UUID(order["id"]))
        live.trouble, live.trouble_since, live.trouble_step = "stalled", datetime.now(UTC), 3
    url = f"http://{page_server}/t/{token_of(order)}"
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, url, PHONE, locale="de-LI")
        await shown(page, "window.trustloop.state.tracking && window.trustloop.state.tracking.held_up")
        assert await page.locator("#eta").inner_text() == (
            "Seit einer Weile kommt das Fahrzeug nicht näher. Wir prüfen das und schicken eventuell andere Hilfe."
        )  # the held_up push's words, no arrival time
        await save(page, "tracking-phone-held-up-de")
    assert watched.errors == []


async def test_a_request_nobody_took_promises_the_call_the_push_promised(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    order = await api.order(await api.driver(), at=KAISANIEMENKATU)
    created = datetime.fromisoformat(order["created_at"])
    assert (await run_round(app, created + timedelta(seconds=TEST_CONFIG.unfulfilled_after_s))).unfulfilled == 1
    url = f"http://{page_server}/t/{token_of(order)}"
    watched = Watched()
    async with chromium() as browser:
        for locale, call in (
            ("en-GB", "An operator will call you within minutes, or you can ask for help again."),
            ("ru-RU", "Оператор позвонит вам в ближайшие минуты. Помощь можно вызвать снова."),
            ("de-LI", "Wir rufen Sie in wenigen Minuten an, oder Sie fordern erneut Hilfe an."),
        ):
            page = await watched.open(browser, url, PHONE, locale=locale)
            await shown(
                page, "window.trustloop.state.tracking && window.trustloop.state.tracking.status === 'unfulfilled'"
            )
            assert (await page.locator("#detail").inner_text()).endswith(call)  # as the unfulfilled push says
            assert await page.locator("#technician").is_hidden()  # nobody is coming: no empty card
            await page.close()
    assert watched.errors == []


async def test_a_pin_no_road_leads_to_is_said_while_the_search_goes_on(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path,
    osrm: OsrmClient,
) -> None:  # fmt: skip
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    await api.technician(at=KAIVOKATU, name="Near")
    order = await api.order(await api.driver(), at=ERROTTAJANKATU)
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE)
        await shown(page, "window.trustloop.state.live")
        assert await page.locator("#headline").inner_text() == "Finding a technician"
        await run_round(app)  # technicians near, and no road from any of them to the pin: not said in the first minute
        await run_round(app, datetime.now(UTC) + timedelta(seconds=NO_ROAD_SAID_AFTER_S + 1))
        await shown(page, "window.trustloop.state.tracking.search === 'no_road'")
        assert await page.locator("#headline").inner_text() == "No road to your pin yet"
        said = await page.locator("#detail").inner_text()
        assert said.endswith("if nobody can reach you, an operator will call."), said  # as the push says it
        # The map shows the pin no road was found to, among the roads around it.
        await page.locator("#map-wrap").wait_for(state="visible")
        await shown(page, "!!window.trustloop.state.layers.car")
        pin = await page.evaluate("window.trustloop.state.layers.car.getLatLng()")
        assert (pin["lat"], pin["lng"]) == pytest.approx((ERROTTAJANKATU.lat, ERROTTAJANKATU.lon), abs=1e-6)
        in_view = "window.trustloop.state.map.getBounds().contains(window.trustloop.state.layers.car.getLatLng())"
        assert await page.evaluate(in_view)
        await save(page, "tracking-phone-no-road")
        await page.close()
        # Opened after the round, the page knows it from its first read, not only from the next round's message.
        page = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE)
        await shown(page, "window.trustloop.state.tracking && window.trustloop.state.tracking.search === 'no_road'")
        assert await page.locator("#headline").inner_text() == "No road to your pin yet"
        await shown(page, "!!window.trustloop.state.layers.car")
    assert watched.errors == []


async def test_a_page_opened_while_searching_shows_who_comes_when_and_where_once_the_job_is_given(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    async with transaction(sessions) as session:
        await record_region(session, "helsinki", service_area(HELSINKI_PBF), helsinki_graph)
    technician = await api.technician(at=KAIVOKATU, name="Aino Lehto", display_name="Aino")
    order = await api.order(await api.driver(), at=MIKONKATU)
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE)
        await shown(page, "window.trustloop.state.live && window.trustloop.state.tracking.status === 'searching'")
        assert await page.locator("#map-wrap").is_hidden()
        # The job is given; her phone sends nothing new: the page shows her, the car and the time all the same.
        assert (await api.assign(order["id"], technician)).status_code == 200
        await shown(
            page, "window.trustloop.state.tracking.status === 'assigned' && window.trustloop.state.tracking.eta"
        )
        assert (await page.locator("#eta").inner_text()).startswith("Arrives in about")
        await shown(page, "!!window.trustloop.state.layers.technician && !!window.trustloop.state.layers.car")
        car = await page.evaluate("window.trustloop.state.layers.car.getLatLng()")
        assert (car["lat"], car["lng"]) == pytest.approx((MIKONKATU.lat, MIKONKATU.lon), abs=1e-6)
        her = await page.evaluate("window.trustloop.state.layers.technician.getLatLng()")
        assert (her["lat"], her["lng"]) == pytest.approx((KAIVOKATU.lat, KAIVOKATU.lon), abs=1e-6)
        in_view = "window.trustloop.state.map.getBounds().contains(window.trustloop.state.layers.{}.getLatLng())"
        assert await page.evaluate(in_view.format("car"))
        assert await page.evaluate(in_view.format("technician"))
        await save(page, "tracking-phone-assigned-no-fix-yet")
        # A route that ends short of the car, on the nearest road joined to the rest: the rest is drawn on foot.
        on_foot = await page.evaluate(
            """(car) => {
              const { state } = window.trustloop;
              const van = state.position;
              const end = [car.lon, car.lat + 300 / 111320];  // 300 m north of the car
              state.tracking.route = { geometry: { coordinates: [[van.lon, van.lat], end] } };
              drawLive();
              const drawn = state.layers.onFoot ? state.layers.onFoot.getLatLngs().map((p) => [p.lat, p.lng]) : null;
              state.tracking.route = null;
              drawLive();
              return [drawn, !!state.layers.onFoot];
            }""",
            {"lat": MIKONKATU.lat, "lon": MIKONKATU.lon},
        )
        drawn, left = on_foot
        assert drawn is not None
        assert drawn[1] == pytest.approx([MIKONKATU.lat, MIKONKATU.lon])
        assert haversine_m(Point(lat=drawn[0][0], lon=drawn[0][1]), MIKONKATU) == pytest.approx(300, abs=2)
        assert not left  # no route, nothing on foot
        # Her phone stays silent past the time shown: the page no longer counts "about 1 min" down from it.
        arrival = datetime.fromisoformat(await page.evaluate("window.trustloop.state.tracking.eta.arrival_at"))
        due = shown_clock(arrival, "Europe/Helsinki")
        assert (await page.evaluate(WITH_THE_ESTIMATE_PASSED, -1)).startswith(
            f"Arrives in about 1\u00a0min, around {due}"
        )
        assert (
            await page.evaluate(WITH_THE_ESTIMATE_PASSED, 0) == f"Due around {due}. We're checking where they are now."
        )
        # Minutes on, past the promise as well: the page says so, though the estimate was made before it passed.
        promised_at = datetime.fromisoformat(await page.evaluate("window.trustloop.state.tracking.eta.promised_at"))
        past_ms = (promised_at - arrival).total_seconds() * 1000 + 150_000
        promised = shown_clock(promised_at, "Europe/Helsinki")
        assert await page.evaluate(WITH_THE_ESTIMATE_PASSED, past_ms) == (
            f"Due around {due}. We're checking where they are now. Later than the {promised} we promised: we're sorry."
        )
    assert watched.errors == []


async def test_a_low_rating_on_the_page_says_by_when_someone_will_call(api: Api, page_server: str) -> None:
    _, _, order = await finished_job(api)
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE, locale="ru-RU")
        await page.locator("#rating-form").wait_for(state="visible")
        await page.locator("input[name=csat][value='1'] + span").click()
        await page.click("#rating-submit")
        await page.locator("#call-back").wait_for(state="visible")
        said = await page.locator("#call-back").inner_text()
        assert re.fullmatch(r"Жаль, что не всё прошло хорошо\. Наш сотрудник позвонит вам до \d\d:\d\d\.", said), said
        await save(page, "tracking-phone-call-back-ru")
        await page.reload()  # opened again, the page still says it
        await shown(page, "window.trustloop.state.tracking && window.trustloop.state.tracking.rated")
        assert await page.locator("#call-back").inner_text() == said
        # In German the time is told with "Uhr", or with the zone's name where the phone keeps another zone's clock.
        for timezone, told in (("Europe/Helsinki", r"\d\d:\d\d\u00a0Uhr"), ("UTC", r"\d\d:\d\d\s[A-Z][A-Za-z0-9+]+")):
            german = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE, "de-DE", timezone)
            await german.locator("#call-back").wait_for(state="visible")
            said_in_german = await german.locator("#call-back").inner_text()
            expected = rf"Es tut uns leid, dass es nicht besser lief\. Wir rufen Sie bis {told} an\."
            assert re.fullmatch(expected, said_in_german), said_in_german
            await german.close()
        operator = await api.operator()
        cases = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"]
        assert [case["order_id"] for case in cases] == [order["id"]]  # the call the page promised is in the queue
        case = f"/v1/ops/followups/{cases[0]['id']}"
        assert (await api.client.post(f"{case}/take", headers=operator.headers)).status_code == 200
        called = await api.client.post(f"{case}/contacts", json={"outcome": "reached"}, headers=operator.headers)
        assert called.status_code == 201, called.text
        await page.reload()  # called: no promise of a call any more
        await shown(page, "window.trustloop.state.tracking && window.trustloop.state.tracking.rated")
        assert await page.locator("#call-back").is_hidden()
    assert watched.errors == []


async def test_a_job_called_off_says_why_as_the_push_did_and_shows_nobody_coming(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    technician, order = await helsinki_job(api, sessions, helsinki_graph)
    await report(page_server, technician, order["id"], "en_route")
    url = f"http://{page_server}/t/{token_of(order)}"
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, url, PHONE, locale="ru-RU")
        await page.locator("#technician").wait_for(state="visible")
        operator = await api.operator()
        cancelled = await api.client.post(
            f"/v1/orders/{order['id']}/cancel",
            json={"cause": "unsafe", "reason": "Smoke seen"},
            headers=operator.headers,
        )
        assert cancelled.status_code == 200, cancelled.text
        # Live, as it happens: the cause in her language, the card of the technician who is not coming gone.
        await shown(page, "window.trustloop.state.tracking.status === 'cancelled'")
        assert await page.locator("#detail").inner_text() == (
            "Отправлять туда мастера небезопасно. Если вам угрожает опасность, звоните 112. К вам никто не едет."  # noqa: RUF001
        )
        assert await page.locator("#technician").is_hidden()
        await page.close()
        # And opened afterwards, from the snapshot.
        page = await watched.open(browser, url, PHONE, locale="en-GB")
        await shown(page, "window.trustloop.state.tracking && window.trustloop.state.tracking.status === 'cancelled'")
        assert await page.locator("#detail").inner_text() == (
            "It isn't safe to send a technician there. If you are in danger, call 112. Nobody is on the way."
        )
        assert "Smoke" not in await page.content()
        assert await page.locator("#technician").is_hidden()
    assert watched.errors == []


async def test_a_job_handed_on_frames_the_drivers_map_on_the_new_technician(
    api: Api, sessions: async_sessionmaker[AsyncSession], page_server: str, helsinki_graph: Path
) -> None:
    technician, order = await helsinki_job(api, sessions, helsinki_graph)
    await report(page_server, technician, order["id"], "en_route")
    await post_location(page_server, technician, KAISANIEMENKATU, 45)
    async with transaction(sessions) as session:  # he stood still: the driver was told help may be sent
        live = await tracking_for_update(session, UUID(order["id"]))
        live.trouble, live.trouble_since, live.trouble_step = "stalled", datetime.now(UTC), 3
    far = KAIVOKATU  # 390 m west of the car: out of the first view on a phone
    in_view = f"window.trustloop.state.map.getBounds().contains([{far.lat}, {far.lon}])"
    watched = Watched()
    async with chromium() as browser:
        page = await watched.open(browser, f"http://{page_server}/t/{token_of(order)}", PHONE)
        await shown(page, "!!window.trustloop.state.layers.technician && window.trustloop.state.fitted")
        assert not await page.evaluate(in_view)
        assert await page.evaluate("window.trustloop.state.tracking.held_up") == "stalled"

        greta = await api.technician(at=None, name="Greta Lind", display_name="Greta L.")
        assert (await api.assign(order["id"], greta)).status_code == 200  # the first one broke down
        await post_location(page_server, greta, far, 5)
        await report(page_server, greta, order["id"], "en_route")
        await shown(page, "window.trustloop.state.tracking?.technician?.name === 'Greta L.'")
        await shown(page, f"window.trustloop.state.fitted && {in_view}")
        label = "window.trustloop.state.layers.technician?.getTooltip().getContent()"
        assert await shown(page, label) == "Greta L."
        assert await page.evaluate("window.trustloop.state.tracking.held_up") is None  # that was the other one
        assert (await page.locator("#eta").inner_text()).startswith("Arrives in about")
        await save(page, "tracking-phone-handed-on")
    assert watched.errors == []
