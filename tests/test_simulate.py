"""The demo's simulated people complete jobs through a real server and a real dispatcher process."""

import asyncio
import itertools
import os
import random
import re
import statistics
import sys
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.geo import bearing_deg, from_geography, haversine_m
from app.live.models import LocationPoint
from app.orders.models import Order, OrderStatus
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from feedback.models import Feedback
from notifications.models import Device
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, UNIONINKATU, Api, eventually
from tools.people import FIRST_NAMES, SURNAMES, driver_name, mobile_number
from tools.simulate import Simulation


async def test_simulated_drivers_and_technicians_complete_and_rate_jobs(
    servers: tuple[str, str], api: Api, routed_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for spot in (KAISANIEMENKATU, KAIVOKATU, UNIONINKATU):
        await api.technician(at=spot, skills=["tow", "jump_start", "tyre_change", "fuel_delivery", "lockout", "winch"])
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": routed_settings.database_url,
           "TRUSTLOOP_OSRM_URL": routed_settings.effective_osrm_url, "TRUSTLOOP_REGION": "helsinki"}  # fmt: skip
    dispatcher = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trustloop.cli", "worker", "dispatch", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    osrm = OsrmClient(routed_settings.effective_osrm_url)
    simulation = Simulation(
        f"http://{servers[0]}",
        osrm,
        "helsinki",
        random.Random(3),
        order_every_s=4.0,
        levels=SlaPolicy(),
        speed_up=4.0,
        work_ticks=4,
    )
    stop = asyncio.Event()

    async def rated() -> bool:
        async with sessions() as session:
            return bool(await session.scalar(select(func.count()).select_from(Feedback)))

    try:
        await simulation.start()
        running = asyncio.create_task(simulation.run(stop))
        assert await eventually(rated, timeout_s=240, every_s=0.5)  # a whole job at four times the pace the ETA assumes
        stop.set()
        await running
    finally:
        stop.set()
        await simulation.aclose()
        await osrm.aclose()
        dispatcher.terminate()
        await dispatcher.wait()
    async with sessions() as session:
        finished = await session.scalar(
            select(func.count()).where(Order.status.in_([OrderStatus.COMPLETED, OrderStatus.FAILED]))
        )
        feedback = (await session.execute(select(Feedback))).scalars().all()
        orders = (await session.execute(select(Order.driver_id))).scalars().all()
        phones = dict(
            (await session.execute(select(Device.user_id, Device.locale).where(Device.token.like("sim-%")))).all()
        )
        drives = (
            await session.execute(
                select(
                    LocationPoint.order_id, LocationPoint.position, LocationPoint.heading, LocationPoint.speed_mps
                ).order_by(LocationPoint.order_id, LocationPoint.recorded_at)
            )
        ).all()
    assert finished is not None
    assert finished >= 1
    # A driving van's phone says which way he drives and how fast, as the live route reads it: each heading is
    # the way his next fix lies.
    turns = []
    for (job, where, heading, speed), (next_job, then, _, _) in itertools.pairwise(drives):
        here, there = from_geography(where), from_geography(then)
        if heading is not None and job == next_job and haversine_m(here, there) > 10:
            assert speed is not None
            assert speed > 0  # crawling in the hour's traffic, below the 2 m/s the live route believes a heading from
            turns.append(abs((bearing_deg(here, there) - heading + 180) % 360 - 180))
    assert len(turns) >= 5
    assert statistics.median(turns) < 20
    assert all(1 <= f.csat <= 5 for f in feedback)
    assert all(f.technician_id is not None for f in feedback)
    # Everyone has the app, reading pushes in a language of Helsinki's, taken in turn.
    fleet = (await api.client.get("/v1/ops/technicians?limit=200", headers=(await api.operator()).headers)).json()
    assert {UUID(t["id"]) for t in fleet["items"]} | set(orders) <= set(phones)
    assert set(phones.values()) == {"en", "ru"}


def test_the_demos_drivers_have_the_regions_names_and_numbers() -> None:
    for region, number in (("helsinki", r"\+358 40 \d{3} \d{4}"), ("liechtenstein", r"\+423 7\d\d \d\d \d\d")):
        pairs = len(FIRST_NAMES[region]) * len(SURNAMES[region])
        names = {driver_name(region, n) for n in range(pairs)}
        assert len(names) == pairs, region  # nobody twice before every pair has been used
        assert names <= {f"{first} {last}" for first in FIRST_NAMES[region] for last in SURNAMES[region]}
        phones = [mobile_number(region, n) for n in (0, 7, 123_456, 9_999_999)]
        assert all(re.fullmatch(number, phone) for phone in phones), phones
        assert len(set(phones)) == len(phones)
