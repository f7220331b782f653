from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import locks
from app.enums import Role
from app.geo import from_geography
from app.live import events
from app.orders.models import Order, OrderStatus
from app.sla.rules import SlaFacts, SlaPolicy, SlaState, escalate, evaluate
from app.sla.schemas import SlaBoard, SlaItem
from app.users.models import User
from feedback.models import FollowUp, FollowUpStatus
from notifications import policy
from notifications.models import Device


@dataclass
class SlaRound:
    orders: list[tuple[UUID, SlaState]] = field(default_factory=list)  # each rise, once
    overdue_follow_ups: list[UUID] = field(default_factory=list)


async def sla_round(
    session: AsyncSession, now: datetime, policy: SlaPolicy, alert_on: Collection[str] = ()
) -> SlaRound:
    """Raises the SLA state of open orders that slipped and marks follow-ups not contacted in time, announcing
    each change once to the operators (live, and by push for the states in `alert_on`)."""
    done = SlaRound()
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(locks.SLA_WATCHER, 0))):
        return done
    rows = await session.execute(
        select(Order.id, Order.status, Order.service, Order.created_at, Order.promised_arrival_at,
               Order.eta_arrival_at, Order.sla_state).where(Order.status.in_(OrderStatus.open()))
    )  # fmt: skip
    for order_id, status, service, created_at, promised_at, live_eta_at, state in rows.all():
        previous = SlaState[state.upper()]
        facts = SlaFacts(status.value, created_at, promised_at, live_eta_at)
        evaluated, reason = evaluate(facts, now, policy.targets(service.value))
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
        await announce(session, order_id, new.label, reason, now, alert=new.label in alert_on, service=service.value)
        done.orders.append((order_id, new))
    overdue = await session.execute(
        update(FollowUp)
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_at < now, FollowUp.breached_at.is_(None))
        .values(breached_at=now)
        .returning(FollowUp.id, FollowUp.order_id)
    )
    for follow_up_id, order_id in overdue.all():
        reason = "the unhappy driver was not called back in time"
        await announce(session, order_id, SlaState.BREACHED.label, reason, now,
                       alert=SlaState.BREACHED.label in alert_on, followup_id=str(follow_up_id))  # fmt: skip
        done.overdue_follow_ups.append(follow_up_id)
    return done


async def announce(
    session: AsyncSession, order_id: UUID, state: str, reason: str | None, now: datetime, alert: bool, **fields: str
) -> None:
    await events.publish_for_operators(
        session, "sla", order_id, state=state, reason=reason, at=events.rfc3339(now), **fields
    )
    if alert:
        for operator_id in await operators_with_devices(session):
            await policy.push(session, operator_id, "sla_alert", order_id, {"state": state, "reason": reason or ""})


async def operators_with_devices(session: AsyncSession) -> list[UUID]:
    rows = await session.execute(
        select(Device.user_id).join(User, User.id == Device.user_id)
        .where(User.role == Role.OPERATOR, Device.active).distinct()
    )  # fmt: skip
    return list(rows.scalars())


async def board(session: AsyncSession) -> SlaBoard:
    rows = await session.execute(
        select(Order).where(Order.status.in_(OrderStatus.open()), Order.sla_state != SlaState.OK.label)
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
        order_id=order.id, status=order.status.value, service=order.service.value,
        location=from_geography(order.location), created_at=order.created_at,
        technician_id=order.technician_id, promised_at=order.promised_arrival_at, live_eta_at=order.eta_arrival_at,
        sla_state=order.sla_state, sla_reason=order.sla_reason, sla_changed_at=order.sla_changed_at,
    )  # fmt: skip
