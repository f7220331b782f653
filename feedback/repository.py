from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, String, Uuid, any_, func, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.orders.models import Order
from app.users.models import Driver, User
from feedback.models import (
    AnalysedComment,
    ContactOutcome,
    Feedback,
    FollowUp,
    FollowUpContact,
    FollowUpReason,
    FollowUpStatus,
    TrustEvidence,
    TrustScoreChange,
    TrustScoreRow,
)
from feedback.trust import HALF_LIFE_DAYS, Evidence, Signal

# A comment's complaint weighs in the rating signal as a sample of its own, but it is not one more rating: the
# events counted are the drivers' ratings ("from 1 rating", not 2 for a rating with a comment).
EVIDENCE_SQL = text(
    """
    SELECT technician_id, service, signal, sum(w) AS weight, sum(w * value) AS weighted_value,
           count(*) FILTER (WHERE cause IS DISTINCT FROM 'comment') AS n
    FROM (SELECT technician_id, service, signal, value, cause,
                 power(0.5, greatest(extract(epoch FROM CAST(:now AS timestamptz) - at) / 86400.0, 0)
                            / :half_life_days) AS w
          FROM trust_evidence
          WHERE technician_id = ANY(:ids) AND value IS NOT NULL) weighted
    GROUP BY technician_id, service, signal
    """
)


async def evidence(
    session: AsyncSession, technician_ids: Sequence[UUID], now: datetime
) -> dict[UUID, dict[str, dict[Signal, Evidence]]]:
    """Per technician and service, each trust signal's decayed evidence (see feedback/trust.py)."""
    rows = await session.execute(
        EVIDENCE_SQL, {"ids": list(technician_ids), "now": now, "half_life_days": HALF_LIFE_DAYS}
    )
    found: dict[UUID, dict[str, dict[Signal, Evidence]]] = {}
    for r in rows:
        found.setdefault(r.technician_id, {}).setdefault(r.service, {})[Signal(r.signal)] = Evidence(
            float(r.weight), float(r.weighted_value), int(r.n)
        )
    return found


async def add_evidence(session: AsyncSession, **entry: Any) -> None:
    session.add(TrustEvidence(**entry))


async def settle_kept_job(
    session: AsyncSession,
    order_id: UUID,
    technician_id: UUID,
    value: float,
    at: datetime,
    cause: str,
    detail: dict[str, Any],
) -> None:
    """Settles the kept-jobs entry he opened by accepting this order (none if an operator assigned him)."""
    await session.execute(
        update(TrustEvidence)
        .where(
            TrustEvidence.order_id == order_id,
            TrustEvidence.technician_id == technician_id,
            TrustEvidence.signal == Signal.KEPT_JOBS.value,
            TrustEvidence.value.is_(None),
        )
        .values(value=value, settled_at=at, cause=cause, detail=detail)
    )


async def evidence_entries(session: AsyncSession, technician_id: UUID, limit: int) -> list[TrustEvidence]:
    """His newest settled evidence, what the score explains itself with."""
    rows = await session.execute(
        select(TrustEvidence)
        .where(TrustEvidence.technician_id == technician_id, TrustEvidence.value.is_not(None))
        .order_by(TrustEvidence.settled_at.desc(), TrustEvidence.id.desc())
        .limit(limit)
    )
    return list(rows.scalars())


async def offer_outcomes(session: AsyncSession, technician_id: UUID) -> dict[str, int]:
    """How the technician answered his offers: accepted, declined, expired (the responsive signal's record)."""
    outcome = TrustEvidence.detail["outcome"].astext
    rows = await session.execute(
        select(outcome, func.count())
        .where(TrustEvidence.technician_id == technician_id, TrustEvidence.signal == Signal.RESPONSIVE.value)
        .group_by(outcome)
    )
    counted = {str(o): int(n) for o, n in rows.all()}
    return {o: counted.get(o, 0) for o in ("accepted", "declined", "expired")}


async def lock_technician_scores(session: AsyncSession, lock_class: int, technician_id: UUID) -> None:
    await session.execute(select(func.pg_advisory_xact_lock(lock_class, func.hashtext(str(technician_id)))))


async def store_scores(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    statement = insert(TrustScoreRow).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[TrustScoreRow.technician_id, TrustScoreRow.service],
            set_={c: statement.excluded[c] for c in ("score", "prior", "ratings", "parts", "updated_at")},
        )
    )


async def add_history(session: AsyncSession, **change: Any) -> None:
    session.add(TrustScoreChange(**change))


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


async def blocked_pairs(
    session: AsyncSession, driver_ids: Collection[UUID], csat_at_or_below: int
) -> list[tuple[UUID, UUID]]:
    """(driver, technician) pairs that must never be matched again: the driver once rated him this low."""
    if not driver_ids:
        return []
    rows = await session.execute(
        select(Feedback.driver_id, Feedback.technician_id)
        .where(
            Feedback.driver_id.in_(driver_ids),
            Feedback.technician_id.is_not(None),
            Feedback.csat <= csat_at_or_below,
        )
        .distinct()
    )
    return [(driver, technician) for driver, technician in rows.all() if technician is not None]


async def follow_ups(
    session: AsyncSession,
    status: FollowUpStatus | None,
    region: str | None,
    limit: int,
    after: tuple[datetime, UUID] | None,
) -> list[FollowUp]:
    """The cases by due time, the most urgent first; `region`: those about its orders."""
    query = select(FollowUp).order_by(FollowUp.due_at, FollowUp.id).limit(limit)
    if status is not None:
        query = query.where(FollowUp.status == status)
    if region is not None:
        query = query.join(Order, Order.id == FollowUp.order_id).where(Order.region == region)
    if after is not None:
        query = query.where(tuple_(FollowUp.due_at, FollowUp.id) > tuple_(*after))
    return list((await session.execute(query)).scalars())


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A follow-up with what the operator needs to make the call."""

    case: FollowUp
    feedback: Feedback | None
    driver_name: str | None
    driver_phone: str | None
    taken_by_name: str | None
    region: str | None  # the order's


async def cases(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, CaseRow]:
    taker = aliased(User)
    rows = await session.execute(
        select(FollowUp, Feedback, User.name, Driver.phone, taker.name, Order.region)
        .outerjoin(Feedback, Feedback.order_id == FollowUp.order_id)  # the job's rating, for a churn call too
        .outerjoin(Order, Order.id == FollowUp.order_id)
        .outerjoin(User, User.id == FollowUp.driver_id)
        .outerjoin(Driver, Driver.id == FollowUp.driver_id)
        .outerjoin(taker, taker.id == FollowUp.taken_by)
        .where(FollowUp.id.in_(ids))
    )
    return {row[0].id: CaseRow(*row) for row in rows.all()}


async def contacts(
    session: AsyncSession, ids: Collection[UUID]
) -> dict[UUID, list[tuple[FollowUpContact, str | None]]]:
    """Each case's contact attempts, oldest first, with the operator's name."""
    found: dict[UUID, list[tuple[FollowUpContact, str | None]]] = {i: [] for i in ids}
    rows = await session.execute(
        select(FollowUpContact, User.name)
        .outerjoin(User, User.id == FollowUpContact.by_id)
        .where(FollowUpContact.followup_id.in_(ids))
        .order_by(FollowUpContact.id)
    )
    for contact, name in rows.all():
        found[contact.followup_id].append((contact, name))
    return found


async def add_contact(
    session: AsyncSession, case_id: UUID, outcome: ContactOutcome, note: str | None, by_id: UUID
) -> FollowUpContact:
    contact = FollowUpContact(followup_id=case_id, outcome=outcome, note=note, by_id=by_id)
    session.add(contact)
    await session.flush()
    return contact


async def first_contact_delays(
    session: AsyncSession, since: datetime, until: datetime, partner_id: UUID | None = None, region: str | None = None
) -> list[float]:
    """Seconds from opening to the first contact attempt, for the cases opened in [since, until) (about one
    partner's or one region's orders only, when given)."""
    query = select(func.extract("epoch", FollowUp.first_contact_at - FollowUp.created_at)).where(
        FollowUp.created_at >= since, FollowUp.created_at < until, FollowUp.first_contact_at.is_not(None)
    )
    if partner_id is not None:
        query = query.where(FollowUp.order_id.in_(select(Order.id).where(Order.partner_id == partner_id)))
    if region is not None:
        query = query.where(FollowUp.order_id.in_(select(Order.id).where(Order.region == region)))
    rows = await session.execute(query)
    return [float(seconds) for seconds in rows.scalars()]


async def follow_up_for_update(session: AsyncSession, case_id: UUID) -> FollowUp | None:
    result = await session.execute(
        select(FollowUp).where(FollowUp.id == case_id).with_for_update().execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def ratings_of_orders(session: AsyncSession, order_ids: Collection[UUID]) -> dict[UUID, Feedback]:
    if not order_ids:
        return {}
    rows = await session.execute(select(Feedback).where(Feedback.order_id.in_(order_ids)))
    return {f.order_id: f for f in rows.scalars()}


async def mean_ratings(session: AsyncSession, technician_ids: Collection[UUID]) -> dict[UUID, float]:
    rows = await session.execute(
        select(Feedback.technician_id, func.avg(Feedback.csat))
        .where(Feedback.technician_id.in_(technician_ids))
        .group_by(Feedback.technician_id)
    )
    return {t: float(mean) for t, mean in rows.all() if t is not None}


async def mark_overdue_follow_ups(session: AsyncSession, now: datetime) -> list[FollowUp]:
    """Open follow-ups past their due time, marked once (the first watcher to see them wins)."""
    rows = await session.execute(
        update(FollowUp)
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_at < now, FollowUp.breached_at.is_(None))
        .values(breached_at=now)
        .returning(FollowUp)
    )
    return list(rows.scalars())


async def overdue_follow_up_count(session: AsyncSession) -> int:
    query = select(func.count()).where(FollowUp.breached_at.is_not(None))
    return int((await session.execute(query)).scalar_one())


async def orders_with_follow_ups(session: AsyncSession, order_ids: Sequence[UUID]) -> set[UUID]:
    if not order_ids:
        return set()
    found = await session.execute(select(FollowUp.order_id).where(FollowUp.order_id.in_(order_ids)).distinct())
    return set(found.scalars())


async def claim_pending_comments(session: AsyncSession, limit: int) -> list[tuple[AnalysedComment, Feedback]]:
    """The oldest comments waiting for analysis, locked for this round (SKIP LOCKED: another round takes others)."""
    rows = await session.execute(
        select(AnalysedComment, Feedback)
        .join(Feedback, Feedback.id == AnalysedComment.feedback_id)
        .where(AnalysedComment.analysed_at.is_(None))
        .order_by(AnalysedComment.created_at)
        .limit(limit)
        .with_for_update(of=AnalysedComment, skip_locked=True)
    )
    return [(analysed, feedback) for analysed, feedback in rows.all()]


async def open_case_of_order(session: AsyncSession, order_id: UUID, reason: FollowUpReason) -> FollowUp | None:
    """The order's open case of that reason that no rating opened, locked."""
    found = await session.execute(
        select(FollowUp)
        .where(FollowUp.order_id == order_id, FollowUp.reason == reason.value, FollowUp.feedback_id.is_(None),
               FollowUp.status == FollowUpStatus.OPEN)
        .with_for_update()
        .limit(1)
    )  # fmt: skip
    return found.scalar_one_or_none()


async def uncalled_follow_up_due(session: AsyncSession, order_id: UUID) -> datetime | None:
    """The due time of the open case the order's rating opened, while nobody has called about it (found through
    the rating: an order has one, and a rating one case, each by a unique index)."""
    due: datetime | None = await session.scalar(
        select(FollowUp.due_at)
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .where(Feedback.order_id == order_id, FollowUp.status == FollowUpStatus.OPEN,
               FollowUp.first_contact_at.is_(None))
    )  # fmt: skip
    return due


async def follow_up_of_feedback(session: AsyncSession, feedback_id: UUID) -> FollowUp | None:
    found = await session.execute(select(FollowUp).where(FollowUp.feedback_id == feedback_id).with_for_update())
    return found.scalar_one_or_none()


async def comment_analyses(session: AsyncSession, feedback_ids: Sequence[UUID]) -> dict[UUID, AnalysedComment]:
    if not feedback_ids:
        return {}
    found = await session.execute(select(AnalysedComment).where(AnalysedComment.feedback_id.in_(feedback_ids)))
    return {row.feedback_id: row for row in found.scalars()}


async def comment_topics_by_week(
    session: AsyncSession, since: datetime, technician_id: UUID | None = None
) -> list[tuple[datetime, str, int]]:
    """(ISO week's Monday, topic, comments naming it) of the comments analysed since then (on one technician's
    jobs, if given)."""
    rows = await session.execute(
        text(
            """
            SELECT date_trunc('week', f.created_at AT TIME ZONE 'UTC') AS week, t.topic, count(*) AS n
            FROM comment_analyses a
            JOIN feedback f ON f.id = a.feedback_id
            CROSS JOIN LATERAL jsonb_array_elements_text(a.topics) AS t(topic)
            WHERE a.analysed_at IS NOT NULL AND f.created_at >= :since
              AND (CAST(:technician_id AS uuid) IS NULL OR f.technician_id = :technician_id)
            GROUP BY 1, 2
            """
        ),
        {"since": since, "technician_id": technician_id},
    )
    return [(r.week, r.topic, int(r.n)) for r in rows]


async def service_of_order(session: AsyncSession, order_id: UUID) -> str:
    found = await session.execute(text("SELECT service FROM orders WHERE id = :id"), {"id": order_id})
    return str(found.scalar_one())


async def recent_feedback_of_technician(session: AsyncSession, technician_id: UUID, limit: int) -> list[Feedback]:
    found = await session.execute(
        select(Feedback)
        .where(Feedback.technician_id == technician_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    return list(found.scalars())


async def feedback_of_order(session: AsyncSession, order_id: UUID) -> Feedback | None:
    found = await session.execute(select(Feedback).where(Feedback.order_id == order_id))
    return found.scalar_one_or_none()


async def comments_by_week(
    session: AsyncSession, since: datetime, technician_id: UUID | None = None
) -> list[tuple[datetime, str, int]]:
    rows = await session.execute(
        text(
            """
            SELECT date_trunc('week', f.created_at AT TIME ZONE 'UTC') AS week, a.sentiment, count(*) AS n
            FROM comment_analyses a JOIN feedback f ON f.id = a.feedback_id
            WHERE a.analysed_at IS NOT NULL AND f.created_at >= :since
              AND (CAST(:technician_id AS uuid) IS NULL OR f.technician_id = :technician_id)
            GROUP BY 1, 2
            """
        ),
        {"since": since, "technician_id": technician_id},
    )
    return [(r.week, r.sentiment, int(r.n)) for r in rows]


async def drivers_with_open_follow_ups(
    session: AsyncSession, driver_ids: Collection[UUID], excluding: Collection[str] = ()
) -> set[UUID]:
    """The drivers among these who have an unresolved case (of another reason than those excluded)."""
    if not driver_ids:
        return set()
    query = select(FollowUp.driver_id).where(
        FollowUp.driver_id.in_(driver_ids), FollowUp.status == FollowUpStatus.OPEN, FollowUp.reason.not_in(excluding)
    )
    return set((await session.execute(query.distinct())).scalars())
