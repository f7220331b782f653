"""The SLA watcher's round and the operators' views of service levels."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import events, locks
from app.geo import from_geography
from app.live import repository as live_repository
from app.live.progress import Step
from app.live.schemas import StallRead
from app.orders.models import OrderStatus
from app.pagination import decode_cursor, next_cursor
from app.schemas import Page
from app.sla import repository
from app.sla.repository import BoardRow, OrderFilter
from app.sla.rules import SlaFacts, SlaPolicy, SlaState, evaluate, settle
from app.sla.schemas import SlaBoard, SlaItem


@dataclass
class SlaRound:
    orders: list[tuple[UUID, SlaState]] = field(default_factory=list)  # each change of state, once


async def sla_round(session: AsyncSession, now: datetime, policy: SlaPolicy) -> SlaRound:
    """Sets the SLA state of open orders to what holds now: raised when they slip, cleared when the cause
    of a risk is gone (a breach stays), the reason kept current; each change of state published once."""
    done = SlaRound()
    if not await repository.try_lock_watcher(session, locks.SLA_WATCHER):
        return done
    for order_id, service in await repository.clear_risks_of_closed_orders(session, now):
        await events.publish(
            session, events.SlaChanged(at=now, order_id=order_id, service=service, state=SlaState.OK.label,
                                       reason=None, cause=None, minutes=0)
        )  # fmt: skip
        done.orders.append((order_id, SlaState.OK))
    watched = await repository.open_orders(session)
    etas = await live_repository.live_etas(session, [w.order_id for w in watched])
    stalls = await live_repository.stalls(session, [w.order_id for w in watched])
    for order in watched:
        previous = SlaState[order.state.upper()]
        live_eta = etas.get(order.order_id) or order.promised_at  # the promise until the first live ETA
        stall = stalls.get(order.order_id)
        trouble = stall.trouble if stall is not None and stall.step >= Step.AT_RISK else None
        facts = SlaFacts(order.status.value, order.created_at, order.promised_at, live_eta, trouble)
        evaluated, why = evaluate(facts, now, policy.targets(order.service.value, order.region, order.contract))
        reason = why.text if why is not None else None
        new = settle(previous, evaluated)
        if new == previous:
            if new == SlaState.AT_RISK and reason != order.reason:  # still at risk, for another reason now
                await repository.change_state(session, order.order_id, previous.label, new.label, reason, now)
            continue
        if not await repository.change_state(session, order.order_id, previous.label, new.label, reason, now):
            continue  # lost a race with another watcher
        await events.publish(
            session, events.SlaChanged(at=now, order_id=order.order_id, service=order.service, state=new.label,
                                       reason=reason, cause=why.cause if why else None,
                                       minutes=why.minutes if why else 0)
        )  # fmt: skip
        done.orders.append((order.order_id, new))
    return done


async def board(session: AsyncSession, region: str | None = None) -> SlaBoard:
    rows = await repository.orders_with_state(
        session, OrderFilter(statuses=OrderStatus.open(), flagged=True, region=region), oldest_change_first=True
    )
    items = await _present(session, rows)
    return SlaBoard(
        at_risk=[i for i in items if i.sla_state == SlaState.AT_RISK.label],
        breached=[i for i in items if i.sla_state == SlaState.BREACHED.label],
    )


async def list_orders(session: AsyncSession, where: OrderFilter, limit: int, cursor: str | None) -> Page[SlaItem]:
    rows = await repository.orders_with_state(
        session, where, limit=limit + 1, after=decode_cursor(cursor) if cursor else None
    )
    return Page(
        items=await _present(session, rows[:limit]),
        next_cursor=next_cursor(rows, limit, lambda row: (row.order.created_at, row.order.id)),
    )


async def _present(session: AsyncSession, rows: list[BoardRow]) -> list[SlaItem]:
    etas = await live_repository.live_etas(session, [row.order.id for row in rows])
    stalls = await live_repository.stalls(session, [row.order.id for row in rows])
    items = []
    for row in rows:
        order, sla = row.order, row.sla
        stall = stalls.get(order.id)
        items.append(SlaItem(
            order_id=order.id, status=order.status.value, service=order.service.value,
            location=from_geography(order.location), region=order.region, created_at=order.created_at,
            technician_id=order.technician_id, promised_at=order.promised_arrival_at,
            live_eta_at=etas.get(order.id) or order.promised_arrival_at,
            sla_state=sla.state if sla else SlaState.OK.label, sla_reason=sla.reason if sla else None,
            sla_changed_at=sla.changed_at if sla else None, driver_name=row.driver_name, driver_phone=row.driver_phone,
            stall=StallRead.of(stall.trouble, stall.since, stall.step) if stall else None,
        ))  # fmt: skip
    return items
