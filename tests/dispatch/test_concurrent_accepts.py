"""Concurrent accepts race in the database: row locks and the active-job unique index decide, not Python."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.orders.models import Order, OrderStatus
from tests.conftest import Api
from tests.dispatch.helpers import run_round


async def active_assignments(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Order.id, Order.technician_id).where(Order.status.in_(OrderStatus.active_job()))
        )
        return [(str(order_id), str(technician_id)) for order_id, technician_id in rows.all()]


async def test_many_technicians_accept_one_order(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    order = await api.order(await api.driver())
    technicians = [await api.technician(name=f"T{i}") for i in range(8)]
    offers = [await api.offer(order["id"], t) for t in technicians]
    responses = await asyncio.gather(
        *(
            api.client.post(f"/v1/offers/{o['id']}/accept", headers=t.headers)
            for o, t in zip(offers, technicians, strict=True)
        )
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 7}
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert await active_assignments(sessions) == [(order["id"], winner["technician"]["id"])]


async def test_one_technician_accepts_many_orders(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    technician = await api.technician()
    orders = [await api.order(await api.driver()) for _ in range(8)]
    offers = [await api.offer(o["id"], technician) for o in orders]
    responses = await asyncio.gather(
        *(api.client.post(f"/v1/offers/{o['id']}/accept", headers=technician.headers) for o in offers)
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 7}
    assignments = await active_assignments(sessions)
    assert len(assignments) == 1
    assert assignments[0][1] == str(technician.id)


async def test_everyone_accepts_everything_at_once(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    technicians = [await api.technician(name=f"T{i}") for i in range(4)]
    orders = [await api.order(await api.driver()) for _ in range(4)]
    attempts = []
    for order in orders:
        for technician in technicians:
            offer = await api.offer(order["id"], technician)
            attempts.append(api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers))
    responses = await asyncio.gather(*attempts)
    assert {r.status_code for r in responses} <= {200, 409}
    assignments = await active_assignments(sessions)
    accepted = sum(r.status_code == 200 for r in responses)
    assert accepted == len(assignments) >= 1
    assert len({o for o, _ in assignments}) == len(assignments)
    assert len({t for _, t in assignments}) == len(assignments)


async def test_the_same_offer_accepted_twice_at_once(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    offer = await api.offer(order["id"], technician)
    responses = await asyncio.gather(
        *(api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers) for _ in range(5))
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 4}
    assert len(await active_assignments(sessions)) == 1


async def test_manual_assign_races_an_accept(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    offered = await api.technician(name="Offered")
    chosen = await api.technician(name="Chosen")
    order = await api.order(await api.driver())
    offer = await api.offer(order["id"], offered)
    accept, assign = await asyncio.gather(
        api.client.post(f"/v1/offers/{offer['id']}/accept", headers=offered.headers),
        api.assign(order["id"], chosen),
    )
    # The operator's assignment always lands (it may replace a just-accepted technician before arrival);
    # either way exactly one technician holds the job.
    assert assign.status_code == 200
    assert accept.status_code in {200, 409}
    assert await active_assignments(sessions) == [(order["id"], str(chosen.id))]


async def test_expired_and_declined_offers_cannot_be_accepted(api: Api) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    offer = await api.offer(order["id"], technician)
    declined = await api.client.post(
        f"/v1/offers/{offer['id']}/decline", json={"reason": "flat tyre"}, headers=technician.headers
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    refused = await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "The offer is no longer open: you declined it."
    # Declining excludes him from this order for good.
    operator = await api.operator()
    again = await api.client.post(
        f"/v1/ops/orders/{order['id']}/offers", json={"technician_id": str(technician.id)}, headers=operator.headers
    )
    assert again.status_code == 409


async def test_an_offer_a_round_expired_is_refused_saying_so(app: FastAPI, api: Api) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    offer = await api.offer(order["id"], technician, ttl_s=5)
    with clock.using(lambda: datetime.now(UTC) + timedelta(seconds=6)):  # past its time, before a round marks it
        late = await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    assert late.status_code == 409
    assert late.json()["detail"] == "The offer is no longer open: it has expired."
    assert (await run_round(app, datetime.now(UTC) + timedelta(seconds=6))).expired_offers == 1
    refused = await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "The offer is no longer open: it has expired."
