"""The order as the apps see it: the order, its timeline, the technician coming and the live view of his
drive (ETA and route, kept by app/live)."""

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.geo import from_geography
from app.live import repository as live_repository
from app.orders import repository
from app.orders.models import Order
from app.orders.schemas import AssignedTechnician, Eta, OrderRead, Route, TimelineEntry
from app.technicians import repository as technicians_repository
from app.technicians import reputation


async def present(session: AsyncSession, order: Order) -> OrderRead:
    await session.flush()
    timeline = await repository.timeline(session, order.id)
    technician = None
    if order.technician_id is not None:
        found = await technicians_repository.get(session, order.technician_id)
        assert found is not None
        standing = (await reputation.of(session, [found.id])).get(found.id)
        technician = AssignedTechnician(
            id=found.id, name=found.name, rating=standing.rating if standing else None, vehicle=found.vehicle
        )
    tracking = await live_repository.tracking(session, order.id)
    live = tracking if tracking is not None and tracking.computed_since(order.assigned_at) else None
    arrival_at, confidence = order.promised_arrival_at, order.promise_confidence  # until the first live ETA
    if live is not None and live.eta_arrival_at is not None:
        arrival_at, confidence = live.eta_arrival_at, live.eta_confidence
    eta = None
    if arrival_at is not None and confidence is not None:
        eta = Eta(
            seconds=max(0, round((arrival_at - clock.now()).total_seconds())),
            arrival_at=arrival_at,
            promised_at=order.promised_arrival_at,
            confidence="high" if confidence == "high" else "low",
        )
    route = None
    if (
        live is not None
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
        address=order.address,
        vehicle=order.vehicle,
        notes=order.notes,
        created_at=order.created_at,
        technician=technician,
        eta=eta,
        route=route,
        resolution=order.resolution,
        cancel_reason=order.cancel_reason,
        timeline=[TimelineEntry(status=e.status, at=e.created_at) for e in timeline],
    )
