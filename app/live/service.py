from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.channels import LIVE_CHANNEL
from app.config import Settings
from app.errors import NotFound, TooManyRequests
from app.geo import Point, from_geography
from app.limits.service import rate_window
from app.live import messages, publishing, repository, tracking
from app.live.filters import FilterLimits, Fix, filter_fixes
from app.live.schemas import LocationBatch, LocationResult
from app.orders import repository as orders_repository
from app.orders.models import Order, OrderStatus
from app.routing.osrm import OsrmClient
from app.technicians import repository as technicians_repository


async def ingest(
    session: AsyncSession, osrm: OsrmClient, settings: Settings, principal: Principal, batch: LocationBatch
) -> LocationResult:
    """Believable positions become the technician's last position (one update) and, during a job, its
    history, a live event for the driver and a fresh ETA.

    Pings are many and each is superseded seconds later, so a batch that only moves positions commits without
    waiting for the disk: a crash of the database may lose the last few hundred ms of positions. A batch that
    changes more (an arrival detected, a push owed) publishes a durable event and commits synchronously, so a
    crash never loses an order change, a rating or a push."""
    events.allow_relaxed_commit(session, relaxed_by_next_statement=True)  # count_and_read relaxes it
    now = clock.now()
    window_start, retry_after = rate_window(now, settings.location_window_s)
    state = await repository.count_and_read(session, principal.user_id, f"locations:{principal.user_id}", window_start)
    if state is None:
        raise NotFound("No technician profile belongs to this account.")
    if state.requests_in_window > settings.location_requests_per_window:
        raise TooManyRequests(
            f"At most {settings.location_requests_per_window} location batches per {settings.location_window_s} s.",
            headers={"Retry-After": str(retry_after)},
        )
    fixes = [
        Fix(Point(lat=p.lat, lon=p.lon), p.recorded_at, p.accuracy_m, p.heading, p.speed_mps) for p in batch.points
    ]
    accepted, rejected = filter_fixes(fixes, state.last, now, FilterLimits())
    result = LocationResult(
        accepted=len(accepted), rejected=sum(rejected.values()), reasons={r.value: n for r, n in rejected.items()}
    )
    if not accepted:
        return result

    latest = accepted[-1]
    # Lock order as everywhere: the job's order row first, then (by the update) the technician's.
    order = await orders_repository.get_for_update(session, state.job_id) if state.job_id else None
    visible_to_driver = order is not None and order.status in OrderStatus.on_the_way()
    message = messages.position_message(
        order.id if order is not None and visible_to_driver else None, principal.user_id,
        latest.point.lat, latest.point.lon, latest.heading, latest.recorded_at,
    )  # fmt: skip
    if publishing.through_database():  # the NOTIFY rides on the update: one round trip
        moved = await repository.move(session, principal.user_id, latest, notify=(LIVE_CHANNEL, message))
    else:
        moved = await repository.move(session, principal.user_id, latest)
        if moved:
            publishing.after_commit(session, message)
    if not moved:
        return result  # a concurrent batch carried a newer fix already
    if order is not None and order.technician_id != principal.user_id:
        order = None  # the job moved on between the two reads
    if order is not None:
        await repository.keep_history(session, principal.user_id, order.id, accepted)
        await tracking.on_position(session, osrm, order, latest, now, tracking.TrackingRules.from_settings(settings))
    await session.flush()
    return result


async def visible_position(session: AsyncSession, order: Order) -> dict[str, Any] | None:
    """The technician's last position as the order's live streams show it: only while he drives to the car."""
    if order.status not in OrderStatus.on_the_way() or order.technician_id is None:
        return None
    technician = await technicians_repository.get(session, order.technician_id)
    if technician is None or technician.position is None or technician.position_at is None:
        return None
    point = from_geography(technician.position)
    return {"lat": point.lat, "lon": point.lon, "heading": technician.heading,
            "at": messages.rfc3339(technician.position_at)}  # fmt: skip
