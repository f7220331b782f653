"""Stalled and dark technicians through the API, on a controlled clock, with real PostGIS and OSRM: the ladder's
steps at their times and once each, the reasons on the operators' board, the pushes, fair attribution and
the re-dispatch."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.db import transaction
from app.geo import Point
from app.live.progress import ProgressRules, Step
from app.live.stalls import stall_round
from app.orders.models import Order
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from app.sla.service import sla_round
from app.technicians.repository import set_last_position
from dispatch.redispatch import AutoRedispatch
from feedback.models import TrustEvidence
from notifications.models import Notification
from tests.conftest import KAIVOKATU, MIKONKATU, UNIONINKATU, Actor, Api
from tests.live.conftest import Clock
from tests.tracking.test_tracking import token_of

RULES = ProgressRules()  # the defaults: stalled after 8 min, dark after 3, steps 2 min apart
POLICY = SlaPolicy()


async def route_points(osrm: OsrmClient, start: Point, end: Point) -> list[Point]:
    route = await osrm.route(start, end)
    assert route is not None
    return [Point(lat=lat, lon=lon) for lon, lat in route.geometry["coordinates"]]


async def job(api: Api, sessions: async_sessionmaker[AsyncSession], technician: Actor) -> tuple[Actor, str]:
    """A driver at Mikonkatu whose job an operator gave to `technician`, promised within the hour."""
    driver = await api.driver()
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    async with transaction(sessions) as session:
        await session.execute(
            update(Order)
            .where(Order.id == UUID(order["id"]))
            .values(promised_arrival_at=clock.now() + timedelta(hours=1))
        )
    return driver, order["id"]


async def ping(api: Api, technician: Actor, at: Point) -> None:
    body = {"points": [{"lat": at.lat, "lon": at.lon, "recorded_at": clock.now().isoformat()}]}
    response = await api.client.post("/v1/technicians/me/locations", json=body, headers=technician.headers)
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == 1


async def watch(sessions: async_sessionmaker[AsyncSession]) -> list[Step]:
    """One tick of the SLA watcher: the stall ladder, then the SLA states."""
    async with transaction(sessions) as session:
        taken = await stall_round(session, clock.now(), RULES)
    async with transaction(sessions) as session:
        await sla_round(session, clock.now(), POLICY)
    return [step for _, step in taken]


async def pushes(sessions: async_sessionmaker[AsyncSession], kind: str, user: Actor) -> int:
    async with sessions() as session:
        found = await session.scalar(
            select(func.count()).where(Notification.kind == kind, Notification.user_id == user.id)
        )
        return int(found or 0)


async def on_time_evidence(sessions: async_sessionmaker[AsyncSession], technician: Actor) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        rows = await session.execute(
            select(TrustEvidence.value, TrustEvidence.cause).where(
                TrustEvidence.technician_id == technician.id, TrustEvidence.signal == "on_time"
            )
        )
        return [tuple(r) for r in rows.all()]


async def board_item(api: Api, order_id: str) -> dict[str, Any] | None:
    operator = await api.operator()
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    return next((i for i in board["at_risk"] + board["breached"] if i["order_id"] == order_id), None)


async def test_a_technician_who_stops_is_escalated_step_by_step_each_step_once_then_re_dispatched(
    api: Api, sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, virtual: Clock
) -> None:
    technician = await api.technician(at=UNIONINKATU, name="Boris", gender="male")
    driver, order_id = await job(api, sessions, technician)
    link = f"/v1/track/{token_of((await api.client.get(f'/v1/orders/{order_id}', headers=driver.headers)).json())}"

    async def page_says() -> str | None:  # what the driver's tracking page shows in place of an arrival time
        held_up: str | None = (await api.client.get(link)).json()["held_up"]
        return held_up

    way = await route_points(osrm, UNIONINKATU, MIKONKATU)
    stop = way[len(way) // 2]
    taken: list[tuple[float, Step]] = []
    for tick in range(0, 29):  # every 30 s for 14 min: one step forward, then standing still
        virtual.at(tick / 2)
        await ping(api, technician, UNIONINKATU if tick == 0 else stop)
        taken += [(tick / 2, step) for step in await watch(sessions)]
        if tick / 2 == 10:  # after step 1, before step 2: asked, not yet at risk
            assert await pushes(sessions, "stall_check", technician) == 1
            assert await board_item(api, order_id) is None
        if tick / 2 == 12:  # after step 2: at risk because he stalled, no re-dispatch on offer yet
            item = await board_item(api, order_id)
            assert item is not None
            assert (item["sla_state"], item["sla_reason"]) == ("at_risk", "stalled")
            assert item["stall"]["redispatch_offered"] is False
            assert await pushes(sessions, "held_up", driver) == 0
            assert await page_says() is None  # not told yet: the page keeps the arrival time
    # Stalled 8 min after his last progress (minute 0.5), then 2 min per step.
    assert taken == [(8.5, Step.ASK_TECHNICIAN), (10.5, Step.AT_RISK), (12.5, Step.OFFER_REDISPATCH)]
    assert await pushes(sessions, "stall_check", technician) == 1
    assert await pushes(sessions, "held_up", driver) == 1  # told, well before the promise in an hour
    assert await page_says() == "stalled"  # and the page says it too
    assert await on_time_evidence(sessions, technician) == [(0.0, "stalled")]
    operator = await api.operator()
    order = (await api.client.get(f"/v1/ops/orders/{order_id}", headers=operator.headers)).json()
    assert order["stall"] == {"trouble": "stalled", "since": order["stall"]["since"], "step": 3,
                              "redispatch_offered": True}  # fmt: skip

    other = await api.technician(at=None, name="Anna", gender="female")
    async with transaction(sessions) as session:
        await set_last_position(session, other.id, KAIVOKATU, clock.now())
    confirmed = await api.client.post(f"/v1/ops/orders/{order_id}/redispatch", headers=operator.headers)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["technician"]["id"] == str(other.id)
    assert await pushes(sessions, "job_reassigned", technician) == 1
    assert await pushes(sessions, "reassigned", driver) == 1
    await watch(sessions)
    assert await board_item(api, order_id) is None  # the new technician's ladder starts afresh
    assert await page_says() is None
    again = await api.client.post(f"/v1/ops/orders/{order_id}/redispatch", headers=operator.headers)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


async def test_a_dark_phone_that_comes_back_making_steady_progress_is_not_held_against_him(
    api: Api, sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, virtual: Clock
) -> None:
    technician = await api.technician(at=UNIONINKATU, name="Anna", gender="female")
    driver, order_id = await job(api, sessions, technician)
    way = await route_points(osrm, UNIONINKATU, MIKONKATU)
    await ping(api, technician, UNIONINKATU)
    taken: list[tuple[float, Step]] = []
    for tick in range(1, 12):  # silent from 0 to 5.5 min
        virtual.at(tick / 2)
        taken += [(tick / 2, step) for step in await watch(sessions)]
    assert taken == [(3, Step.ASK_TECHNICIAN), (5, Step.AT_RISK)]
    assert await pushes(sessions, "signal_check", technician) == 1
    item = await board_item(api, order_id)
    assert item is not None
    assert (item["sla_state"], item["sla_reason"]) == ("at_risk", "no signal")

    for tick, point in zip(range(12, 20), way[len(way) // 3 : -2 : max(1, len(way) // 12)], strict=False):
        virtual.at(tick / 2)  # back, and closer with every fix
        await ping(api, technician, point)
        assert await watch(sessions) == []
    assert await board_item(api, order_id) is None  # the risk cleared with the episode
    assert await on_time_evidence(sessions, technician) == []
    assert await pushes(sessions, "delayed", driver) == 0


async def test_a_detour_that_keeps_improving_is_not_a_stall(
    api: Api, sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, virtual: Clock
) -> None:
    technician = await api.technician(at=UNIONINKATU)
    _, order_id = await job(api, sessions, technician)
    way = await route_points(osrm, UNIONINKATU, MIKONKATU)
    away = Point(lat=60.1775, lon=24.9530)  # the wrong way first, north of the start
    farther, start = await osrm.route(away, MIKONKATU), await osrm.route(UNIONINKATU, MIKONKATU)
    assert farther is not None
    assert start is not None
    assert farther.distance_m > start.distance_m + RULES.allowance_m
    # Back past where he started within the stall window, then closer and closer.
    plan = [(0, UNIONINKATU), (1.5, away), (3, away), (4.5, UNIONINKATU), (6, way[len(way) // 3]),
            (7.5, way[len(way) // 2]), (9, way[len(way) // 2])]  # fmt: skip
    for minute, point in plan:
        virtual.at(minute)
        await ping(api, technician, point)
        for half in range(3):  # a fix every 30 s where he is, and the watcher's ticks
            virtual.at(minute + half / 2)
            if half:
                await ping(api, technician, point)
            assert await watch(sessions) == [], minute
    assert await board_item(api, order_id) is None
    assert await on_time_evidence(sessions, technician) == []


async def test_under_the_setting_a_dark_job_is_re_dispatched_by_the_watcher_after_the_driver_is_told(
    api: Api, sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, virtual: Clock, app: FastAPI
) -> None:
    technician = await api.technician(at=UNIONINKATU)
    driver, order_id = await job(api, sessions, technician)
    auto = AutoRedispatch(app.state.settings.model_copy(update={"stall_auto_redispatch": True}), osrm)
    other = await api.technician(at=None)
    for minute in range(1, 8):
        virtual.at(minute)
        async with transaction(sessions) as session:
            await set_last_position(session, other.id, KAIVOKATU, clock.now())
        await watch(sessions)
        async with transaction(sessions) as session:
            handed = await auto(session, clock.now())
        assert handed == ([UUID(order_id)] if minute == 7 else []), minute  # dark at 3, offered at 7
    assert await pushes(sessions, "delayed", driver) == 1
    assert await pushes(sessions, "reassigned", driver) == 1
    async with sessions() as session:
        order = await session.get(Order, UUID(order_id))
        assert order is not None
        assert order.technician_id == other.id
