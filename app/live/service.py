from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import Principal
from app.config import Settings
from app.errors import NotFound, TooManyRequests
from app.geo import Point, from_geography, to_geography
from app.live import events, repository, tracking
from app.live.filters import FilterLimits, Fix, filter_fixes
from app.live.schemas import LocationBatch, LocationResult
from app.orders import repository as orders_repository
from app.orders.state_machine import POSITION_VISIBLE_STATUSES
from app.routing.osrm import Router
from app.technicians import repository as technicians_repository


def rules_from(settings: Settings) -> tracking.TrackingRules:
    return tracking.TrackingRules(
        eta_refresh=timedelta(seconds=settings.eta_refresh_s),
        off_route_m=settings.off_route_m,
        arrival_radius_m=settings.arrival_radius_m,
        arrival_dwell=timedelta(seconds=settings.arrival_dwell_s),
    )


async def enforce_rate(session: AsyncSession, key: str, limit: int, window_s: int, now: datetime) -> None:
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_s, UTC)
    if await repository.count_request(session, key, window_start) > limit:
        retry_after = max(1, window_s - epoch % window_s)
        raise TooManyRequests(
            f"At most {limit} location batches per {window_s} s.", headers={"Retry-After": str(retry_after)}
        )


async def ingest(
    session: AsyncSession, router: Router, settings: Settings, principal: Principal, batch: LocationBatch
) -> LocationResult:
    """Believable positions become the technician's last position (one update) and, during a job, its
    history, a live event for the driver and a fresh ETA."""
    now = datetime.now(UTC)
    await enforce_rate(
        session,
        f"locations:{principal.user_id}",
        settings.location_requests_per_window,
        settings.location_window_s,
        now,
    )
    # Pings are many and each is superseded seconds later: a crash may lose the last few hundred ms of them,
    # never an order, a rating or a push (those transactions keep the default, synchronous commit).
    await session.execute(text("SET LOCAL synchronous_commit = off"))
    # Lock order: the job's order row first, then the technician row, as everywhere else.
    job_id = await repository.active_job_id(session, principal.user_id)
    order = await orders_repository.get_for_update(session, job_id) if job_id else None
    technician = await technicians_repository.get_for_update(session, principal.user_id)
    if technician is None:
        raise NotFound("No technician profile belongs to this account.")
    if order is not None and order.technician_id != technician.id:
        order = None  # the job moved on between the two reads

    last = None
    if technician.position is not None and technician.position_at is not None:
        last = Fix(point=from_geography(technician.position), recorded_at=technician.position_at)
    fixes = [
        Fix(Point(lat=p.lat, lon=p.lon), p.recorded_at, p.accuracy_m, p.heading, p.speed_mps) for p in batch.points
    ]
    accepted, rejected = filter_fixes(fixes, last, now, FilterLimits())
    result = LocationResult(
        accepted=len(accepted), rejected=sum(rejected.values()), reasons={r.value: n for r, n in rejected.items()}
    )
    if not accepted:
        return result

    latest = accepted[-1]
    technician.position = to_geography(latest.point)
    technician.position_at = latest.recorded_at
    technician.heading = latest.heading
    technician.speed_mps = latest.speed_mps
    visible_to_driver = order is not None and order.status in POSITION_VISIBLE_STATUSES
    await events.publish_position(
        session, order.id if visible_to_driver and order else None, technician.id,
        latest.point.lat, latest.point.lon, latest.heading, latest.recorded_at,
    )  # fmt: skip
    if order is not None:
        await repository.keep_history(session, technician.id, order.id, accepted)
        await tracking.on_position(session, router, order, latest.point, technician.name, now, rules_from(settings))
    await session.flush()
    return result
