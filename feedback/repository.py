from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import ARRAY, Uuid, any_, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.models import Offer, OfferStatus
from feedback.kpis import OrderFacts
from feedback.models import Feedback, FollowUp, FollowUpStatus
from feedback.trust import HALF_LIFE_DAYS, RatingSums


async def rating_sums(
    session: AsyncSession, technician_ids: Sequence[UUID], now: datetime, half_life_days: float = HALF_LIFE_DAYS
) -> dict[UUID, RatingSums]:
    """Per technician: sum w, sum w·x and the count of his ratings, w halving every `half_life_days`."""
    if not technician_ids:
        return {}
    age_days = func.greatest(func.extract("epoch", literal(now) - Feedback.created_at) / 86400.0, 0.0)
    weight = func.power(0.5, age_days / half_life_days)
    rows = await session.execute(
        select(
            Feedback.technician_id,
            func.sum(weight),
            func.sum(weight * (Feedback.csat - 1) / 4.0),
            func.count(),
        )
        .where(Feedback.technician_id == any_(literal(list(technician_ids), ARRAY(Uuid()))))
        .group_by(Feedback.technician_id)
    )
    return {
        technician_id: RatingSums(weight=float(w), weighted_score=float(ws), count=int(n))
        for technician_id, w, ws, n in rows.all()
        if technician_id is not None
    }


async def is_blocked(session: AsyncSession, driver_id: UUID, technician_id: UUID, block_csat_at_or_below: int) -> bool:
    """True if the driver once rated this technician so low that they must never be matched again."""
    found = await session.execute(
        select(Feedback.id)
        .where(
            Feedback.driver_id == driver_id,
            Feedback.technician_id == technician_id,
            Feedback.csat <= block_csat_at_or_below,
        )
        .limit(1)
    )
    return found.first() is not None


async def follow_ups(session: AsyncSession, status: FollowUpStatus | None, limit: int) -> list[FollowUp]:
    query = select(FollowUp).order_by(FollowUp.due_at, FollowUp.id).limit(limit)
    if status is not None:
        query = query.where(FollowUp.status == status)
    return list((await session.execute(query)).scalars())


async def follow_up_for_update(session: AsyncSession, case_id: UUID) -> FollowUp | None:
    result = await session.execute(
        select(FollowUp).where(FollowUp.id == case_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


ORDER_FACTS_SQL = text(
    """
    SELECT o.status, o.resolution, o.created_at, o.promised_arrival_at AS promised_at,
           (SELECT min(e.created_at) FROM job_events e WHERE e.order_id = o.id AND e.status = 'assigned') AS assigned_at,
           (SELECT min(e.created_at) FROM job_events e WHERE e.order_id = o.id AND e.status = 'arrived') AS arrived_at,
           f.csat, f.nps, f.ces
    FROM orders o LEFT JOIN feedback f ON f.order_id = o.id
    WHERE o.created_at >= :since AND o.created_at < :until
      AND (CAST(:technician_id AS uuid) IS NULL OR o.technician_id = :technician_id)
    """
)


async def order_facts(
    session: AsyncSession, since: datetime, until: datetime, technician_id: UUID | None = None
) -> list[OrderFacts]:
    """The facts of the orders created in [since, until), or of one technician's jobs among them."""
    rows = await session.execute(ORDER_FACTS_SQL, {"since": since, "until": until, "technician_id": technician_id})
    return [
        OrderFacts(status=r.status, resolution=r.resolution, created_at=r.created_at, assigned_at=r.assigned_at,
                   arrived_at=r.arrived_at, promised_at=r.promised_at, csat=r.csat, nps=r.nps, ces=r.ces)
        for r in rows
    ]  # fmt: skip


async def offer_outcomes(session: AsyncSession, technician_id: UUID) -> dict[str, int]:
    """How the technician answered his offers: accepted, declined, expired, withdrawn, pending."""
    rows = await session.execute(
        select(Offer.status, func.count()).where(Offer.technician_id == technician_id).group_by(Offer.status)
    )
    counted = {status.value: int(n) for status, n in rows.all()}
    return {status.value: counted.get(status.value, 0) for status in OfferStatus}
