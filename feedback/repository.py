from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ARRAY, String, Uuid, any_, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.models import Offer, OfferStatus
from feedback.kpis import OrderFacts
from feedback.models import Feedback, FollowUp, FollowUpStatus, TrustScoreChange, TrustScoreRow
from feedback.trust import HALF_LIFE_DAYS, Evidence, Signal

EVIDENCE_SQL = text(
    """
    WITH events AS (
        SELECT f.technician_id, o.service, 'rating' AS signal, f.created_at AS at, (f.csat - 1) / 4.0 AS x
        FROM feedback f JOIN orders o ON o.id = f.order_id
        WHERE f.technician_id = ANY(:ids)
      UNION ALL
        SELECT o.technician_id, o.service, 'on_time', a.at,
               CASE WHEN a.at <= o.promised_arrival_at + make_interval(secs => :tolerance_s) THEN 1.0 ELSE 0.0 END
        FROM orders o
        CROSS JOIN LATERAL (SELECT min(e.created_at) AS at FROM job_events e
                            WHERE e.order_id = o.id AND e.status = 'arrived') a
        WHERE o.technician_id = ANY(:ids) AND o.promised_arrival_at IS NOT NULL AND a.at IS NOT NULL
      UNION ALL
        SELECT o.technician_id, o.service, 'first_fix', o.updated_at,
               CASE WHEN o.status = 'completed' AND (o.resolution = 'fixed_on_site' OR o.service = 'tow')
                    THEN 1.0 ELSE 0.0 END
        FROM orders o
        WHERE o.technician_id = ANY(:ids) AND o.status IN ('completed', 'failed')
      UNION ALL
        SELECT f.technician_id, o.service, 'kept_jobs', f.responded_at,
               CASE WHEN o.technician_id IS DISTINCT FROM f.technician_id
                      OR (o.status = 'cancelled' AND o.updated_at > o.promised_arrival_at
                                                   + make_interval(secs => :tolerance_s)
                          AND NOT EXISTS (SELECT 1 FROM job_events e
                                          WHERE e.order_id = o.id AND e.status = 'arrived'))
                    THEN 0.0 ELSE 1.0 END
        FROM offers f JOIN orders o ON o.id = f.order_id
        WHERE f.technician_id = ANY(:ids) AND f.status = 'accepted'
          AND (o.technician_id IS DISTINCT FROM f.technician_id
               OR o.status IN ('completed', 'failed', 'cancelled'))
      UNION ALL
        SELECT f.technician_id, o.service, 'responsive', coalesce(f.responded_at, f.expires_at),
               CASE WHEN f.status = 'accepted' THEN 1.0 ELSE 0.0 END
        FROM offers f JOIN orders o ON o.id = f.order_id
        WHERE f.technician_id = ANY(:ids) AND f.status IN ('accepted', 'declined', 'expired')
    )
    SELECT technician_id, service, signal, sum(w) AS weight, sum(w * x) AS weighted_value, count(*) AS n
    FROM (SELECT *, power(0.5, greatest(extract(epoch FROM CAST(:now AS timestamptz) - at) / 86400.0, 0)
                               / :half_life_days) AS w
          FROM events) weighted
    GROUP BY technician_id, service, signal
    """
)


async def evidence(
    session: AsyncSession, technician_ids: Sequence[UUID], now: datetime, tolerance: timedelta
) -> dict[UUID, dict[str, dict[Signal, Evidence]]]:
    """Per technician and service, each trust signal's decayed evidence (see feedback/trust.py)."""
    rows = await session.execute(
        EVIDENCE_SQL,
        {"ids": list(technician_ids), "now": now, "tolerance_s": tolerance.total_seconds(),
         "half_life_days": HALF_LIFE_DAYS},
    )  # fmt: skip
    found: dict[UUID, dict[str, dict[Signal, Evidence]]] = {}
    for r in rows:
        found.setdefault(r.technician_id, {}).setdefault(r.service, {})[Signal(r.signal)] = Evidence(
            float(r.weight), float(r.weighted_value), int(r.n)
        )
    return found


async def stored_scores(
    session: AsyncSession, technician_ids: Sequence[UUID], services: Sequence[str]
) -> dict[tuple[UUID, str], TrustScoreRow]:
    if not technician_ids:
        return {}
    rows = await session.execute(
        select(TrustScoreRow).where(
            TrustScoreRow.technician_id == any_(literal(list(technician_ids), ARRAY(Uuid()))),
            TrustScoreRow.service == any_(literal(list(services), ARRAY(String()))),
        )
    )
    return {(row.technician_id, row.service): row for row in rows.scalars()}


async def score_values(
    session: AsyncSession, technician_ids: Sequence[UUID], services: Sequence[str]
) -> dict[tuple[UUID, str], tuple[float, float, int]]:
    """(score, prior, ratings) by (technician, service): what dispatch needs, without the parts."""
    if not technician_ids:
        return {}
    rows = await session.execute(
        select(TrustScoreRow.technician_id, TrustScoreRow.service, TrustScoreRow.score, TrustScoreRow.prior,
               TrustScoreRow.ratings)
        .where(
            TrustScoreRow.technician_id == any_(literal(list(technician_ids), ARRAY(Uuid()))),
            TrustScoreRow.service == any_(literal(list(services), ARRAY(String()))),
        )
    )  # fmt: skip
    return {(t, s): (score, prior, ratings) for t, s, score, prior, ratings in rows.all()}


async def score_history(session: AsyncSession, technician_id: UUID, limit: int) -> list[TrustScoreChange]:
    rows = await session.execute(
        select(TrustScoreChange)
        .where(TrustScoreChange.technician_id == technician_id)
        .order_by(TrustScoreChange.at.desc(), TrustScoreChange.id.desc())
        .limit(limit)
    )
    return list(rows.scalars())


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
    SELECT o.status, o.resolution, o.created_at, o.promised_arrival_at AS promised_at, o.technician_id,
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
                   arrived_at=r.arrived_at, promised_at=r.promised_at, csat=r.csat, nps=r.nps, ces=r.ces,
                   technician_id=r.technician_id)
        for r in rows
    ]  # fmt: skip


async def offer_outcomes(session: AsyncSession, technician_id: UUID) -> dict[str, int]:
    """How the technician answered his offers: accepted, declined, expired, withdrawn, pending."""
    rows = await session.execute(
        select(Offer.status, func.count()).where(Offer.technician_id == technician_id).group_by(Offer.status)
    )
    counted = {status.value: int(n) for status, n in rows.all()}
    return {status.value: counted.get(status.value, 0) for status in OfferStatus}
