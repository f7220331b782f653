from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.auth.tokens import Principal
from app.channels import DISPATCH_CHANNEL, notify_on_commit
from app.enums import Role
from app.errors import Conflict, InvalidInput, NotFound, Unauthorized
from app.geo import from_geography, haversine_m, to_geography
from app.live import events
from app.orders import repository
from app.orders.models import JobEvent, Order, OrderStatus, Resolution
from app.orders.schemas import (
    AssignedTechnician,
    Eta,
    OrderCreate,
    OrderRead,
    Route,
    StatusChange,
    TimelineEntry,
)
from app.orders.state_machine import ensure_transition
from app.pagination import decode_cursor, encode_cursor
from app.schemas import Page
from app.technicians.models import Technician
from app.users.models import Driver
from dispatch.models import Offer, OfferStatus
from feedback import scores
from notifications import policy

RESOLUTIONS_BY_OUTCOME = {
    OrderStatus.COMPLETED: {Resolution.FIXED_ON_SITE, Resolution.TOWED},
    OrderStatus.FAILED: {Resolution.NOT_FIXED, Resolution.TOWED},
}


@dataclass(frozen=True, slots=True)
class EtaEstimate:
    seconds: float
    confidence: str
    distance_m: float | None = None


now = clock.now
# The statuses that settle one of the technician's trust signals (on time, first fix, kept jobs).
MOVES_TRUST = frozenset({OrderStatus.ARRIVED, OrderStatus.COMPLETED, OrderStatus.FAILED, OrderStatus.CANCELLED})


async def load_visible(session: AsyncSession, principal: Principal, order_id: UUID, *, lock: bool = False) -> Order:
    """The order if the caller may see it; otherwise 404, so as not to reveal that it exists."""
    order = await (repository.get_for_update if lock else repository.get)(session, order_id)
    if order is None or not may_see(principal, order):
        raise NotFound("No such order.")
    return order


def may_see(principal: Principal, order: Order) -> bool:
    if principal.role is Role.OPERATOR:
        return True
    if principal.role is Role.DRIVER:
        return order.driver_id == principal.user_id
    return order.technician_id == principal.user_id


async def apply_transition(
    session: AsyncSession,
    order: Order,
    target: OrderStatus,
    actor_id: UUID | None,
    data: dict[str, Any] | None = None,
    previous_technician_id: UUID | None = None,
) -> None:
    """Moves a locked order to `target`, appends the timeline and writes the pushes it owes, in this transaction."""
    ensure_transition(order.status, target)
    at = now()
    order.status = target
    order.updated_at = at
    session.add(JobEvent(order_id=order.id, status=target, actor_id=actor_id, data=data, created_at=at))
    order.near_since = None
    await events.publish_status(session, order.id, target.value, at)
    technician = await session.get(Technician, order.technician_id) if order.technician_id else None
    await policy.on_status_change(
        session, order, previous_technician_id, actor_id, technician.name if technician else None
    )
    if target in MOVES_TRUST and order.technician_id is not None:
        await scores.refresh(session, [order.technician_id], target.value, at, order.id)
    if previous_technician_id is not None and previous_technician_id != order.technician_id:
        await scores.refresh(session, [previous_technician_id], "reassigned_away", at, order.id)


async def create_order(session: AsyncSession, principal: Principal, data: OrderCreate) -> OrderRead:
    if await session.get(Driver, principal.user_id) is None:
        raise Unauthorized("This driver account does not exist.")
    if await repository.open_order_of_driver(session, principal.user_id) is not None:
        raise Conflict("You already have an open order.")
    at = now()
    order = Order(
        driver_id=principal.user_id,
        service=data.service,
        status=OrderStatus.SEARCHING,
        location=to_geography(data.location),
        address=data.address,
        vehicle=data.vehicle.model_dump(exclude_none=True) if data.vehicle else None,
        notes=data.notes,
        created_at=at,
        updated_at=at,
    )
    session.add(order)
    await session.flush()
    session.add(
        JobEvent(
            order_id=order.id,
            status=OrderStatus.SEARCHING,
            actor_id=principal.user_id,
            created_at=at,
        )
    )
    await events.publish_status(session, order.id, OrderStatus.SEARCHING.value, at)  # the console sees it at once
    await notify_on_commit(session, DISPATCH_CHANNEL)
    return await present(session, order)


async def read_order(session: AsyncSession, principal: Principal, order_id: UUID) -> OrderRead:
    return await present(session, await load_visible(session, principal, order_id))


async def list_orders(session: AsyncSession, principal: Principal, limit: int, cursor: str | None) -> Page[OrderRead]:
    after = decode_cursor(cursor) if cursor else None
    orders = await repository.list_for_driver(session, principal.user_id, limit + 1, after)
    page = orders[:limit]
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(orders) > limit else None
    return Page(items=[await present(session, order) for order in page], next_cursor=next_cursor)


async def cancel_order(session: AsyncSession, principal: Principal, order_id: UUID, reason: str | None) -> OrderRead:
    order = await load_visible(session, principal, order_id, lock=True)
    await apply_transition(session, order, OrderStatus.CANCELLED, principal.user_id, {"reason": reason})
    order.cancel_reason = reason
    await withdraw_pending_offers(session, order.id)
    await notify_on_commit(session, DISPATCH_CHANNEL)  # a technician may be free again
    return await present(session, order)


async def report_status(session: AsyncSession, principal: Principal, order_id: UUID, change: StatusChange) -> OrderRead:
    order = await load_visible(session, principal, order_id, lock=True)
    target = OrderStatus(change.status)
    if change.resolution is not None:
        allowed = RESOLUTIONS_BY_OUTCOME.get(target)
        if allowed is None or change.resolution not in allowed:
            raise InvalidInput(f"Resolution {change.resolution.value} does not fit status {target.value}.")
    if target is OrderStatus.ARRIVED:
        await ensure_near(session, order)
    await apply_transition(session, order, target, principal.user_id)
    if change.resolution is not None:
        order.resolution = change.resolution
    elif target is OrderStatus.FAILED:
        order.resolution = Resolution.NOT_FIXED
    if target in (OrderStatus.COMPLETED, OrderStatus.FAILED):
        await notify_on_commit(session, DISPATCH_CHANNEL)  # the technician is free again
    return await present(session, order)


ARRIVED_CLAIM_MAX_M = 500.0
FRESH_POSITION = timedelta(minutes=2)


async def ensure_near(session: AsyncSession, order: Order) -> None:
    """A technician cannot claim to have arrived while his phone places him kilometres away."""
    technician = await session.get(Technician, order.technician_id) if order.technician_id else None
    if technician is None or technician.position is None or technician.position_at is None:
        return  # no fresh fix to contradict him
    if now() - technician.position_at > FRESH_POSITION:
        return
    distance = haversine_m(from_geography(technician.position), from_geography(order.location))
    if distance > ARRIVED_CLAIM_MAX_M:
        raise Conflict(f"Your last position is {distance / 1000:.1f} km from the driver: not arrived yet.")


async def assign(
    session: AsyncSession,
    order: Order,
    technician: Technician,
    actor_id: UUID | None,
    eta: EtaEstimate | None,
) -> None:
    """Gives a locked order to a technician and stores the promised arrival time."""
    if order.service.value not in technician.skills:
        raise Conflict(f"The technician does not offer {order.service.value}.")
    previous_technician = order.technician_id
    order.technician_id = technician.id
    at = now()
    order.assigned_at = at
    if eta is not None:
        order.promised_arrival_at = at + timedelta(seconds=eta.seconds)
        order.eta_arrival_at = order.promised_arrival_at
        order.eta_confidence = eta.confidence
    else:
        order.promised_arrival_at = order.eta_arrival_at = order.eta_confidence = None
    order.route_geometry = order.route_distance_m = order.route_duration_s = None
    await apply_transition(
        session,
        order,
        OrderStatus.ASSIGNED,
        actor_id,
        {
            "technician_id": str(technician.id),
            "reassigned_from": str(previous_technician) if previous_technician else None,
        },
        previous_technician_id=previous_technician,
    )
    await session.flush()
    await withdraw_pending_offers(session, order.id)


async def withdraw_pending_offers(session: AsyncSession, order_id: UUID) -> None:
    """Withdraws the order's open offers. Callers hold the order's row lock, which guards its offers."""
    await session.execute(
        update(Offer)
        .where(Offer.order_id == order_id, Offer.status == OfferStatus.PENDING)
        .values(status=OfferStatus.WITHDRAWN, responded_at=now())
    )


async def present(session: AsyncSession, order: Order) -> OrderRead:
    await session.flush()
    events = await repository.timeline(session, order.id)
    technician = None
    if order.technician_id is not None:
        tech, rating = await repository.technician_with_rating(session, order.technician_id)
        technician = AssignedTechnician(id=tech.id, name=tech.name, rating=rating, vehicle=tech.vehicle)
    eta = None
    if order.eta_arrival_at is not None and order.eta_confidence is not None:
        remaining = max(0, round((order.eta_arrival_at - now()).total_seconds()))
        eta = Eta(
            seconds=remaining,
            arrival_at=order.eta_arrival_at,
            promised_at=order.promised_arrival_at,
            confidence="high" if order.eta_confidence == "high" else "low",
        )
    route = None
    if order.route_geometry is not None and order.route_distance_m is not None and order.route_duration_s is not None:
        route = Route(
            geometry=order.route_geometry,
            distance_m=order.route_distance_m,
            duration_s=order.route_duration_s,
        )
    return OrderRead(
        id=order.id,
        status=order.status,
        service=order.service,
        location=from_geography(order.location),
        address=order.address,
        vehicle=order.vehicle,
        notes=order.notes,
        created_at=order.created_at,
        technician=technician,
        eta=eta,
        route=route,
        resolution=order.resolution,
        cancel_reason=order.cancel_reason,
        timeline=[TimelineEntry(status=e.status, at=e.created_at) for e in events],
    )
