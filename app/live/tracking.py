"""What a new position of a technician on a job means for the driver: a fresh ETA and route, an arrival."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app import events
from app.config import Settings
from app.geo import Point, from_geography, haversine_m, travel_heading
from app.live import messages, progress, repository
from app.live.filters import Fix
from app.live.geometry import distance_to_route_m, route_end
from app.live.models import OrderTracking
from app.orders.models import Order, OrderStatus
from app.orders.service import apply_transition
from app.routing.osrm import OsrmClient


@dataclass(frozen=True, slots=True)
class TrackingRules:
    eta_refresh: timedelta
    off_route_m: float
    arrival_radius_m: float
    arrival_dwell: timedelta
    progress_allowance_m: float = 100.0
    # A drive that grew by this much since the last estimate while he stayed on its route is doubted until the
    # last estimate is `confirmed_after` old (see _doubtful).
    doubted_growth_m: float = 300.0
    confirmed_after: timedelta = timedelta(seconds=20)

    @classmethod
    def from_settings(cls, settings: Settings) -> "TrackingRules":
        return cls(
            eta_refresh=timedelta(seconds=settings.eta_refresh_s),
            off_route_m=settings.off_route_m,
            arrival_radius_m=settings.arrival_radius_m,
            arrival_dwell=timedelta(seconds=settings.arrival_dwell_s),
            progress_allowance_m=settings.stall_allowance_m,
        )


async def on_position(
    session: AsyncSession,
    osrm: OsrmClient,
    order: Order,
    fix: Fix,
    now: datetime,
    rules: TrackingRules,
) -> None:
    """Called with the job's order row locked, after the technician's position moved to `fix`."""
    position, fix_at = fix.point, fix.recorded_at
    live = await repository.tracking_for_update(session, order.id)
    if order.status in OrderStatus.on_the_way():
        live.last_fix_at = max(fix_at, live.last_fix_at or fix_at)
    destination = from_geography(order.location)
    if order.status is OrderStatus.EN_ROUTE and await _arrival(session, order, live, position, destination, now, rules):
        return
    if order.status not in OrderStatus.on_the_way() or order.technician_id is None:
        return
    off_route = (
        live.route_geometry is not None and distance_to_route_m(position, live.route_geometry) > rules.off_route_m
    )
    due = live.eta_updated_at is None or now - live.eta_updated_at >= rules.eta_refresh
    if not (due or off_route or live.route_geometry is None):
        return
    route = await osrm.route(position, destination, heading=travel_heading(fix.heading, fix.speed_mps))
    if route is None:
        return  # no road from here: keep the last honest estimate rather than invent one
    if _doubtful(live, route.distance_m, off_route, now, rules):
        return  # the last estimate stands until the longer drive is confirmed
    # The live ETA is the calibrated median: OSRM's time scaled by the correction the promise was made with.
    seconds = route.duration_s * (order.eta_correction or 1.0)
    arrival_at = now + timedelta(seconds=seconds)
    live.eta_arrival_at, live.eta_confidence, live.eta_updated_at = arrival_at, route.confidence, now
    # The route is what is left of the drive, its length and time from the same answer; the live view redraws
    # it when he leaves it and each ROUTE_REDRAWN_EVERY_M he drives, not on every refresh of the ETA.
    redrawn = live.route_geometry is None or off_route or _crossed(live.route_distance_m, route.distance_m)
    live.route_geometry, live.route_distance_m, live.route_duration_s = (
        route.geometry,
        route.distance_m,
        route.duration_s,
    )
    _measure_progress(live, order, route.distance_m, fix_at, rules)
    await messages.publish_eta(
        session, order.id, round(seconds), arrival_at, order.promised_arrival_at, route.confidence
    )
    if redrawn:
        await messages.publish_route_changed(session, order.id)
    await events.publish(
        session,
        events.ArrivalEstimated(
            at=now, order_id=order.id, driver_id=order.driver_id, technician_id=order.technician_id,
            service=order.service, status=order.status.value, promised_at=order.promised_arrival_at,
            arrival_at=arrival_at,
        ),
    )  # fmt: skip


def _doubtful(live: OrderTracking, distance_m: float, off_route: bool, now: datetime, rules: TrackingRules) -> bool:
    """Whether a drive much longer than the last one, from a fix still on the last route, is more likely a fix
    matched to the wrong road (the other carriageway, a parallel one-way street: a loop of blocks to the same
    car) than news. Believed at once, such a fix told a driver whose van was 140 m away that it was 9 minutes
    off and late, and the next fix 5 s later said 1 minute. It is believed once the last estimate is
    `confirmed_after` old: a van really sent round the block keeps giving the longer drive."""
    return (
        not off_route
        and live.route_distance_m is not None
        and live.eta_updated_at is not None
        and distance_m > live.route_distance_m + rules.doubted_growth_m
        and now - live.eta_updated_at < rules.confirmed_after
    )


ROUTE_REDRAWN_EVERY_M = 500.0


def _crossed(before_m: float | None, now_m: float) -> bool:
    """Whether the drive left crossed a ROUTE_REDRAWN_EVERY_M mark since the last refresh: once per mark."""
    return before_m is None or before_m // ROUTE_REDRAWN_EVERY_M != now_m // ROUTE_REDRAWN_EVERY_M


def _measure_progress(
    live: OrderTracking, order: Order, remaining_m: float, fix_at: datetime, rules: TrackingRules
) -> None:
    """His best remaining road distance so far, and when he last beat it (the stall watch reads them)."""
    if order.assigned_at is None:
        return
    now = progress.measured(
        progress.Progress(order.assigned_at, live.best_remaining_m, live.improved_at, live.measured_at),
        remaining_m, fix_at, rules.progress_allowance_m,
    )  # fmt: skip
    live.best_remaining_m, live.improved_at, live.measured_at = now.best_m, now.improved_at, now.measured_at


async def _arrival(
    session: AsyncSession,
    order: Order,
    live: OrderTracking,
    position: Point,
    destination: Point,
    now: datetime,
    rules: TrackingRules,
) -> bool:
    """Marks the job arrived once the technician has stayed near the driver for the dwell time: near the pin, or
    near where his route ends, the road's nearest point to a pin set off the road (a car in a field, a yard)."""
    road_end = route_end(live.route_geometry)
    near = haversine_m(position, destination) <= rules.arrival_radius_m or (
        road_end is not None and haversine_m(position, road_end) <= rules.arrival_radius_m
    )
    if not near:
        live.near_since = None
        return False
    if live.near_since is None:
        live.near_since = now
    if now - live.near_since < rules.arrival_dwell:
        return False
    await apply_transition(session, order, OrderStatus.ARRIVED, None, {"detected": "position"})
    return True
