from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point
from app.live.filters import Fix
from app.live.models import LiveConnection, OrderTracking
from app.live.progress import Step
from app.orders.models import Order, OrderStatus

ACTIVE_JOB = OrderStatus.values(OrderStatus.active_job())


@dataclass(frozen=True, slots=True)
class StallState:
    """A job's open episode of a stall or a dark phone, as the operators see it."""

    trouble: str
    since: datetime
    step: int


@dataclass(frozen=True, slots=True)
class TechnicianState:
    requests_in_window: int
    name: str
    last: Fix | None
    job_id: UUID | None


# One round trip: count this request in its rate window, then read the technician's last fix and active
# job. No row lock: a stale read only turns the conditional update below into a no-op. It also turns the
# transaction's synchronous commit off (see `events.allow_relaxed_commit`).
COUNT_AND_READ_SQL = text(
    """
    WITH counted AS (
        INSERT INTO rate_windows (key, window_start, count)
        VALUES (:key, :window_start, 1)
        ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN rate_windows.window_start = EXCLUDED.window_start
                         THEN rate_windows.count + 1 ELSE 1 END,
            window_start = EXCLUDED.window_start
        RETURNING count
    )
    SELECT set_config('synchronous_commit', 'off', true) AS relaxed, counted.count AS requests_in_window, t.name,
           ST_Y(t.position::geometry) AS lat, ST_X(t.position::geometry) AS lon, t.position_at,
           (SELECT o.id FROM orders o
            WHERE o.technician_id = t.id AND o.status = ANY(:active_job)) AS job_id
    FROM counted LEFT JOIN technicians t ON t.id = :technician_id
    """
)


async def count_and_read(
    session: AsyncSession, technician_id: UUID, rate_key: str, window_start: datetime
) -> TechnicianState | None:
    """None if no technician has this id; otherwise his state and this request's number in its window."""
    row = (
        await session.execute(
            COUNT_AND_READ_SQL,
            {"key": rate_key, "window_start": window_start, "technician_id": technician_id, "active_job": ACTIVE_JOB},
        )
    ).one()
    if row.name is None:
        return None
    last = None
    if row.lat is not None and row.position_at is not None:
        last = Fix(point=Point(lat=row.lat, lon=row.lon), recorded_at=row.position_at)
    return TechnicianState(requests_in_window=row.requests_in_window, name=row.name, last=last, job_id=row.job_id)


MOVE_SQL = """
    UPDATE technicians
    SET position = ST_GeogFromText(:wkt), position_at = :at, heading = :heading, speed_mps = :speed
    WHERE id = :technician_id AND (position_at IS NULL OR position_at < :at)
    RETURNING id
"""
MOVE_AND_NOTIFY_SQL = text(f"WITH moved AS ({MOVE_SQL}) SELECT pg_notify(:channel, :payload) FROM moved")


async def move(session: AsyncSession, technician_id: UUID, fix: Fix, notify: tuple[str, str] | None = None) -> bool:
    """Moves his last position forward (never backwards, whatever concurrent batches do) and, if it moved and
    `notify` (channel, payload) is given, NOTIFYs on commit in the same round trip. False if a newer fix was
    there already."""
    parameters = {
        "technician_id": technician_id, "wkt": f"SRID=4326;POINT({fix.point.lon!r} {fix.point.lat!r})",
        "at": fix.recorded_at, "heading": fix.heading, "speed": fix.speed_mps,
    }  # fmt: skip
    if notify is None:
        result = await session.execute(text(MOVE_SQL), parameters)
    else:
        channel, payload = notify
        result = await session.execute(MOVE_AND_NOTIFY_SQL, {**parameters, "channel": channel, "payload": payload})
    return result.first() is not None


KEEP_HISTORY_SQL = text(
    """
    INSERT INTO location_history (technician_id, order_id, recorded_at, position, accuracy_m, heading, speed_mps)
    SELECT :technician_id, :order_id, fix.recorded_at,
           CAST(ST_SetSRID(ST_MakePoint(fix.lon, fix.lat), 4326) AS geography), fix.accuracy_m, fix.heading, fix.speed
    FROM unnest(CAST(:recorded_at AS timestamptz[]), CAST(:lat AS float8[]), CAST(:lon AS float8[]),
                CAST(:accuracy_m AS float8[]), CAST(:heading AS float8[]), CAST(:speed AS float8[]))
         AS fix(recorded_at, lat, lon, accuracy_m, heading, speed)
    """
)


async def keep_history(session: AsyncSession, technician_id: UUID, order_id: UUID, fixes: list[Fix]) -> None:
    """The fixes of a job, each column as one array: the ORM's bulk insert cost a job's location request more of
    the API's CPU than any other statement in it. Written out rather than through `app.db.insert_rows`, which
    sends plain columns only: the position is built here from its two arrays of coordinates."""
    await session.execute(
        KEEP_HISTORY_SQL,
        {
            "technician_id": technician_id, "order_id": order_id,
            "recorded_at": [f.recorded_at for f in fixes], "lat": [f.point.lat for f in fixes],
            "lon": [f.point.lon for f in fixes], "accuracy_m": [f.accuracy_m for f in fixes],
            "heading": [f.heading for f in fixes], "speed": [f.speed_mps for f in fixes],
        },
    )  # fmt: skip


async def tracking(session: AsyncSession, order_id: UUID) -> OrderTracking | None:
    return await session.get(OrderTracking, order_id)


async def tracking_for_update(session: AsyncSession, order_id: UUID) -> OrderTracking:
    """The job's live view, created empty if it has none yet. Callers hold the order's row lock."""
    locking = (
        select(OrderTracking)
        .where(OrderTracking.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = (await session.execute(locking)).scalar_one_or_none()
    if found is not None:  # every fix of a job but its first
        return found
    await session.execute(upsert(OrderTracking).values(order_id=order_id).on_conflict_do_nothing())
    return (await session.execute(locking)).scalar_one()


async def live_etas(session: AsyncSession, order_ids: list[UUID]) -> dict[UUID, datetime]:
    """The current live ETA of each job that has one."""
    if not order_ids:
        return {}
    rows = await session.execute(
        select(OrderTracking.order_id, OrderTracking.eta_arrival_at).where(
            OrderTracking.order_id.in_(order_ids), OrderTracking.eta_arrival_at.is_not(None)
        )
    )
    return {order_id: eta for order_id, eta in rows.all() if eta is not None}


async def open_connection(
    session: AsyncSession, connection_id: UUID, token_hash: str, user_id: UUID, limit: int, now: datetime,
    stale_before: datetime,
) -> bool:  # fmt: skip
    """Registers a live stream of this token unless it has `limit` open already (those of a dead process,
    untouched since `stale_before`, do not count); one token at a time decides (an advisory lock)."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(token_hash))))
    await session.execute(
        delete(LiveConnection).where(LiveConnection.token_hash == token_hash, LiveConnection.seen_at < stale_before)
    )
    open_now = await session.scalar(select(func.count()).where(LiveConnection.token_hash == token_hash))
    if (open_now or 0) >= limit:
        return False
    session.add(LiveConnection(id=connection_id, token_hash=token_hash, user_id=user_id, opened_at=now, seen_at=now))
    return True


async def touch_connections(session: AsyncSession, connection_ids: list[UUID], now: datetime) -> None:
    if connection_ids:
        await session.execute(update(LiveConnection).where(LiveConnection.id.in_(connection_ids)).values(seen_at=now))


async def close_connection(session: AsyncSession, connection_id: UUID) -> None:
    await session.execute(delete(LiveConnection).where(LiveConnection.id == connection_id))


async def try_lock(session: AsyncSession, lock_class: int) -> bool:
    """One watch at a time: the lock is held until this transaction ends."""
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_class, 0))))


async def jobs_on_the_way_for_update(session: AsyncSession) -> list[tuple[Order, OrderTracking]]:
    """Jobs whose technician is driving to the car, with their live view; the order rows are locked (as the
    position ingest locks them), those busy now are skipped until the next round."""
    rows = await session.execute(
        select(Order, OrderTracking)
        .join(OrderTracking, OrderTracking.order_id == Order.id)
        .where(Order.status.in_(OrderStatus.on_the_way()), Order.technician_id.is_not(None))
        .with_for_update(of=Order, skip_locked=True)
    )
    return [(order, live) for order, live in rows.all()]


async def stalls(session: AsyncSession, order_ids: list[UUID]) -> dict[UUID, StallState]:
    """The open episodes of these jobs."""
    if not order_ids:
        return {}
    rows = await session.execute(
        select(
            OrderTracking.order_id, OrderTracking.trouble, OrderTracking.trouble_since, OrderTracking.trouble_step
        ).where(OrderTracking.order_id.in_(order_ids), OrderTracking.trouble.is_not(None))
    )
    return {
        order_id: StallState(trouble, since, step)
        for order_id, trouble, since, step in rows.all()
        if trouble is not None and since is not None
    }


async def offered_redispatch(session: AsyncSession) -> dict[UUID, str]:
    """Jobs whose stall ladder reached its last step (a re-dispatch on offer), with their trouble."""
    rows = await session.execute(
        select(OrderTracking.order_id, OrderTracking.trouble).where(
            OrderTracking.trouble.is_not(None), OrderTracking.trouble_step >= Step.OFFER_REDISPATCH
        )
    )
    return {order_id: trouble for order_id, trouble in rows.all() if trouble is not None}
