"""The tracking link: what anyone holding it may see of one order, for as long as it lasts.

The link follows the order until the job ended and for a day after (long enough to rate it); then it, and
everything it shows, is gone. It shows what the driver's app shows of the technician coming (name, photo,
van; his position, route and ETA only while he drives to the car), never who the driver is, where the
driver said he was, his notes or anyone's phone number."""

import asyncio
import math
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.avatars import shown_photo
from app.config import Settings
from app.console.roads import road_map
from app.errors import NotFound
from app.geo import from_geography
from app.live import repository as live_repository
from app.live.progress import Step, Trouble
from app.live.service import visible_position
from app.orders import repository as orders_repository
from app.orders.models import Order, OrderStatus
from app.orders.schemas import AssignedTechnician
from app.orders.views import present
from app.regions import service as regions
from app.tracking import ratings
from app.tracking import search as tracking_search
from app.tracking.links import links
from app.tracking.schemas import TrackedPosition, TrackedTechnician, TrackingRead

LINK_LIFETIME_AFTER_JOB = timedelta(hours=24)
# The map shows the roads this far around the car, in degrees of latitude (about 15 km): where the
# technician comes from, without shipping a whole region to a phone.
MAP_MARGIN_DEG = 0.135
MAP_GRID_DEG = 0.05  # about 5 km


async def open_link(session: AsyncSession, token: str, *, lock: bool = False) -> Order:
    """The order behind a tracking token; 404 for a token we did not sign or a link that has expired."""
    order_id = links().order_id(token)
    read = orders_repository.get_for_update if lock else orders_repository.get
    order = await read(session, order_id) if order_id is not None else None
    if order is None:
        raise NotFound("No such tracking link.")
    expires_at = await link_expires_at(session, order)
    if expires_at is not None and clock.now() >= expires_at:
        raise NotFound("No such tracking link.")  # the same answer as for a link that never was
    return order


async def link_expires_at(session: AsyncSession, order: Order) -> datetime | None:
    """A day after the job ended; None while it runs."""
    if order.status not in OrderStatus.ended():
        return None
    ends = [e.created_at for e in await orders_repository.timeline(session, order.id) if e.status is order.status]
    return (ends[-1] if ends else order.updated_at) + LINK_LIFETIME_AFTER_JOB


async def is_open(session: AsyncSession, token: str) -> bool:
    try:
        await open_link(session, token)
    except NotFound:
        return False
    return True


async def read_tracking(session: AsyncSession, settings: Settings, token: str) -> TrackingRead:
    return await view(session, settings, await open_link(session, token))


# While the search goes on and while the technician drives to the car: after that, the link shows no place.
CAR_SHOWN = frozenset({OrderStatus.SEARCHING, *OrderStatus.on_the_way()})


async def view(session: AsyncSession, settings: Settings, order: Order) -> TrackingRead:
    shown = await present(session, order)
    position = await visible_position(session, order)
    rated = order.status in OrderStatus.finished() and await ratings.is_rated(session, order.id)
    return TrackingRead(
        status=shown.status,
        service=shown.service,
        technician=public_technician(shown.technician) if shown.technician else None,
        eta=shown.eta,
        position=TrackedPosition.model_validate(position) if position else None,
        route=shown.route,
        resolution=shown.resolution,
        cancel_cause=order.cancel_cause,
        feedback_open=order.status in OrderStatus.finished() and not rated,
        rated=rated,
        call_back_by=await ratings.call_back_by(session, order.id) if rated else None,
        expires_at=await link_expires_at(session, order),
        time_zone=settings.timezone_of(order.region),
        held_up=await told_held_up(session, order),
        search=await search_news(session, order),
        car=from_geography(order.location) if order.status in CAR_SHOWN else None,
    )


async def search_news(session: AsyncSession, order: Order) -> Literal["no_road"] | None:
    """While searching: what the latest dispatch round found that the driver should know."""
    if order.status is not OrderStatus.SEARCHING:
        return None
    return await tracking_search.latest_outcome(session, order.id)


async def told_held_up(session: AsyncSession, order: Order) -> Literal["stalled", "no signal"] | None:
    """The trouble the driver has been told of (the escalation's third step), while the technician is coming."""
    if order.status not in OrderStatus.on_the_way():
        return None
    live = await live_repository.tracking(session, order.id)
    if live is None or live.trouble is None or live.trouble_step < Step.OFFER_REDISPATCH:
        return None
    return "stalled" if live.trouble == Trouble.STALLED else "no signal"


def public_technician(technician: AssignedTechnician) -> TrackedTechnician:
    # The page loads nothing from elsewhere: a photo of ours, as a path on the page's own origin.
    photo = shown_photo(technician.photo_url, technician.name, ours_only=True)
    return TrackedTechnician(name=technician.name, photo_url=photo, vehicle=technician.vehicle)


async def road_map_around(session: AsyncSession, settings: Settings, token: str) -> dict[str, Any]:
    """The roads around the car, from the region's own extract: {"bbox", "roads": [[rank, [lon, lat, ...]]]}."""
    order = await open_link(session, token)
    extract = await regions.extract_of_region(session, order.region or settings.region)
    if extract is None:
        raise NotFound("There is no map of this region.")
    roads = await asyncio.to_thread(road_map, extract)  # parsed once per process, off the event loop
    car = from_geography(order.location)
    # The box is centred on a grid cell, not on the car: its centre must not give away where the car stood.
    return roads_within(roads, round(car.lat / MAP_GRID_DEG) * MAP_GRID_DEG,
                        round(car.lon / MAP_GRID_DEG) * MAP_GRID_DEG, MAP_MARGIN_DEG + MAP_GRID_DEG)  # fmt: skip


def roads_within(roads: dict[str, Any], lat: float, lon: float, margin_deg: float) -> dict[str, Any]:
    """The roads with a point in the box around (lat, lon); a degree of longitude is shorter than one of
    latitude away from the equator, so the box is widened to stay about square on the ground."""
    lon_margin = margin_deg / max(0.2, math.cos(math.radians(lat)))
    west, south, east, north = lon - lon_margin, lat - margin_deg, lon + lon_margin, lat + margin_deg
    kept = [
        [rank, flat]
        for rank, flat in roads["roads"]
        if any(west <= x <= east and south <= y <= north for x, y in zip(flat[0::2], flat[1::2], strict=True))
    ]
    region = roads["bbox"] or [west, south, east, north]
    bbox = [max(west, region[0]), max(south, region[1]), min(east, region[2]), min(north, region[3])]
    return {"bbox": bbox, "roads": kept}
