from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.enums import Service
from app.orders.models import Order, OrderStatus
from app.partners.models import Partner
from app.sla.models import OrderSla
from app.sla.rules import SlaState
from app.users.models import Driver, User

OK = "ok"


@dataclass(frozen=True, slots=True)
class WatchedOrder:
    order_id: UUID
    status: OrderStatus
    service: Service
    created_at: datetime
    promised_at: datetime | None
    state: str
    reason: str | None = None
    region: str | None = None
    contract: dict[str, dict[str, float]] | None = None  # the SLA targets of the partner who placed it


async def open_orders(session: AsyncSession) -> list[WatchedOrder]:
    rows = await session.execute(
        select(
            Order.id,
            Order.status,
            Order.service,
            Order.created_at,
            Order.promised_arrival_at,
            OrderSla.state,
            OrderSla.reason,
            Order.region,
            Partner.sla_targets,
        )
        .outerjoin(OrderSla, OrderSla.order_id == Order.id)
        .outerjoin(Partner, Partner.id == Order.partner_id)
        .where(Order.status.in_(OrderStatus.open()))
    )
    return [WatchedOrder(i, status, service, created, promised, state or OK, reason, region, contract)
            for i, status, service, created, promised, state, reason, region, contract in rows.all()]  # fmt: skip


async def change_state(
    session: AsyncSession, order_id: UUID, previous: str, new: str, reason: str | None, at: datetime
) -> bool:
    """Moves the order from `previous` to `new` (or to a new reason); False if another watcher changed it
    first."""
    if previous == OK:  # no row yet, or one whose risk cleared: either way it must still say ok
        inserted = await session.execute(
            insert(OrderSla)
            .values(order_id=order_id, state=new, reason=reason, changed_at=at)
            .on_conflict_do_update(
                index_elements=[OrderSla.order_id],
                set_={"state": new, "reason": reason, "changed_at": at},
                where=OrderSla.state == OK,
            )
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


async def clear_risks_of_closed_orders(session: AsyncSession, at: datetime) -> list[tuple[UUID, Service]]:
    """An order that closed while at risk is at risk no more (a breach stays: it is its history). The orders
    cleared, with their service."""
    cleared = await session.execute(
        update(OrderSla)
        .where(
            OrderSla.order_id == Order.id,
            OrderSla.state == SlaState.AT_RISK.label,
            Order.status.not_in(OrderStatus.open()),
        )
        .values(state=OK, reason=None, changed_at=at)
        .returning(OrderSla.order_id, Order.service)
    )
    return [(order_id, service) for order_id, service in cleared.all()]


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """What the operators' order board narrows to; None: any."""

    statuses: frozenset[OrderStatus] | None = None
    flagged: bool | None = None
    sla_state: str | None = None
    service: Service | None = None
    technician_id: UUID | None = None
    driver_phone_digits: str | None = None  # matched as a substring of the phone's digits
    order_id: UUID | None = None
    order_id_prefix: str | None = None  # hex digits an id starts with, as the console shows ids: "be8b6101"
    region: str | None = None


@dataclass(frozen=True, slots=True)
class BoardRow:
    order: Order
    sla: OrderSla | None
    driver_name: str | None
    driver_phone: str | None


async def orders_with_state(
    session: AsyncSession,
    where: OrderFilter,
    *,
    limit: int | None = None,
    after: tuple[datetime, UUID] | None = None,
    oldest_change_first: bool = False,
) -> list[BoardRow]:
    """Orders with their SLA row (None: ok) and driver, newest first, or by the time their state changed."""
    query = (
        select(Order, OrderSla, User.name, Driver.phone)
        .outerjoin(OrderSla, OrderSla.order_id == Order.id)
        .outerjoin(Driver, Driver.id == Order.driver_id)
        .outerjoin(User, User.id == Order.driver_id)
    )
    if after is not None:
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
    if where.statuses is not None:
        query = query.where(Order.status.in_(where.statuses))
    if where.flagged is True:
        query = query.where(OrderSla.state.is_not(None), OrderSla.state != OK)
    elif where.flagged is False:
        query = query.where((OrderSla.state.is_(None)) | (OrderSla.state == OK))
    if where.sla_state == OK:
        query = query.where((OrderSla.state.is_(None)) | (OrderSla.state == OK))
    elif where.sla_state is not None:
        query = query.where(OrderSla.state == where.sla_state)
    if where.service is not None:
        query = query.where(Order.service == where.service)
    if where.technician_id is not None:
        query = query.where(Order.technician_id == where.technician_id)
    if where.order_id is not None:
        query = query.where(Order.id == where.order_id)
    if where.order_id_prefix:  # a range of the primary key: the ids that start so
        prefix = where.order_id_prefix.lower()
        query = query.where(Order.id.between(UUID(prefix.ljust(32, "0")), UUID(prefix.ljust(32, "f"))))
    if where.region is not None:
        query = query.where(Order.region == where.region)
    if where.driver_phone_digits:
        digits = func.regexp_replace(Driver.phone, "[^0-9]", "", "g")
        query = query.where(digits.contains(where.driver_phone_digits, autoescape=True))
    query = query.order_by(
        *((OrderSla.changed_at,) if oldest_change_first else (Order.created_at.desc(), Order.id.desc()))
    )
    if limit is not None:
        query = query.limit(limit)
    return [BoardRow(order, sla, name, phone) for order, sla, name, phone in (await session.execute(query)).all()]


async def breached_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).where(OrderSla.state == "breached"))).scalar_one())


async def try_lock_watcher(session: AsyncSession, lock_class: int) -> bool:
    """One watcher at a time: the lock is held until this transaction ends."""
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_class, 0))))


async def state_of(session: AsyncSession, order_id: UUID) -> tuple[str, str | None]:
    """The order's SLA state and its reason (ok, None without a row)."""
    row = (await session.execute(select(OrderSla.state, OrderSla.reason).where(OrderSla.order_id == order_id))).first()
    return (row[0], row[1]) if row else (OK, None)
