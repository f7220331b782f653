from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.orders.models import Order, OrderStatus
from dispatch.models import Offer, OfferStatus


async def get(session: AsyncSession, offer_id: UUID) -> Offer | None:
    return await session.get(Offer, offer_id)


async def get_for_update(session: AsyncSession, offer_id: UUID) -> Offer | None:
    result = await session.execute(
        select(Offer).where(Offer.id == offer_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def pending_for_technician(session: AsyncSession, technician_id: UUID, at: datetime) -> list[tuple[Offer, Order]]:
    result = await session.execute(
        select(Offer, Order)
        .join(Order, Order.id == Offer.order_id)
        .where(
            Offer.technician_id == technician_id,
            Offer.status == OfferStatus.PENDING,
            Offer.expires_at > at,
            Order.status == OrderStatus.SEARCHING,
        )
        .order_by(Offer.expires_at)
    )
    return [(offer, order) for offer, order in result.all()]
