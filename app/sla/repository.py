from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Service
from app.orders.models import Order, OrderStatus
from app.sla.models import OrderSla

OK = "ok"


@dataclass(frozen=True, slots=True)
class WatchedOrder:
    order_id: UUID
    status: OrderStatus
    service: Service
    created_at: datetime
    promised_at: datetime | None
    state: str


async def open_orders(session: AsyncSession) -> list[WatchedOrder]:
    rows = await session.execute(
        select(Order.id, Order.status, Order.service, Order.created_at, Order.promised_arrival_at, OrderSla.state)
        .outerjoin(OrderSla, OrderSla.order_id == Order.id)
        .where(Order.status.in_(OrderStatus.open()))
    )
    return [WatchedOrder(i, status, service, created, promised, state or OK) for i, status, service, created, promised,
            state in rows.all()]  # fmt: skip


async def raise_state(
    session: AsyncSession, order_id: UUID, previous: str, new: str, reason: str | None, at: datetime
) -> bool:
    """Moves the order from `previous` to `new`; False if another watcher changed it first."""
    if previous == OK:
        inserted = await session.execute(
            insert(OrderSla)
            .values(order_id=order_id, state=new, reason=reason, changed_at=at)
            .on_conflict_do_nothing()
            .returning(OrderSla.order_id)
        )
        return inserted.first() is not None
    changed = await session.execute(
        update(OrderSla)
        .where(OrderSla.order_id == order_id, OrderSla.state == previous)
        .values(state=new, reason=reason, changed_at=at)
        .returning(OrderSla.order_id)
    )
    return changed.first() is not None


async def orders_with_state(
    session: AsyncSession,
    *,
    statuses: frozenset[OrderStatus] | None,
    flagged: bool | None,
    limit: int | None = None,
    after: tuple[datetime, UUID] | None = None,
    oldest_change_first: bool = False,
) -> list[tuple[Order, OrderSla | None]]:
    """Orders with their SLA row (None: ok), newest first, or by the time their state changed."""
    query = select(Order, OrderSla).outerjoin(OrderSla, OrderSla.order_id == Order.id)
    if after is not None:
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
    if statuses is not None:
        query = query.where(Order.status.in_(statuses))
    if flagged is True:
        query = query.where(OrderSla.state.is_not(None), OrderSla.state != OK)
    elif flagged is False:
        query = query.where((OrderSla.state.is_(None)) | (OrderSla.state == OK))
    query = query.order_by(
        *((OrderSla.changed_at,) if oldest_change_first else (Order.created_at.desc(), Order.id.desc()))
    )
    if limit is not None:
        query = query.limit(limit)
    return [(order, sla) for order, sla in (await session.execute(query)).all()]


async def breached_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).where(OrderSla.state == "breached"))).scalar_one())


async def try_lock_watcher(session: AsyncSession, lock_class: int) -> bool:
    """One watcher at a time: the lock is held until this transaction ends."""
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_class, 0))))
