"""The order as the apps see it: the order, its timeline, the technician coming and the live view of his
drive (ETA and route, kept by app/live)."""

from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.avatars import shown_photo
from app.enums import Role
from app.geo import from_geography
from app.live import repository as live_repository
from app.orders import repository
from app.orders.models import Order, OrderStatus
from app.orders.schemas import AssignedTechnician, Eta, OrderRead, Route, TimelineEntry
from app.schemas import VehicleRead
from app.technicians import repository as technicians_repository
from app.technicians import reputation
from app.tracking.links import links


async def present(session: AsyncSession, order: Order, viewer: Role | None = None) -> OrderRead:
    """The order for the apps; a technician (`viewer`) gets no tracking link: it is the driver's to share."""
    await session.flush()
    timeline = await repository.timeline(session, order.id)
    technician = await technician_block(session, order.technician_id) if order.technician_id else None
    tracking = await live_repository.tracking(session, order.id)
    live = tracking if tracking is not None and tracking.computed_since(order.assigned_at) else None
    arrival_at, confidence = order.promised_arrival_at, order.promise_confidence  # until the first live ETA
    if arrival_at is not None and order.assigned_at is not None and order.eta_raw_s is not None:
        arrival_at = order.assigned_at + timedelta(seconds=order.eta_raw_s * (order.eta_correction or 1.0))  # median
    if live is not None and live.eta_arrival_at is not None:
        arrival_at, confidence = live.eta_arrival_at, live.eta_confidence
    on_the_way = order.status in OrderStatus.on_the_way()  # once he is there, there is nothing to wait for
    eta = None
    if on_the_way and arrival_at is not None and confidence is not None:
        eta = Eta(
            seconds=max(0, round((arrival_at - clock.now()).total_seconds())),
            arrival_at=arrival_at,
            promised_at=order.promised_arrival_at,
            confidence="high" if confidence == "high" else "low",
            late=events.slips(arrival_at, order.promised_arrival_at),
        )
    route = None
    if (
        on_the_way
        and live is not None
        and live.route_geometry is not None
        and live.route_distance_m is not None
        and live.route_duration_s is not None
    ):
        route = Route(geometry=live.route_geometry, distance_m=live.route_distance_m, duration_s=live.route_duration_s)
    return OrderRead(
        id=order.id,
        status=order.status,
        service=order.service,
        location=from_geography(order.location),
        region=order.region,
        address=order.address,
        vehicle=order.vehicle,
        notes=order.notes,
        created_at=order.created_at,
        technician=technician,
        eta=eta,
        route=route,
        resolution=order.resolution,
        cancel_reason=order.cancel_reason,
        cancel_cause=order.cancel_cause,
        partner_reference=order.partner_reference,
        locale=order.locale,
        timeline=[
            TimelineEntry(
                status=e.status, at=e.created_at,
                promised_at=order.promised_arrival_at if e.status is OrderStatus.ARRIVED else None,
            )
            for e in timeline
        ],
        tracking_url=None if viewer is Role.TECHNICIAN else links().url(order.id, order.locale),
    )  # fmt: skip


async def technician_block(session: AsyncSession, technician_id: UUID) -> AssignedTechnician | None:
    """The technician as the driver sees him (the order's `technician`, and live status messages)."""
    found = await technicians_repository.get(session, technician_id)
    if found is None:
        return None
    standing = (await reputation.of(session, [found.id])).get(found.id)
    vehicle = VehicleRead.model_validate(found.vehicle) if found.vehicle else None
    return AssignedTechnician(
        id=found.id, name=found.shown_name, photo_url=shown_photo(found.photo_url, found.shown_name), vehicle=vehicle,
        rating=standing.rating if standing else None,
    )  # fmt: skip
