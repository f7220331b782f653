"""The order lifecycle: creating, cancelling, assigning and reporting on orders. Each change locks the order
row, checks the state machine, appends the timeline and publishes one typed event; the domains that react
(pushes, trust, live streams, dispatch) subscribe to it."""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.enums import Role
from app.errors import Conflict, InvalidInput, NotFound, Unauthorized
from app.geo import from_geography, haversine_m, to_geography
from app.orders import repository
from app.orders.models import CancelCause, JobEvent, Order, OrderStatus, Resolution
from app.orders.schemas import OrderCancel, OrderCreate, OrderRead, StatusChange
from app.orders.state_machine import ensure_transition
from app.orders.views import present
from app.pagination import decode_cursor, next_cursor
from app.regions import service_area
from app.routing.osrm import OsrmClient
from app.schemas import Page
from app.technicians import repository as technicians_repository
from app.technicians.models import Technician

log = logging.getLogger("trustloop.orders")

RESOLUTIONS_BY_OUTCOME = {
    OrderStatus.COMPLETED: {Resolution.FIXED_ON_SITE, Resolution.TOWED},
    OrderStatus.FAILED: {Resolution.NOT_FIXED, Resolution.TOWED},
}
ARRIVED_CLAIM_MAX_M = 500.0
FRESH_POSITION = timedelta(minutes=2)
# After his job ends a technician may still read it (to report, to check the address of a failed job) this
# long; then the driver's address, plate and notes are none of his business.
TECHNICIAN_ACCESS_AFTER_JOB = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class EtaEstimate:
    """An arrival estimate; a promise made from it also says what it was made of (dispatch/calibration.py)."""

    seconds: float  # the promise
    confidence: str
    distance_m: float | None = None  # by road
    raw_seconds: float | None = None  # OSRM's estimate, when the promise was calibrated from it
    straight_m: float | None = None
    correction: float = 1.0  # the median drive / OSRM's estimate: live ETAs scale by it
    quantile: float | None = None
    basis: dict[str, Any] | None = None


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
    if principal.role is Role.PARTNER:
        return order.partner_id == principal.user_id
    if order.technician_id != principal.user_id:
        return False
    return order.status in OrderStatus.open() or clock.now() - order.updated_at <= TECHNICIAN_ACCESS_AFTER_JOB


async def apply_transition(
    session: AsyncSession,
    order: Order,
    target: OrderStatus,
    actor_id: UUID | None,
    data: dict[str, Any] | None = None,
    *,
    previous_technician_id: UUID | None = None,
    reason: str | None = None,
    cause: CancelCause | None = None,
) -> None:
    """Moves a locked order to `target`, appends the timeline and publishes the change, in this transaction."""
    ensure_transition(order.status, target)
    at = clock.now()
    previous = order.status
    order.status = target
    order.updated_at = at
    session.add(JobEvent(order_id=order.id, status=target, actor_id=actor_id, data=data, created_at=at))
    log.info("order %s (%s): %s -> %s", str(order.id)[:8], order.service.value, previous.value, target.value)
    await events.publish(
        session,
        events.OrderStatusChanged(
            at=at, order_id=order.id, driver_id=order.driver_id, service=order.service, status=target.value,
            previous_status=previous.value, technician_id=order.technician_id,
            previous_technician_id=previous_technician_id, actor_id=actor_id,
            promised_at=order.promised_arrival_at,
            resolution=order.resolution.value if order.resolution else None, reason=reason,
            cause=cause.value if cause else None,
        ),
    )  # fmt: skip


async def create_order(session: AsyncSession, osrm: OsrmClient, principal: Principal, data: OrderCreate) -> OrderRead:
    if not await repository.driver_exists(session, principal.user_id):
        raise Unauthorized("This driver account does not exist.")
    return await present(session, await place_order(session, osrm, principal.user_id, principal.user_id, data))


async def place_order(
    session: AsyncSession,
    osrm: OsrmClient,
    driver_id: UUID,
    actor_id: UUID,
    data: OrderCreate,
    *,
    partner_id: UUID | None = None,
    partner_reference: str | None = None,
    allowed_regions: Collection[str] = (),
    locale: str | None = None,
) -> Order:
    """A new order in `searching`, for the driver or, placed by a partner, for its member. Refused outside the
    served area (or outside the partner's regions) and while the driver has an open order."""
    open_order = await repository.open_order_of_driver(session, driver_id)
    if open_order is not None:
        raise OpenOrderExists.of(open_order, placed_by_partner=partner_id)
    region = await service_area.region_of(
        session, osrm, data.location, for_member_in=allowed_regions if partner_id is not None else None
    )
    if allowed_regions and region not in allowed_regions:
        raise service_area.OutsideServiceArea(
            f"The member's place is in {region.title()}, outside the regions your contract covers "
            f"({', '.join(r.title() for r in sorted(allowed_regions))}); nothing was stored."
        )
    at = clock.now()
    order = Order(
        driver_id=driver_id,
        region=region,
        service=data.service,
        status=OrderStatus.SEARCHING,
        location=to_geography(data.location),
        address=data.address,
        vehicle=data.vehicle.model_dump(exclude_none=True) if data.vehicle else None,
        notes=data.notes,
        partner_id=partner_id,
        partner_reference=partner_reference,
        locale=locale,
        created_at=at,
        updated_at=at,
    )
    session.add(order)
    await session.flush()
    session.add(JobEvent(order_id=order.id, status=OrderStatus.SEARCHING, actor_id=actor_id, created_at=at))
    await events.publish(
        session, events.OrderCreated(at=at, order_id=order.id, driver_id=order.driver_id, service=order.service)
    )
    log.info("order %s (%s): asked for in %s", str(order.id)[:8], order.service.value, region)
    return order


async def read_order(session: AsyncSession, principal: Principal, order_id: UUID) -> OrderRead:
    return await present(session, await load_visible(session, principal, order_id), principal.role)


async def list_orders(session: AsyncSession, principal: Principal, limit: int, cursor: str | None) -> Page[OrderRead]:
    after = decode_cursor(cursor) if cursor else None
    orders = await repository.list_for_owner(session, principal.role, principal.user_id, limit + 1, after)
    return Page(
        items=[await present(session, order) for order in orders[:limit]],
        next_cursor=next_cursor(orders, limit, lambda o: (o.created_at, o.id)),
    )


async def cancel_order(session: AsyncSession, principal: Principal, order_id: UUID, body: OrderCancel) -> OrderRead:
    order = await load_visible(session, principal, order_id, lock=True)
    # A driver calling his own request off is the cause, whatever he sends: the others are ours or a partner's to say.
    cause = CancelCause.DRIVER_ASKED if principal.role is Role.DRIVER else body.cause
    order.cancel_reason, order.cancel_cause = body.reason, cause
    await apply_transition(
        session, order, OrderStatus.CANCELLED, principal.user_id,
        {"reason": body.reason, "cause": cause.value if cause else None}, reason=body.reason, cause=cause,
    )  # fmt: skip
    return await present(session, order)


async def report_status(
    session: AsyncSession, principal: Principal, order_id: UUID, change: StatusChange, *, override: str | None = None
) -> OrderRead:
    """The technician's report of his progress; an operator may record it for him (`override` says why),
    without the position check of an arrival."""
    order = await load_visible(session, principal, order_id, lock=True)
    if override is not None and order.technician_id is None:
        raise Conflict("Nobody is assigned to this order.")
    target = OrderStatus(change.status)
    if change.resolution is not None:
        allowed = RESOLUTIONS_BY_OUTCOME.get(target)
        if allowed is None or change.resolution not in allowed:
            raise InvalidInput(f"Resolution {change.resolution.value} does not fit status {target.value}.")
    if target is OrderStatus.ARRIVED and override is None:
        await ensure_near(session, order)
    ensure_transition(order.status, target)
    if change.resolution is not None:
        order.resolution = change.resolution
    elif target is OrderStatus.FAILED:
        order.resolution = Resolution.NOT_FIXED
    await apply_transition(
        session, order, target, principal.user_id, {"override": override} if override else None, reason=override
    )
    return await present(session, order, principal.role)


# Where an open order stands, in the words of a refusal of another.
OPEN_ORDER_STANDING = {
    OrderStatus.SEARCHING: "still looking for a technician",
    OrderStatus.ASSIGNED: "a technician is assigned",
    OrderStatus.EN_ROUTE: "the technician is on the way",
    OrderStatus.ARRIVED: "the technician is at the car",
    OrderStatus.IN_PROGRESS: "the technician is at work",
}


class OpenOrderExists(Conflict):
    problem = "open-order"

    @classmethod
    def of(cls, order: Order, placed_by_partner: UUID | None) -> "OpenOrderExists":
        """Names the open order, to its driver or to the partner whose member it is (a member's account is the
        partner's own, so the order is one the partner placed)."""
        standing = OPEN_ORDER_STANDING.get(order.status, order.status.value)
        if placed_by_partner is None:
            return cls(
                f"You already have an open order ({standing}): follow it, or cancel it to ask again.",
                extra={"open_order_id": str(order.id)},
            )
        reference = f" {order.partner_reference}" if order.partner_reference else ""
        return cls(
            f"The member already has an open order{reference} ({standing}): follow it, or cancel it to place a new "
            "one.",
            extra={"open_order_id": str(order.id), "partner_reference": order.partner_reference},
        )


class NoFreshPosition(Conflict):
    problem = "no-fresh-position"


class NotNearTheCar(Conflict):
    problem = "not-near-the-car"


async def ensure_near(session: AsyncSession, order: Order) -> None:
    """A technician claims to have arrived only with a fresh position near the driver (an operator can
    record the arrival for him when his phone cannot tell)."""
    technician = await technicians_repository.get(session, order.technician_id) if order.technician_id else None
    if technician is None or technician.position is None or technician.position_at is None:
        raise NoFreshPosition("Your phone has not reported where you are: turn on location, or ask the operator.")
    if clock.now() - technician.position_at > FRESH_POSITION:
        raise NoFreshPosition(
            "Your last position is too old to confirm the arrival: turn on location, or ask the operator."
        )
    distance = haversine_m(from_geography(technician.position), from_geography(order.location))
    if distance > ARRIVED_CLAIM_MAX_M:
        raise NotNearTheCar(f"Your last position is {distance / 1000:.1f} km from the driver: not arrived yet.")


def ensure_offers(technician: Technician, order: Order) -> None:
    """The one skills check: a technician takes only the services he offers."""
    if order.service.value not in technician.skills:
        raise Conflict(f"The technician does not offer {order.service.value}.")


def ensure_serves_region(technician: Technician, order: Order, cross_border: bool) -> None:
    """The rule dispatch follows, held for operators too: a technician serves his own region's orders (one of
    no region serves any), unless crossing borders is allowed."""
    if cross_border or technician.region is None or order.region is None or technician.region == order.region:
        return
    raise Conflict(
        f"{technician.name} serves the region {technician.region.title()}; this order is in {order.region.title()}."
    )


async def assign(
    session: AsyncSession,
    order: Order,
    technician: Technician,
    actor_id: UUID | None,
    eta: EtaEstimate | None,
) -> None:
    """Gives a locked order to a technician and stores the promised arrival time."""
    ensure_offers(technician, order)
    previous_technician = order.technician_id
    order.technician_id = technician.id
    at = clock.now()
    order.assigned_at = at
    if eta is not None:
        order.promised_arrival_at = at + timedelta(seconds=eta.seconds)
        order.promise_confidence = eta.confidence
        order.eta_raw_s = eta.raw_seconds if eta.raw_seconds is not None else eta.seconds
        order.eta_distance_m, order.eta_correction = eta.straight_m, eta.correction
        order.promise_quantile, order.promise_basis = eta.quantile, eta.basis
    else:
        order.promised_arrival_at = order.promise_confidence = None
        order.eta_raw_s = order.eta_distance_m = order.eta_correction = order.promise_quantile = None
        order.promise_basis = None
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
