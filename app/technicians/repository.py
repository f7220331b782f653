from datetime import datetime
from uuid import UUID

from sqlalchemy import select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point, to_geography
from app.technicians.models import Technician


async def get(session: AsyncSession, technician_id: UUID) -> Technician | None:
    return await session.get(Technician, technician_id)


async def names(session: AsyncSession, technician_ids: list[UUID]) -> dict[UUID, str]:
    """The technicians' full names, as operators know them."""
    if not technician_ids:
        return {}
    rows = await session.execute(select(Technician.id, Technician.name).where(Technician.id.in_(technician_ids)))
    return dict(rows.all())


async def get_for_update(session: AsyncSession, technician_id: UUID) -> Technician | None:
    result = await session.execute(
        select(Technician)
        .where(Technician.id == technician_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_all(
    session: AsyncSession, region: str | None, limit: int, after: tuple[str, UUID] | None
) -> list[Technician]:
    """The fleet by name; `region`: those who serve its orders (its own and those of no region)."""
    query = select(Technician).order_by(Technician.name, Technician.id).limit(limit)
    if region is not None:
        query = query.where((Technician.region == region) | Technician.region.is_(None))
    if after is not None:
        query = query.where(tuple_(Technician.name, Technician.id) > tuple_(*after))
    return list((await session.execute(query)).scalars())


async def set_last_position(
    session: AsyncSession, technician_id: UUID, point: Point, at: datetime, heading: float | None = None
) -> None:
    await session.execute(
        update(Technician)
        .where(Technician.id == technician_id)
        .values(position=to_geography(point), position_at=at, heading=heading)
    )


SET_SILENT_OFFLINE_SQL = text(
    """
    UPDATE technicians t SET online = false
    FROM (
        SELECT silent.id FROM technicians silent
        WHERE silent.online
          AND silent.position_at < :silent_before
          AND silent.id NOT IN (
                SELECT busy.technician_id FROM orders busy
                WHERE busy.technician_id IS NOT NULL AND busy.status = ANY(:active_job))
        ORDER BY silent.id
        FOR UPDATE SKIP LOCKED
    ) silent
    WHERE t.id = silent.id
    RETURNING t.id
    """
)


async def set_silent_offline(session: AsyncSession, silent_before: datetime, active_job: list[str]) -> list[UUID]:
    """Sets offline the online technicians on no job whose last position is older than `silent_before`; returns
    them. SKIP LOCKED: one changing his availability right now is left alone."""
    rows = await session.execute(SET_SILENT_OFFLINE_SQL, {"silent_before": silent_before, "active_job": active_job})
    return list(rows.scalars())
