from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, or_, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point, to_geography
from app.live.filters import Fix
from app.live.models import LocationPoint
from app.technicians.models import Technician

RATE_SQL = text(
    """
    INSERT INTO rate_windows (key, window_start, count)
    SELECT :key, :window_start, 1
    -- In the same round trip: this transaction's commit need not wait for the disk (see ingest()).
    FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_windows.window_start = EXCLUDED.window_start THEN rate_windows.count + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
    RETURNING count
    """
)


async def count_request(session: AsyncSession, key: str, window_start: datetime) -> int:
    """This request's number within its window, counted in the database so that every process agrees."""
    return int((await session.execute(RATE_SQL, {"key": key, "window_start": window_start})).scalar_one())


@dataclass(frozen=True, slots=True)
class TechnicianState:
    name: str
    last: Fix | None
    job_id: UUID | None


TECHNICIAN_STATE_SQL = text(
    """
    SELECT t.name, ST_Y(t.position::geometry) AS lat, ST_X(t.position::geometry) AS lon, t.position_at,
           (SELECT o.id FROM orders o
            WHERE o.technician_id = t.id AND o.status IN ('assigned', 'en_route', 'arrived', 'in_progress')) AS job_id
    FROM technicians t WHERE t.id = :technician_id
    """
)


async def technician_state(session: AsyncSession, technician_id: UUID) -> TechnicianState | None:
    """His last fix and active job in one read; no lock (a stale read only makes the update below a no-op)."""
    row = (await session.execute(TECHNICIAN_STATE_SQL, {"technician_id": technician_id})).first()
    if row is None:
        return None
    last = None
    if row.lat is not None and row.position_at is not None:
        last = Fix(point=Point(lat=row.lat, lon=row.lon), recorded_at=row.position_at)
    return TechnicianState(name=row.name, last=last, job_id=row.job_id)


async def move_technician(session: AsyncSession, technician_id: UUID, fix: Fix) -> bool:
    """Moves his last position forward; never backwards, whatever concurrent batches do."""
    result = await session.execute(
        update(Technician)
        .where(
            Technician.id == technician_id,
            or_(Technician.position_at.is_(None), Technician.position_at < fix.recorded_at),
        )
        .values(
            position=to_geography(fix.point), position_at=fix.recorded_at, heading=fix.heading, speed_mps=fix.speed_mps
        )
        .returning(Technician.id)
    )
    return result.first() is not None


async def keep_history(session: AsyncSession, technician_id: UUID, order_id: UUID, fixes: list[Fix]) -> None:
    await session.execute(
        insert(LocationPoint),
        [
            {"technician_id": technician_id, "order_id": order_id, "recorded_at": f.recorded_at,
             "position": to_geography(f.point), "accuracy_m": f.accuracy_m, "heading": f.heading,
             "speed_mps": f.speed_mps}
            for f in fixes
        ],
    )  # fmt: skip
