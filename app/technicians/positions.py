from datetime import datetime
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.geo import Point, to_geography
from app.technicians.models import Technician


async def set_last_position(
    session: AsyncSession, technician_id: UUID, point: Point, at: datetime, heading: float | None = None
) -> None:
    await session.execute(
        update(Technician)
        .where(Technician.id == technician_id)
        .values(position=to_geography(point), position_at=at, heading=heading)
    )
