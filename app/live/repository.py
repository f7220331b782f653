from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import to_geography
from app.live.filters import Fix
from app.live.models import LocationPoint
from app.orders.models import Order
from app.orders.state_machine import ACTIVE_JOB_STATUSES

RATE_SQL = text(
    """
    INSERT INTO rate_windows (key, window_start, count) VALUES (:key, :window_start, 1)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN rate_windows.window_start = EXCLUDED.window_start THEN rate_windows.count + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
    RETURNING count
    """
)


async def count_request(session: AsyncSession, key: str, window_start: datetime) -> int:
    """This request's number within its window, counted in the database so that every process agrees."""
    return int((await session.execute(RATE_SQL, {"key": key, "window_start": window_start})).scalar_one())


async def active_job_id(session: AsyncSession, technician_id: UUID) -> UUID | None:
    result = await session.execute(
        select(Order.id).where(Order.technician_id == technician_id, Order.status.in_(ACTIVE_JOB_STATUSES))
    )
    return result.scalar_one_or_none()


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
