from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import events
from app.config import Settings
from app.db import transaction
from app.enums import Role, Service
from app.geo import Point, to_geography
from app.orders.models import Order, OrderStatus, Resolution
from app.users.models import Driver, User
from dispatch import tasks
from dispatch.dispatcher import DispatchConfig, RoundReport
from dispatch.models import Offer, OfferStatus
from feedback.models import Feedback

TEST_CONFIG = DispatchConfig.from_settings(Settings(region="tests"))


async def run_round(app: FastAPI, now: datetime | None = None, config: DispatchConfig = TEST_CONFIG) -> RoundReport:
    """A round as the dispatcher worker runs it."""
    return await tasks.run_round(app.state.sessionmaker, app.state.osrm, config, now or datetime.now(UTC))


async def pending_offers(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """order id -> technician id of every pending offer."""
    async with sessions() as session:
        rows = await session.execute(
            select(Offer.order_id, Offer.technician_id).where(Offer.status == OfferStatus.PENDING)
        )
        return {str(o): str(t) for o, t in rows.all()}


async def give_ratings(
    sessions: async_sessionmaker[AsyncSession],
    technician_id: UUID,
    csats: list[int],
    driver_id: UUID | None = None,
    age: timedelta = timedelta(days=1),
    service: Service = Service.TOW,
) -> None:
    """Past jobs of the technician, completed and rated (history written as the service would have kept it)."""
    at = datetime.now(UTC) - age
    async with transaction(sessions) as session:
        for csat in csats:
            driver = driver_id
            if driver is None:
                user = User(id=uuid4(), role=Role.DRIVER)
                session.add(user)
                await session.flush()
                session.add(Driver(id=user.id))
                await session.flush()
                driver = user.id
            order = Order(
                id=uuid4(),
                driver_id=driver,
                service=service,
                status=OrderStatus.COMPLETED,
                resolution=Resolution.TOWED if service is Service.TOW else Resolution.FIXED_ON_SITE,
                location=to_geography(Point(lat=60.17, lon=24.94)),
                technician_id=technician_id,
                created_at=at,
                updated_at=at,
            )
            session.add(order)
            await session.flush()
            feedback = Feedback(
                order_id=order.id, driver_id=driver, technician_id=technician_id, csat=csat, tags=[], created_at=at
            )
            session.add(feedback)
            await session.flush()
            await events.publish(
                session,
                events.FeedbackGiven(at=at, feedback_id=feedback.id, order_id=order.id, driver_id=driver,
                                     technician_id=technician_id, service=service, csat=csat, nps=None, ces=None,
                                     tags=(), comment=None),
            )  # fmt: skip
