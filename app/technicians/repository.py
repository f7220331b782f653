from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.technicians.models import Technician


async def get(session: AsyncSession, technician_id: UUID) -> Technician | None:
    return await session.get(Technician, technician_id)


async def get_for_update(session: AsyncSession, technician_id: UUID) -> Technician | None:
    result = await session.execute(
        select(Technician)
        .where(Technician.id == technician_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_all(session: AsyncSession, limit: int) -> list[Technician]:
    result = await session.execute(select(Technician).order_by(Technician.name, Technician.id).limit(limit))
    return list(result.scalars())
