from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders.models import JobEvent, Order, OrderStatus
from app.technicians.models import Technician
from feedback.models import Feedback


async def get(session: AsyncSession, order_id: UUID) -> Order | None:
    return await session.get(Order, order_id)


async def get_for_update(session: AsyncSession, order_id: UUID) -> Order | None:
    result = await session.execute(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_for_driver(
    session: AsyncSession,
    driver_id: UUID,
    limit: int,
    after: tuple[datetime, UUID] | None,
) -> list[Order]:
    query = select(Order).where(Order.driver_id == driver_id)
    if after is not None:
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(after[0], after[1]))
    query = query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())


async def timeline(session: AsyncSession, order_id: UUID) -> list[JobEvent]:
    result = await session.execute(select(JobEvent).where(JobEvent.order_id == order_id).order_by(JobEvent.id))
    return list(result.scalars())


async def technician_with_rating(session: AsyncSession, technician_id: UUID) -> tuple[Technician, float | None]:
    technician = await session.get(Technician, technician_id)
    assert technician is not None
    rating = (
        await session.execute(select(func.avg(Feedback.csat)).where(Feedback.technician_id == technician_id))
    ).scalar_one()
    return technician, (round(float(rating), 2) if rating is not None else None)


async def open_order_of_driver(session: AsyncSession, driver_id: UUID) -> Order | None:
    result = await session.execute(
        select(Order).where(Order.driver_id == driver_id, Order.status.in_(OrderStatus.open())).limit(1)
    )
    return result.scalar_one_or_none()
