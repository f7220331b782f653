"""What a new position of a technician on a job means for the driver: a fresh ETA and route, an arrival."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point, from_geography, haversine_m
from app.live import events
from app.live.geometry import distance_to_route_m
from app.orders.models import Order, OrderStatus
from app.orders.service import apply_transition
from app.routing.osrm import OsrmClient
from notifications import policy


@dataclass(frozen=True, slots=True)
class TrackingRules:
    eta_refresh: timedelta = timedelta(seconds=5)
    off_route_m: float = 80.0
    arrival_radius_m: float = 75.0
    arrival_dwell: timedelta = timedelta(seconds=20)


async def on_position(
    session: AsyncSession,
    osrm: OsrmClient,
    order: Order,
    position: Point,
    technician_name: str,
    now: datetime,
    rules: TrackingRules,
) -> None:
    """Called with the job's order row locked, after the technician's position moved."""
    destination = from_geography(order.location)
    if order.status is OrderStatus.EN_ROUTE and await _arrival(session, order, position, destination, now, rules):
        return
    if order.status not in (OrderStatus.ASSIGNED, OrderStatus.EN_ROUTE):
        return
    off_route = (
        order.route_geometry is not None and distance_to_route_m(position, order.route_geometry) > rules.off_route_m
    )
    due = order.eta_updated_at is None or now - order.eta_updated_at >= rules.eta_refresh
    if not (due or off_route or order.route_geometry is None):
        return
    route = await osrm.route(position, destination)
    if route is None:
        return  # no road from here: keep the last honest estimate rather than invent one
    order.eta_arrival_at = now + timedelta(seconds=route.duration_s)
    order.eta_confidence = route.confidence
    order.eta_updated_at = now
    new_route = order.route_geometry is None or off_route
    if new_route:
        order.route_geometry, order.route_distance_m = route.geometry, route.distance_m
    order.route_duration_s = route.duration_s
    await events.publish_eta(
        session, order.id, round(route.duration_s), order.eta_arrival_at, order.promised_arrival_at, route.confidence
    )
    if new_route:
        await events.publish_route_changed(session, order.id)
    if order.promised_arrival_at is not None:
        await policy.on_eta_update(
            session,
            order_id=order.id,
            driver_id=order.driver_id,
            params={"technician": technician_name, "service": order.service.value},
            promised_at=order.promised_arrival_at,
            live_arrival_at=order.eta_arrival_at,
            now=now,
        )


async def _arrival(
    session: AsyncSession, order: Order, position: Point, destination: Point, now: datetime, rules: TrackingRules
) -> bool:
    """Marks the job arrived once the technician has stayed near the driver for the dwell time."""
    if haversine_m(position, destination) > rules.arrival_radius_m:
        order.near_since = None
        return False
    if order.near_since is None:
        order.near_since = now
    if now - order.near_since < rules.arrival_dwell:
        return False
    await apply_transition(session, order, OrderStatus.ARRIVED, None, {"detected": "position"})
    return True
