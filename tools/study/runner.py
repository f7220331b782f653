"""The dispatch study: the same seeded breakdowns served by each arm: the trust-weighted dispatcher and a
nearest-ETA baseline (the same solver with the trust and newcomer terms switched off), both promising
calibrated arrivals, and the trust-weighted dispatcher promising OSRM's estimate as it is.

Each run starts from an empty database and goes through the real API (in process, over ASGI), the real
dispatch round, PostGIS and OSRM, on a virtual clock: 30 days pass in minutes. Technicians answer offers,
drive (their hidden pace against OSRM's estimate), fix or fail, and drivers rate what happened.
Between their reports the technicians' phones are taken to keep reporting where they stand.
"""

import asyncio
import heapq
import logging
import multiprocessing
import random
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.config import Settings
from app.db import recreate_database, transaction, upgrade_schema
from app.enums import Service
from app.geo import Point
from app.regions.extract import service_area
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from app.technicians.models import Technician
from app.technicians.repository import set_last_position
from dispatch.cost import CostWeights
from dispatch.dispatcher import DispatchConfig, dispatch_round
from feedback import service as feedback
from feedback.kpis import OrderFacts
from tools.seed import road_point
from tools.study import world
from tools.study.world import Breakdown, Calibre, Profile
from trustloop.api import create_app

log = logging.getLogger("trustloop.study")

START = datetime(2026, 1, 5, tzinfo=UTC)
NEAREST_ETA = CostWeights(below_weight=0.0, above_weight=0.0, newcomer_bonus=0.0)


@dataclass(frozen=True, slots=True)
class Arm:
    weights: CostWeights
    calibrated: bool  # promises from the calibrated drive times, or OSRM's estimate as it is


POLICIES = {
    "nearest_eta": Arm(NEAREST_ETA, calibrated=True),
    "trust_weighted": Arm(CostWeights(), calibrated=True),
    "trust_weighted_raw_eta": Arm(CostWeights(), calibrated=False),
}
TICK = timedelta(seconds=15)
ANSWER_AFTER = timedelta(seconds=10)
GIVES_UP_AFTER_PROMISE = timedelta(minutes=20)
RATES = 0.85  # the share of drivers who rate the job


@dataclass(frozen=True, slots=True)
class StudyConfig:
    database_url: str
    osrm_url: str
    region: str
    extract: Path  # the region's OpenStreetMap extract: its area is where breakdowns happen
    days: int = 30
    per_day: float = 60.0
    fleet_size: int = 24
    seed: int = 7


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One order as the study's report needs it, read back from the database."""

    day: int
    calibre: Calibre | None
    facts: OrderFacts
    promised_eta_s: float | None


@dataclass
class _Member:
    id: UUID
    headers: dict[str, str]
    profile: Profile
    rng: random.Random
    pace: float
    dark: list[tuple[float, float]]

    def is_dark(self, at_s: float) -> bool:
        return any(start <= at_s < end for start, end in self.dark)


@dataclass
class _Job:
    order_id: str
    driver: dict[str, str]
    where: Point
    service: Service
    member: _Member | None = None
    promised_at: datetime | None = None
    late_s: float = 0.0


@dataclass(order=True)
class _Event:
    at: datetime
    seq: int
    act: Callable[[], Awaitable[None]] = field(compare=False)


async def snapped_world(osrm: OsrmClient, config: StudyConfig) -> tuple[list[Breakdown], list[Point]]:
    """The breakdowns and the technicians' starting points, on the road network: the same for every policy."""
    rng = random.Random(config.seed)
    area = service_area(config.extract)
    west, south, east, north = area.bounds
    raw = world.breakdowns(rng, config.days, config.per_day, (south, west, north, east))
    places = [await road_point(osrm, rng, area) for _ in range(len(raw) + config.fleet_size)]
    breakdowns = [Breakdown(b.at_s, where, b.service) for b, where in zip(raw, places, strict=False)]
    return breakdowns, places[len(raw) :]


class PolicyRun:
    def __init__(self, config: StudyConfig, policy: str, breakdowns: list[Breakdown], homes: list[Point]) -> None:
        self._config = config
        self._policy = policy
        self._dispatch: DispatchConfig
        self._levels: SlaPolicy
        self._breakdowns = breakdowns
        self._homes = homes
        self._profiles = world.fleet(config.fleet_size)
        self.now = START
        self._events: list[_Event] = []
        self._seq = 0
        self._fleet: list[_Member] = []
        self._answered: set[UUID] = set()
        self._jobs: dict[str, _Job] = {}
        self._client: httpx.AsyncClient
        self._sessions: async_sessionmaker[AsyncSession]
        self._osrm: OsrmClient

    async def run(self) -> list[JobRecord]:
        database = make_url(self._config.database_url)
        settings = Settings(
            database_url=database.set(database=f"{database.database}_{self._policy}").render_as_string(False),
            osrm_url=self._config.osrm_url,
            dev_auth=True,
            promise_calibration=POLICIES[self._policy].calibrated,
        )
        self._dispatch = replace(
            DispatchConfig.from_settings(settings), region=f"study-{self._policy}",
            weights=POLICIES[self._policy].weights,
        )  # fmt: skip
        self._levels = SlaPolicy.from_settings(settings)
        await recreate_database(settings.database_url)
        await asyncio.to_thread(upgrade_schema, settings.database_url)
        app = create_app(settings)
        with clock.using(lambda: self.now):
            async with (
                app.router.lifespan_context(app),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://study") as client,
            ):
                self._client, self._sessions, self._osrm = client, app.state.sessionmaker, app.state.osrm
                async with transaction(self._sessions) as session:  # the region the drivers break down in
                    area = service_area(self._config.extract)
                    await record_region(session, self._config.region, area, self._config.extract)
                await self._hire_fleet()
                for breakdown in self._breakdowns:
                    self._at(START + timedelta(seconds=breakdown.at_s), self._breakdown_action(breakdown))
                await self._loop()
                return await self._records()

    def _at(self, at: datetime, act: Callable[[], Awaitable[None]]) -> None:
        self._seq += 1
        heapq.heappush(self._events, _Event(at, self._seq, act))

    async def _loop(self) -> None:
        while True:
            busy = await self._dispatch_has_work()
            if not self._events and not busy:
                return
            upcoming = self._events[0].at if self._events else None
            self.now = min(self.now + TICK, upcoming) if busy and upcoming else (upcoming or self.now + TICK)
            while self._events and self._events[0].at <= self.now:
                await heapq.heappop(self._events).act()
            await self._answer_offers()
            await self._dispatch_round()

    async def _hire_fleet(self) -> None:
        operator = await self._token({"role": "operator"})
        for index, (profile, home) in enumerate(zip(self._profiles, self._homes, strict=True)):
            body = {"name": f"{profile.calibre.value.title()} #{index + 1}", "skills": [s.value for s in Service]}
            created = await self._client.post("/v1/ops/technicians", json=body, headers=operator)
            technician_id = UUID(created.json()["id"])
            headers = await self._token({"role": "technician", "technician_id": str(technician_id)})
            await self._client.put("/v1/technicians/me/availability", json={"online": True}, headers=headers)
            async with transaction(self._sessions) as session:
                await set_last_position(session, technician_id, home, self.now)
            rng = random.Random(self._config.seed * 1_000 + index)
            # His own pace and his phone's dark spells are the same under every arm.
            own = random.Random(f"technician:{self._config.seed}:{index}")
            pace = world.own_pace(profile, own)
            self._fleet.append(
                _Member(technician_id, headers, profile, rng, pace, world.dark_spells(own, self._config.days))
            )

    async def _token(self, body: dict[str, Any]) -> dict[str, str]:
        response = await self._client.post("/v1/dev/tokens", json=body)
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def _breakdown_action(self, breakdown: Breakdown) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            driver = await self._token({"role": "driver"})
            body = {"service": breakdown.service.value, "location": breakdown.where.model_dump()}
            response = await self._client.post("/v1/orders", json=body, headers=driver)
            if response.status_code == 201:
                self._jobs[response.json()["id"]] = _Job(
                    response.json()["id"], driver, breakdown.where, breakdown.service
                )

        return act

    async def _dispatch_has_work(self) -> bool:
        async with self._sessions() as session:
            found = await session.scalar(
                text(
                    "SELECT EXISTS (SELECT 1 FROM orders WHERE status = 'searching')"
                    " OR EXISTS (SELECT 1 FROM offers WHERE status = 'pending')"
                )
            )
            return bool(found)

    async def _dispatch_round(self) -> None:
        async with transaction(self._sessions) as session:
            # The phones of the technicians keep reporting where they stand, but for those gone dark.
            at_s = (self.now - START).total_seconds()
            dark = [m.id for m in self._fleet if m.is_dark(at_s)]
            await session.execute(
                update(Technician).where(Technician.online, Technician.id.not_in(dark)).values(position_at=self.now)
            )
            await dispatch_round(session, self._osrm, self._dispatch, self.now)

    async def _answer_offers(self) -> None:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    text("SELECT id, technician_id, order_id, created_at FROM offers WHERE status = 'pending'")
                )
            ).all()
        members = {m.id: m for m in self._fleet}
        for offer_id, technician_id, order_id, created_at in rows:
            if offer_id in self._answered or created_at > self.now - ANSWER_AFTER:
                continue
            self._answered.add(offer_id)
            member = members[technician_id]
            draw = member.rng.random()
            if draw < member.profile.accepts:
                await self._accept(member, offer_id, str(order_id))
            elif draw < member.profile.accepts + member.profile.declines:
                await self._client.post(f"/v1/offers/{offer_id}/decline", json={}, headers=member.headers)
            # else he lets it lapse

    async def _accept(self, member: _Member, offer_id: UUID, order_id: str) -> None:
        response = await self._client.post(f"/v1/offers/{offer_id}/accept", headers=member.headers)
        if response.status_code != 200:
            return
        job = self._jobs[order_id]
        job.member = member
        await self._status(job, "en_route")
        async with self._sessions() as session:
            promise = (
                await session.execute(
                    text("SELECT promised_arrival_at, eta_raw_s, eta_distance_m FROM orders WHERE id = :id"),
                    {"id": order_id},
                )
            ).one()
        estimate_s = float(promise.eta_raw_s or 600.0)
        job.promised_at = promise.promised_arrival_at or self.now + timedelta(seconds=estimate_s)
        drive_s = world.driving_time_s(member.profile, member.pace, estimate_s, float(promise.eta_distance_m or 0.0),
                                       self.now.hour, member.rng)  # fmt: skip
        arrival = self.now + timedelta(seconds=drive_s)
        job.late_s = (arrival - job.promised_at).total_seconds()
        gives_up = job.promised_at + GIVES_UP_AFTER_PROMISE
        if arrival > gives_up:
            self._at(gives_up, self._driver_gives_up(job))
        else:
            self._at(arrival, self._arrive(job))

    async def _status(self, job: _Job, status: str, **extra: str) -> None:
        assert job.member is not None
        response = await self._client.post(
            f"/v1/orders/{job.order_id}/status", json={"status": status, **extra}, headers=job.member.headers
        )
        if response.status_code != 200:
            log.warning("%s → %s refused: %s", job.order_id, status, response.text)

    def _driver_gives_up(self, job: _Job) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            await self._client.post(f"/v1/orders/{job.order_id}/cancel", json={"reason": "waited too long"},
                                    headers=job.driver)  # fmt: skip

        return act

    def _arrive(self, job: _Job) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            assert job.member is not None
            async with transaction(self._sessions) as session:
                await set_last_position(session, job.member.id, job.where, self.now)
            await self._status(job, "arrived")
            await self._status(job, "in_progress")
            self._at(self.now + timedelta(seconds=world.work_time_s(job.member.profile, job.member.rng)),
                     self._finish(job))  # fmt: skip

        return act

    def _finish(self, job: _Job) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            assert job.member is not None
            fixed = job.member.rng.random() < job.member.profile.fixes
            if fixed:
                resolution = "towed" if job.service is Service.TOW else "fixed_on_site"
                await self._status(job, "completed", resolution=resolution)
            else:
                await self._status(job, "failed", resolution="not_fixed")
            if job.member.rng.random() < RATES:
                self._at(self.now + timedelta(minutes=5), self._rate(job, fixed))

        return act

    def _rate(self, job: _Job, fixed: bool) -> Callable[[], Awaitable[None]]:
        async def act() -> None:
            assert job.member is not None
            tolerance_s = self._levels.arrival_tolerance(job.service.value).total_seconds()
            given = world.rating(job.member.profile, job.late_s, fixed, job.member.rng, tolerance_s)
            body = {"csat": given.csat, "nps": given.nps, "ces": given.ces, "tags": list(given.tags)}
            await self._client.post(f"/v1/orders/{job.order_id}/feedback", json=body, headers=job.driver)

        return act

    async def _records(self) -> list[JobRecord]:
        calibres = {m.id: m.profile.calibre for m in self._fleet}
        async with self._sessions() as session:
            facts = await feedback.facts(session, START, self.now + timedelta(days=1))
        return [
            JobRecord(
                day=(f.created_at - START).days,
                calibre=calibres.get(f.technician_id) if f.technician_id else None,
                facts=f,
                promised_eta_s=(f.promised_at - f.assigned_at).total_seconds()
                if f.promised_at and f.assigned_at
                else None,
            )
            for f in sorted(facts, key=lambda f: f.created_at)
        ]


def run_study(config: StudyConfig) -> dict[str, list[JobRecord]]:
    """Both policies on the same world, each in its own process and database (the virtual clock is per
    process); the records of each, by policy name."""
    breakdowns, homes = asyncio.run(_world(config))
    log.info("%d breakdowns over %d days, %d technicians", len(breakdowns), config.days, config.fleet_size)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(POLICIES), mp_context=context) as pool:
        futures = {policy: pool.submit(_run_policy, config, policy, breakdowns, homes) for policy in POLICIES}
        return {policy: future.result() for policy, future in futures.items()}


async def _world(config: StudyConfig) -> tuple[list[Breakdown], list[Point]]:
    osrm = OsrmClient(config.osrm_url)
    try:
        return await snapped_world(osrm, config)
    finally:
        await osrm.aclose()


def _run_policy(config: StudyConfig, policy: str, breakdowns: list[Breakdown], homes: list[Point]) -> list[JobRecord]:
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(PolicyRun(config, policy, breakdowns, homes).run())
