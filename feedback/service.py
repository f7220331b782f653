from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.auth.tokens import Principal
from app.errors import Conflict, InvalidInput, NotFound
from app.live import events
from app.orders.models import OrderStatus
from app.orders.service import load_visible
from app.technicians import service as technicians
from app.technicians.models import Technician
from feedback import repository, scores
from feedback.kpis import daily as kpis_by_day
from feedback.kpis import kpis
from feedback.models import Feedback, FollowUp, FollowUpStatus
from feedback.schemas import (
    FeedbackCreate,
    FeedbackRead,
    FollowUpRead,
    FollowUpResolve,
    Scorecard,
    ScoreChange,
    TrustPart,
    TrustParts,
)

FEEDBACK_WINDOW = timedelta(days=14)


async def give_feedback(
    session: AsyncSession,
    principal: Principal,
    order_id: UUID,
    data: FeedbackCreate,
    follow_up_within: timedelta,
) -> FeedbackRead:
    """The driver's rating of a finished job: only his own order, once, after it ended, within the window."""
    order = await load_visible(session, principal, order_id, lock=True)
    if order.status not in OrderStatus.finished():
        raise Conflict("Feedback opens when the job is completed or failed.")
    if clock.now() - order.updated_at > FEEDBACK_WINDOW:
        raise Conflict("The time to rate this job has passed.")
    feedback = Feedback(
        order_id=order.id,
        driver_id=order.driver_id,
        technician_id=order.technician_id,
        csat=data.csat,
        nps=data.nps,
        ces=data.ces,
        tags=sorted(set(data.tags)),
        comment=data.comment,
        created_at=clock.now(),
    )
    session.add(feedback)
    await session.flush()
    if feedback.technician_id is not None:
        await scores.refresh(session, [feedback.technician_id], "rating", feedback.created_at, order.id)
    if is_detractor(data.csat, data.nps):
        await open_follow_up(session, feedback, follow_up_within)
    return FeedbackRead.model_validate(feedback)


def is_detractor(csat: int, nps: int | None) -> bool:
    """Unhappy enough that a person should call back: NPS 0-6 or CSAT 1-2."""
    return csat <= 2 or (nps is not None and nps <= 6)


async def open_follow_up(session: AsyncSession, feedback: Feedback, within: timedelta) -> None:
    parts = [f"CSAT {feedback.csat}"] + ([f"NPS {feedback.nps}"] if feedback.nps is not None else [])
    case = FollowUp(
        feedback_id=feedback.id,
        order_id=feedback.order_id,
        driver_id=feedback.driver_id,
        technician_id=feedback.technician_id,
        reason=", ".join(parts + feedback.tags),
        due_at=feedback.created_at + within,
        status=FollowUpStatus.OPEN,
    )
    session.add(case)
    await session.flush()
    await announce(session, case)


async def list_follow_ups(session: AsyncSession, status: FollowUpStatus | None, limit: int) -> list[FollowUpRead]:
    return [present_follow_up(case) for case in await repository.follow_ups(session, status, limit)]


async def resolve_follow_up(
    session: AsyncSession, principal: Principal, case_id: UUID, data: FollowUpResolve
) -> FollowUpRead:
    case = await repository.follow_up_for_update(session, case_id)
    if case is None:
        raise NotFound("No such follow-up.")
    if case.status is FollowUpStatus.RESOLVED:
        raise Conflict("This follow-up was already resolved.")
    case.status = FollowUpStatus.RESOLVED
    case.note = data.note
    case.resolved_at = clock.now()
    case.resolved_by = principal.user_id
    await session.flush()
    await announce(session, case)
    return present_follow_up(case)


async def announce(session: AsyncSession, case: FollowUp) -> None:
    await events.publish_for_operators(
        session, "followup", case.order_id, followup_id=str(case.id), status=case.status.value,
        due_at=events.rfc3339(case.due_at),
    )  # fmt: skip


def present_follow_up(case: FollowUp) -> FollowUpRead:
    return FollowUpRead(
        id=case.id, order_id=case.order_id, driver_id=case.driver_id, technician_id=case.technician_id,
        reason=case.reason, due_at=case.due_at,
        overdue=case.status is FollowUpStatus.OPEN and case.due_at < clock.now(),
        status=case.status.value, note=case.note, created_at=case.created_at, resolved_at=case.resolved_at,
    )  # fmt: skip


async def period_kpis(session: AsyncSession, since: datetime | None, until: datetime | None) -> dict[str, object]:
    until = until or clock.now()
    since = since or until - timedelta(days=30)
    if since >= until:
        raise InvalidInput("`from` must be before `to`.")
    return {"from": since, "to": until, **kpis(await repository.order_facts(session, since, until))}


async def daily_kpis(session: AsyncSession, days: int) -> list[dict[str, object]]:
    today = clock.now().astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    facts = await repository.order_facts(session, since, since + timedelta(days=days))
    return kpis_by_day(facts, first_day, days)


async def scorecard(session: AsyncSession, technician: Technician) -> Scorecard:
    """Everything an operator needs to judge a technician, and why dispatch ranks him as it does."""
    now = clock.now()
    services = [*technician.skills]
    overall = (await scores.overall(session, [technician.id]))[technician.id]
    trust = await scores.for_services(session, [(technician.id, s) for s in services])
    facts = await repository.order_facts(session, datetime.min.replace(tzinfo=UTC), now, technician.id)
    metrics = kpis(facts)
    offers = await repository.offer_outcomes(session, technician.id)
    history = await repository.score_history(session, technician.id, limit=50)
    return Scorecard(
        **technicians.present(technician, overall.value).model_dump(),
        trust=TrustParts(
            score=overall.value, prior=overall.prior, ratings=overall.ratings,
            parts=[
                TrustPart(signal=p.signal.value, value=p.value, observed=p.observed, events=p.events,
                          effective_events=p.effective_events, prior=p.prior, weight=p.weight,
                          contribution=p.contribution)
                for p in overall.parts
            ],
            by_service={s: trust[technician.id, s].value for s in services},
            history=[ScoreChange(score=c.score, previous=c.previous, cause=c.cause, order_id=c.order_id, at=c.at)
                     for c in history],
        ),
        jobs={status: sum(f.status == status for f in facts) for status in ("completed", "failed", "cancelled")},
        csat=metrics["csat"], nps=metrics["nps"], fcr=metrics["fcr"], on_time_rate=metrics["eta_promise_kept"],
        offers=offers,
    )  # fmt: skip
