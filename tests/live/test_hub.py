"""A slow subscriber loses stale positions first, never a status; the newest position replaces the older."""

import asyncio

from fastapi import FastAPI
from sqlalchemy import text

from app.db import transaction
from app.live import messages
from app.live.brokers import PostgresBroker
from app.live.geometry import distance_to_route_m
from app.live.hub import Hub, Subscription
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, eventually


def test_positions_coalesce_and_statuses_survive_a_full_queue() -> None:
    subscription = Subscription("order", capacity=3)
    subscription.offer({"type": "status", "status": "en_route"})
    for k in range(10):
        subscription.offer({"type": "position", "technician_id": "t", "lat": k})
    subscription.offer({"type": "eta", "seconds": 60})
    subscription.offer({"type": "status", "status": "arrived"})
    queued = list(subscription._events)
    assert [e["type"] for e in queued] == ["status", "eta", "status"]
    assert subscription.dropped == 10
    second = Subscription("order", capacity=8)
    for k in range(5):
        second.offer({"type": "position", "technician_id": "t", "lat": k})
    assert list(second._events) == [{"type": "position", "technician_id": "t", "lat": 4}]


def test_distance_to_route() -> None:
    route = {
        "type": "LineString",
        "coordinates": [[KAIVOKATU.lon, KAIVOKATU.lat], [KAISANIEMENKATU.lon, KAISANIEMENKATU.lat]],
    }
    assert distance_to_route_m(KAIVOKATU, route) < 0.01
    assert 500 < distance_to_route_m(KAIVOKATU, {"type": "LineString", "coordinates": [[24.95, 60.17]]}) < 700


async def test_the_hub_listens_again_after_losing_its_connection(app: FastAPI) -> None:
    hub: Hub = app.state.hub
    assert isinstance(hub.broker, PostgresBroker)
    lost_pid = hub.broker.server_pid
    async with transaction(app.state.sessionmaker) as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost_pid})

    async def relistening() -> bool:
        return isinstance(hub.broker, PostgresBroker) and hub.broker.server_pid != lost_pid

    assert await eventually(relistening, timeout_s=10)
    with hub.subscribe("order-after-restart") as subscription:
        async with transaction(app.state.sessionmaker) as session:
            await messages.publish(session, {"order_id": "order-after-restart", "type": "status", "status": "en_route"})
        event = await asyncio.wait_for(subscription.next(), timeout=5)
    assert event["status"] == "en_route"
