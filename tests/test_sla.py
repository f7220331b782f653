"""SLA rules with a controlled clock: at risk and breached at the right times, each announced once."""

from datetime import datetime, timedelta
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.orders.models import Order
from app.sla.rules import SlaFacts, SlaState, SlaTargets, evaluate
from app.sla.service import sla_round
from tests.conftest import Api

TARGETS = SlaTargets()


async def round_at(app: FastAPI, now: datetime) -> list[tuple[UUID, SlaState]]:
    async with app.state.sessionmaker() as session, session.begin():
        return await sla_round(session, now, TARGETS)


async def test_an_order_nobody_accepts_turns_at_risk_then_breached_once_each(app: FastAPI, api: Api) -> None:
    order = await api.order(await api.driver())
    created = datetime.fromisoformat(order["created_at"])
    order_id = UUID(order["id"])
    assert await round_at(app, created + timedelta(minutes=2, seconds=59)) == []
    assert await round_at(app, created + timedelta(minutes=3)) == [(order_id, SlaState.AT_RISK)]
    assert await round_at(app, created + timedelta(minutes=5)) == []  # announced once
    assert await round_at(app, created + timedelta(minutes=10)) == [(order_id, SlaState.BREACHED)]
    assert await round_at(app, created + timedelta(minutes=11)) == []
    operator = await api.operator()
    board = (await api.client.get("/v1/ops/sla", headers=operator.headers)).json()
    assert [i["order_id"] for i in board["breached"]] == [order["id"]]
    assert board["at_risk"] == []
    assert board["breached"][0]["sla_reason"] == "nobody accepted within 10 min"
    risky = (await api.client.get("/v1/ops/orders?at_risk=true", headers=operator.headers)).json()
    assert [i["order_id"] for i in risky] == [order["id"]]
    assert (await api.client.get("/v1/ops/orders?at_risk=false", headers=operator.headers)).json() == []
    assert (await api.client.get("/v1/ops/sla", headers=(await api.driver()).headers)).status_code == 403


async def test_a_slipping_eta_warns_before_the_promise_breaks(
    app: FastAPI, api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician()
    order = await api.order(await api.driver())
    assigned = (await api.assign(order["id"], technician)).json()
    promised = datetime.fromisoformat(assigned["eta"]["promised_at"])
    order_id = UUID(order["id"])
    assert await round_at(app, promised - timedelta(minutes=1)) == []
    async with sessions() as session, session.begin():  # the live ETA slips 5 minutes past the promise
        await session.execute(
            update(Order).where(Order.id == order_id).values(eta_arrival_at=promised + timedelta(minutes=5))
        )
    assert await round_at(app, promised - timedelta(minutes=1)) == [(order_id, SlaState.AT_RISK)]
    assert await round_at(app, promised + TARGETS.arrival_tolerance) == []
    assert await round_at(app, promised + TARGETS.arrival_tolerance + timedelta(seconds=1)) == [
        (order_id, SlaState.BREACHED)
    ]


def test_finished_orders_are_not_judged() -> None:
    now = datetime.fromisoformat("2026-07-01T12:00:00+00:00")
    for status in ("arrived", "in_progress", "completed", "cancelled"):
        facts = SlaFacts(status, now - timedelta(hours=2), now - timedelta(hours=1), None)
        assert evaluate(facts, now, TARGETS) == (SlaState.OK, None)
