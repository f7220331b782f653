"""Which change deserves which push, to whom. Each push is a row written in the caller's transaction."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.channels import NOTIFICATIONS_CHANNEL, notify_on_commit
from app.orders.models import Order, OrderStatus
from notifications.models import Notification

ETA_CHANGE_THRESHOLD = timedelta(minutes=3)
ETA_CHANGE_MIN_GAP = timedelta(minutes=5)
ARRIVING_WITHIN = timedelta(minutes=3)
FEEDBACK_REQUEST_DELAY = timedelta(minutes=2)


async def push(
    session: AsyncSession,
    user_id: UUID,
    kind: str,
    order_id: UUID | None,
    params: dict[str, Any],
    *,
    collapse_key: str | None = None,
    available_at: datetime | None = None,
) -> None:
    notification = Notification(user_id=user_id, kind=kind, order_id=order_id, params=params, collapse_key=collapse_key)
    if available_at is not None:
        notification.available_at = available_at
    session.add(notification)
    await notify_on_commit(session, NOTIFICATIONS_CHANNEL)


async def already_sent(session: AsyncSession, order_id: UUID, kind: str, since: datetime | None = None) -> bool:
    query = select(Notification.id).where(Notification.order_id == order_id, Notification.kind == kind)
    if since is not None:
        query = query.where(Notification.created_at >= since)
    return (await session.execute(query.limit(1))).first() is not None


def eta_change_deserves_push(promised_at: datetime, live_arrival_at: datetime) -> bool:
    """Only a live ETA that moved past the promise by more than the threshold is worth a push."""
    return live_arrival_at - promised_at > ETA_CHANGE_THRESHOLD


async def on_eta_update(
    session: AsyncSession,
    *,
    order_id: UUID,
    driver_id: UUID,
    params: dict[str, Any],
    promised_at: datetime,
    live_arrival_at: datetime,
    now: datetime,
) -> None:
    """Pushes `eta_changed` when the promise slips (at most one per gap) and `arriving` once, a few minutes out."""
    if eta_change_deserves_push(promised_at, live_arrival_at) and not await already_sent(
        session, order_id, "eta_changed", since=now - ETA_CHANGE_MIN_GAP
    ):
        await push(
            session, driver_id, "eta_changed", order_id, {**params, "arrival_at": live_arrival_at.isoformat()},
            collapse_key=f"eta:{order_id}",
        )  # fmt: skip
    if live_arrival_at - now <= ARRIVING_WITHIN and not await already_sent(session, order_id, "arriving"):
        minutes = max(1, round((live_arrival_at - now).total_seconds() / 60))
        await push(session, driver_id, "arriving", order_id, {**params, "minutes": minutes})


async def on_status_change(
    session: AsyncSession,
    order: Order,
    previous_technician_id: UUID | None,
    actor_id: UUID | None,
    technician_name: str | None,
) -> None:
    """The pushes a status change owes the driver and the technicians involved."""
    params: dict[str, Any] = {
        "technician": technician_name,
        "service": order.service.value,
        "arrival_at": order.eta_arrival_at.isoformat() if order.eta_arrival_at else None,
    }
    status = order.status
    if status in DRIVER_PUSHES:
        await push(session, order.driver_id, DRIVER_PUSHES[status], order.id, params)
    if status is OrderStatus.COMPLETED or status is OrderStatus.FAILED:
        await push(
            session, order.driver_id, "feedback_request", order.id, params,
            available_at=order.updated_at + FEEDBACK_REQUEST_DELAY,
        )  # fmt: skip
    if status is OrderStatus.ASSIGNED and previous_technician_id and previous_technician_id != order.technician_id:
        await push(session, previous_technician_id, "cancelled", order.id, params)  # reassigned to someone else
    if status is OrderStatus.CANCELLED:
        if actor_id != order.driver_id:
            await push(session, order.driver_id, "cancelled", order.id, params)
        if order.technician_id is not None and actor_id != order.technician_id:
            await push(session, order.technician_id, "cancelled", order.id, params)


DRIVER_PUSHES = {
    OrderStatus.ASSIGNED: "assigned",
    OrderStatus.EN_ROUTE: "en_route",
    OrderStatus.ARRIVED: "arrived",
    OrderStatus.COMPLETED: "completed",
    OrderStatus.UNFULFILLED: "unfulfilled",
}


def offer_params(service: str, eta_seconds: float | None, ttl_s: int) -> dict[str, Any]:
    return {"service": service, "minutes": max(1, round((eta_seconds or 0) / 60)), "ttl": ttl_s}


async def push_offers(session: AsyncSession, offers: list[tuple[UUID, UUID, dict[str, Any]]]) -> None:
    """One `offer` push per (technician, order, params), in one statement."""
    if not offers:
        return
    await session.execute(
        insert(Notification),
        [
            {"id": uuid4(), "user_id": technician_id, "kind": "offer", "order_id": order_id, "params": params,
             "collapse_key": f"offer:{order_id}"}
            for technician_id, order_id, params in offers
        ],
    )  # fmt: skip
    await notify_on_commit(session, NOTIFICATIONS_CHANNEL)
