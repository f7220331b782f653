"""The demo's simulated people, acting only through the public API as the apps would.

Technicians keep their phones reporting, accept offers after a moment's thought, drive the OSRM route to
the driver as the past jobs were driven (OSRM's pace, the hour's traffic, the road, their own pace), fix the
car and close the job. Each has a hidden class (tools/study/world.py: manner, pace, fix rate, how he answers
offers), the same world the dispatch study simulates. Drivers break down at random places on the region's roads and rate the job
afterwards from what happened: the technician's manner, lateness against the promise, the fix.
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from shapely.geometry.base import BaseGeometry

from app import clock
from app.config import Settings
from app.geo import Point, bearing_deg, haversine_m
from app.routing.osrm import OsrmClient
from app.routing.regional import routing_for
from app.sla.rules import SlaPolicy
from feedback.kpis import FINISHED
from tools.people import driver_name, mobile_number
from tools.seed import road_point, served_areas
from tools.study import world
from tools.study.world import Profile

log = logging.getLogger("trustloop.simulate")

TICK_S = 2.0
WORK_TICKS = 45  # about a minute and a half at the car (shorter than life, to keep the demo moving)
HAPPY = (
    "Quick and friendly, thank you!",
    "Приехал быстро, всё починил, спасибо!",
    "Great job, car started first try",
    "Мастер молодец, вежливый и аккуратный",
)
MIXED = ("Fixed it, but the price was higher than I expected", "Сделали, но пришлось долго объяснять, где я стою", "ok")
LATE = (
    "Waited over an hour on the shoulder, nobody told me why",
    "Ждал больше часа, никто не позвонил",
    "The app said 15 min, it took 50",
)
RUDE = (
    "The technician was rude and scratched my bumper",
    "Мастер нагрубил и поцарапал бампер",
    "Rude guy, barely said a word and left",
)
# The languages people's phones read their pushes in, taken in turn, by region (Liechtenstein speaks German).
PHONE_LANGUAGES = {"liechtenstein": ("de", "de", "en"), "helsinki": ("en", "ru", "en")}


@dataclass
class SimTechnician:
    id: str
    name: str
    token: str
    position: Point
    profile: Profile
    path: list[Point] = field(default_factory=list)
    speed_mps: float = 13.0  # the pace OSRM assumes on the current route
    slowdown: float = 1.0  # the current drive's traffic, road and luck (world.slowdown), times his own pace
    heading: float | None = None  # which way he drove in the last tick; None while he stands
    order_id: str | None = None
    stage: str = "idle"
    work_left: int = 0


@dataclass
class SimDriver:
    token: str
    order_id: str


class Simulation:
    def __init__(
        self, base_url: str, osrm: OsrmClient, regions: str | list[str], rng: random.Random, order_every_s: float,
        levels: SlaPolicy, speed_up: float = 1.0, work_ticks: int = WORK_TICKS,
    ) -> None:  # fmt: skip
        self._api = httpx.AsyncClient(base_url=base_url, timeout=10)
        self._osrm = osrm
        self._regions = [regions] if isinstance(regions, str) else regions
        self._areas: dict[str, BaseGeometry] = {}
        self._rng = rng
        self._order_every_s = order_every_s
        self._technicians: list[SimTechnician] = []
        self._drivers: list[SimDriver] = []
        self._operator = ""
        self._levels = levels
        self._speed_up = speed_up  # tests only: the demo drives in real time
        self._tick_s = TICK_S  # how long the last tick took
        self._work_ticks = work_ticks
        self._first_driver = time.time_ns() // 1_000_000_000 % 10_000 * 1_000  # this run's block of numbers

    async def aclose(self) -> None:
        await self._api.aclose()

    async def _post(self, path: str, token: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self._api.post(path, json=body or {}, headers={"Authorization": f"Bearer {token}"})

    async def _get(self, path: str, token: str) -> httpx.Response:
        return await self._api.get(path, headers={"Authorization": f"Bearer {token}"})

    async def start(self) -> None:
        served = await served_areas(self._api)
        self._areas = {region: served[region] for region in self._regions}
        self._operator = (await self._api.post("/v1/dev/tokens", json={"role": "operator"})).json()["token"]
        fleet = (await self._get("/v1/ops/technicians?limit=200", self._operator)).json()["items"]
        for profile, hidden in zip(fleet, world.fleet(len(fleet)), strict=True):
            token = (
                await self._api.post("/v1/dev/tokens", json={"role": "technician", "technician_id": profile["id"]})
            ).json()["token"]
            await self._api.put("/v1/technicians/me/availability", json={"online": True},
                                headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            centre = self._areas.get(profile.get("region") or "", next(iter(self._areas.values()))).centroid
            spot = profile["position"] or {"lat": centre.y, "lon": centre.x}
            await self._register_phone(
                token, f"sim-technician-{profile['id']}", profile.get("region"), len(self._technicians)
            )
            self._technicians.append(SimTechnician(profile["id"], profile["name"], token, Point(**spot), hidden))
        log.info("simulating %d technicians", len(self._technicians))

    async def _register_phone(self, token: str, push_token: str, region: str | None, n: int) -> None:
        """Everyone has the app, its pushes in a language of the region (chosen in turn, not drawn at random)."""
        languages = PHONE_LANGUAGES.get(region or "", ("en",))
        phone = {"token": push_token, "platform": "android", "locale": languages[n % len(languages)]}
        registered = await self._post("/v1/devices", token, phone)
        if registered.status_code not in (200, 201):
            log.warning("a simulated phone was not registered: %s", registered.status_code)

    async def run(self, stop: asyncio.Event) -> None:
        next_order = 0.0
        elapsed = 0.0
        started = time.monotonic()
        while not stop.is_set():
            if elapsed >= next_order:
                await self._new_order()
                next_order = elapsed + self._rng.expovariate(1 / self._order_every_s)
            for technician in self._technicians:
                await self._step(technician)
            await self._rate_finished()
            # A tick every TICK_S of the clock, however long its requests took: the vans drove a tick's distance
            # per tick, and slept a whole TICK_S after the requests, so they drove a third slower than they should.
            try:
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, started + elapsed + TICK_S - time.monotonic()))
            except TimeoutError:
                now = time.monotonic() - started
                self._tick_s, elapsed = now - elapsed, now

    async def _new_order(self) -> None:
        # Drivers break down in every region (one region alone draws nothing for the choice).
        region = self._regions[0] if len(self._regions) == 1 else self._rng.choice(self._regions)
        where = await road_point(self._osrm, self._rng, self._areas[region])
        n = len(self._drivers) + 1
        number = self._first_driver + n
        person = {"role": "driver", "name": driver_name(region, number), "phone": mobile_number(region, number)}
        token = (await self._api.post("/v1/dev/tokens", json=person)).json()["token"]
        await self._register_phone(token, f"sim-driver-{n}", region, n)
        service = self._rng.choice(["tow", "jump_start", "tyre_change", "fuel_delivery", "lockout", "winch"])
        # Where a driver would say he is: the road he broke down on, as the map names it (no name: he gives none).
        body = {"service": service, "location": where.model_dump(), "address": await self._osrm.street_name(where)}
        response = await self._post("/v1/orders", token, body)
        if response.status_code == 201:
            self._drivers.append(SimDriver(token, response.json()["id"]))
            log.debug("a driver asks for %s", service)

    async def _current_job(self, t: SimTechnician) -> str | None:
        """The job his app shows him now: one he accepted, or one an operator or a re-dispatch gave him."""
        me = await self._get("/v1/technicians/me", t.token)
        return me.json().get("current_order_id") if me.status_code == 200 else None

    async def _order_status(self, t: SimTechnician) -> str | None:
        response = await self._get(f"/v1/orders/{t.order_id}", t.token)
        return str(response.json()["status"]) if response.status_code == 200 else None

    async def _step(self, t: SimTechnician) -> None:
        if t.stage in ("driving", "working") and await self._current_job(t) != t.order_id:
            t.stage, t.order_id, t.path = "idle", None, []  # taken off the job: he stops where he is
        if t.stage == "idle":
            offers = (await self._get("/v1/technicians/me/offers", t.token)).json()["items"]
            given = None if offers else await self._current_job(t)
            draw = self._rng.random()
            if given is not None:  # an operator gave him a job (the job_assigned push): he goes
                t.order_id, t.stage = given, "assigned"
            elif offers and draw < t.profile.accepts:
                accepted = await self._post(f"/v1/offers/{offers[0]['id']}/accept", t.token)
                if accepted.status_code == 200:
                    t.order_id, t.stage = offers[0]["order_id"], "assigned"
            elif offers and draw < t.profile.accepts + t.profile.declines:
                await self._post(f"/v1/offers/{offers[0]['id']}/decline", t.token, {"reason": "busy"})
        elif t.stage == "assigned":
            response = await self._get(f"/v1/orders/{t.order_id}", t.token)
            if response.status_code != 200:  # an operator gave the job to someone else, or it was cancelled
                t.stage, t.order_id, t.path = "idle", None, []
                await self._report_position(t)
                return
            order = response.json()
            route = await self._osrm.route(t.position, Point(**order["location"]))
            t.path = [Point(lat=lat, lon=lon) for lon, lat in route.geometry["coordinates"]] if route else []
            if route is not None and route.duration_s > 0:
                t.speed_mps = route.distance_m / route.duration_s
                # He drives as the past jobs the promises learn from were driven (tools/history.py): OSRM's pace
                # slowed or sped by the hour's traffic and the road, and his own.
                straight_m = haversine_m(t.position, Point(**order["location"]))
                hour = clock.now().hour
                t.slowdown = t.profile.pace * world.slowdown(route.duration_s, straight_m, hour, self._rng)
            await self._post(f"/v1/orders/{t.order_id}/status", t.token, {"status": "en_route"})
            t.stage = "driving"
        elif t.stage == "driving":
            self._advance(t)
            if not t.path:
                arrived = await self._post(f"/v1/orders/{t.order_id}/status", t.token, {"status": "arrived"})
                if arrived.status_code == 200 or await self._order_status(t) == "arrived":  # or seen there already
                    await self._post(f"/v1/orders/{t.order_id}/status", t.token, {"status": "in_progress"})
                    t.stage, t.work_left = "working", self._work_ticks
        elif t.stage == "working":
            t.work_left -= 1
            if t.work_left <= 0:
                fixed = self._rng.random() < t.profile.fixes
                body = {"status": "completed", "resolution": "fixed_on_site"} if fixed else {"status": "failed"}
                await self._post(f"/v1/orders/{t.order_id}/status", t.token, body)
                t.stage, t.order_id = "idle", None
        await self._report_position(t)

    def _advance(self, t: SimTechnician) -> None:
        budget = self._driven_mps(t) * self._speed_up * self._tick_s  # metres this tick
        # His phone says which way he drives as it does, from the last stretch he drove on.
        t.heading = bearing_deg(t.position, t.path[0]) if t.path else None
        while t.path and budget > 0:
            step = haversine_m(t.position, t.path[0])
            if step <= budget:
                budget -= step
                t.position = t.path.pop(0)
                if t.path:
                    t.heading = bearing_deg(t.position, t.path[0])
            else:
                fraction = budget / step
                t.position = Point(
                    lat=t.position.lat + (t.path[0].lat - t.position.lat) * fraction,
                    lon=t.position.lon + (t.path[0].lon - t.position.lon) * fraction,
                )
                budget = 0

    @staticmethod
    def _driven_mps(t: SimTechnician) -> float:
        return t.speed_mps / t.slowdown

    async def _report_position(self, t: SimTechnician) -> None:
        point: dict[str, Any] = {"lat": t.position.lat, "lon": t.position.lon, "recorded_at": clock.now().isoformat(),
                                 "accuracy_m": 8.0}  # fmt: skip
        if t.stage == "driving" and t.path and t.heading is not None:
            point |= {"heading": round(t.heading, 1), "speed_mps": round(self._driven_mps(t), 1)}
        else:
            t.heading = None
        await self._post("/v1/technicians/me/locations", t.token, {"points": [point]})

    def _tolerance_s(self, order: dict[str, Any]) -> float:
        return self._levels.arrival_tolerance(order["service"]).total_seconds()

    async def _rate_finished(self) -> None:
        for driver in list(self._drivers):
            order = (await self._get(f"/v1/orders/{driver.order_id}", driver.token)).json()
            if order["status"] in ("cancelled", "unfulfilled"):
                self._drivers.remove(driver)
            elif order["status"] in FINISHED:
                await self._post(f"/v1/orders/{driver.order_id}/feedback", driver.token, self._rating(order))
                self._drivers.remove(driver)

    def _rating(self, order: dict[str, Any]) -> dict[str, Any]:
        assigned = order["technician"] and next(
            (t for t in self._technicians if t.id == order["technician"]["id"]), None
        )
        profile = assigned.profile if assigned else world.CALIBRES[world.Calibre.AVERAGE]
        arrival = next((e for e in order["timeline"] if e["status"] == "arrived" and e.get("promised_at")), None)
        late_s = 0.0
        if arrival is not None:
            late_s = (
                datetime.fromisoformat(arrival["at"]) - datetime.fromisoformat(arrival["promised_at"])
            ).total_seconds()
        given = world.rating(profile, late_s, order["status"] == "completed", self._rng, self._tolerance_s(order))
        rating: dict[str, Any] = {"csat": given.csat, "nps": given.nps, "ces": given.ces, "tags": list(given.tags)}
        if self._rng.random() < 0.5:  # about half the drivers write a few words too
            rating["comment"] = self._comment(given, profile)
        return rating

    def _comment(self, given: world.Rating, profile: Profile) -> str:
        """Words from a driver's experience, in English or Russian; some say more than the stars do."""
        if profile.quality < 0.4 and self._rng.random() < 0.5:
            return self._rng.choice(RUDE)
        if "late" in given.tags:
            return self._rng.choice(LATE)
        return self._rng.choice(HAPPY if given.csat >= 4 else MIXED)


async def simulate(settings: Settings, stop: asyncio.Event, order_every_s: float = 60.0, seed: int = 11) -> None:
    osrm = await routing_for(settings)
    simulation = Simulation(
        f"http://{settings.host}:{settings.port}",
        osrm,
        settings.served_regions,
        random.Random(seed),
        order_every_s,
        SlaPolicy.from_settings(settings),
    )
    try:
        await simulation.start()
        await simulation.run(stop)
    finally:
        await simulation.aclose()
        await osrm.aclose()
