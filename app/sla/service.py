from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import events
from app.orders.models import Order, OrderStatus
from app.orders.state_machine import OPEN_STATUSES
from app.sla.rules import SlaFacts, SlaState, SlaTargets, escalate, evaluate
from app.sla.schemas import SlaBoard, SlaItem

SLA_LOCK = (0x736C, 0)  # pg_try_advisory_xact_lock keys: one watcher at a time


async def sla_round(session: AsyncSession, now: datetime, targets: SlaTargets) -> list[tuple[UUID, SlaState]]:
    """Raises the SLA state of open orders that slipped, announcing each rise once to the operators."""
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(*SLA_LOCK))):
        return []
    rows = await session.execute(
        select(Order.id, Order.status, Order.created_at, Order.promised_arrival_at, Order.eta_arrival_at,
               Order.sla_state).where(Order.status.in_(OPEN_STATUSES))
    )  # fmt: skip
    risen = []
    for order_id, status, created_at, promised_at, live_eta_at, state in rows.all():
        previous = SlaState[state.upper()]
        evaluated, reason = evaluate(SlaFacts(status.value, created_at, promised_at, live_eta_at), now, targets)
        new = escalate(previous, evaluated)
        if new == previous:
            continue
        changed = await session.execute(
            update(Order)
            .where(Order.id == order_id, Order.sla_state == previous.label)  # lost races change nothing
            .values(sla_state=new.label, sla_reason=reason, sla_changed_at=now)
            .returning(Order.id)
        )
        if changed.first() is None:
            continue
        await events.publish_for_operators(
            session, "sla", order_id, state=new.label, reason=reason, at=events.rfc3339(now)
        )
        risen.append((order_id, new))
    return risen


async def board(session: AsyncSession) -> SlaBoard:
    rows = await session.execute(
        select(Order).where(Order.status.in_(OPEN_STATUSES), Order.sla_state != SlaState.OK.label)
        .order_by(Order.sla_changed_at)
    )  # fmt: skip
    items = [present(order) for order in rows.scalars()]
    return SlaBoard(
        at_risk=[i for i in items if i.sla_state == SlaState.AT_RISK.label],
        breached=[i for i in items if i.sla_state == SlaState.BREACHED.label],
    )


async def list_orders(
    session: AsyncSession, status: OrderStatus | None, at_risk: bool | None, limit: int
) -> list[SlaItem]:
    query = select(Order).order_by(Order.created_at.desc()).limit(limit)
    if status is not None:
        query = query.where(Order.status == status)
    if at_risk is True:
        query = query.where(Order.sla_state != SlaState.OK.label)
    elif at_risk is False:
        query = query.where(Order.sla_state == SlaState.OK.label)
    return [present(order) for order in (await session.execute(query)).scalars()]


def present(order: Order) -> SlaItem:
    return SlaItem(
        order_id=order.id, status=order.status.value, service=order.service.value, created_at=order.created_at,
        technician_id=order.technician_id, promised_at=order.promised_arrival_at, live_eta_at=order.eta_arrival_at,
        sla_state=order.sla_state, sla_reason=order.sla_reason, sla_changed_at=order.sla_changed_at,
    )  # fmt: skip
