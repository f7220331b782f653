import csv
import io
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app import clock, events
from app.auth.tokens import Principal
from app.enums import Locale
from app.errors import Conflict, InvalidInput, NotFound
from app.orders import repository as orders_repository
from app.orders.models import Order, OrderStatus
from app.orders.service import load_visible
from app.partners import repository as partners_repository
from app.sla.rules import SlaPolicy
from app.technicians import repository as technicians_repository
from app.technicians import service as technicians
from app.technicians.reputation import Reputation
from app.tracking import service as tracking
from feedback import repository, scores
from feedback.explain import change_cause, explain
from feedback.kpis import OrderFacts, kpis, percentile, week_of
from feedback.kpis import daily as kpis_by_day
from feedback.kpis import weekly as kpis_by_week
from feedback.models import Feedback, FollowUp, FollowUpReason, FollowUpStatus
from feedback.schemas import (
    DayKpis,
    DriversWords,
    EvidenceLine,
    FeedbackCreate,
    FeedbackRead,
    JobCounts,
    OfferCounts,
    OwnScore,
    OwnScoreChange,
    Percentiles,
    PeriodKpis,
    Scorecard,
    ScoreChange,
    TrustPart,
    TrustParts,
)
from feedback.trust import TrustScore

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
    return await record_feedback(session, order, data, follow_up_within)


async def give_feedback_by_link(
    session: AsyncSession, token: str, data: FeedbackCreate, follow_up_within: timedelta
) -> FeedbackRead:
    """The same rating given through the order's tracking link (by the driver or his family): the same
    rules, and the same once per order as in the app."""
    order = await tracking.open_link(session, token, lock=True)
    return await record_feedback(session, order, data, follow_up_within)


async def record_feedback(
    session: AsyncSession, order: Order, data: FeedbackCreate, follow_up_within: timedelta
) -> FeedbackRead:
    """Records the rating of a locked order: after it ended, within the window, once (a unique index)."""
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
    await events.publish(
        session,
        events.FeedbackGiven(
            at=feedback.created_at, feedback_id=feedback.id, order_id=order.id, driver_id=order.driver_id,
            technician_id=order.technician_id, service=order.service, csat=data.csat, nps=data.nps, ces=data.ces,
            tags=tuple(feedback.tags), comment=data.comment,
        ),
    )  # fmt: skip
    read = FeedbackRead.model_validate(feedback)
    if is_detractor(data.csat, data.nps):
        read.call_back_by = (await open_follow_up(session, feedback, follow_up_within)).due_at
    return read


def is_detractor(csat: int, nps: int | None) -> bool:
    """Unhappy enough that a person should call back: NPS 0-6 or CSAT 1-2."""
    return csat <= 2 or (nps is not None and nps <= 6)


async def open_follow_up(
    session: AsyncSession, feedback: Feedback, within: timedelta,
    reason: FollowUpReason = FollowUpReason.DETRACTOR, topics: Sequence[str] = (),
) -> FollowUp:  # fmt: skip
    """A case for an unhappy rating; after a failed job, the call already promised takes the rating on, so the
    driver is called once."""
    promised = await repository.open_case_of_order(session, feedback.order_id, FollowUpReason.FAILED_JOB)
    if promised is not None:
        promised.feedback_id, promised.topics = feedback.id, list(topics)
        await session.flush()
        return promised
    return await open_case(
        session, order_id=feedback.order_id, driver_id=feedback.driver_id, technician_id=feedback.technician_id,
        reason=reason, due_at=feedback.created_at + within, topics=topics, feedback_id=feedback.id,
    )  # fmt: skip


async def open_case(
    session: AsyncSession, *, order_id: UUID, driver_id: UUID, technician_id: UUID | None, reason: FollowUpReason,
    due_at: datetime, topics: Sequence[str] = (), risks: Sequence[str] = (), feedback_id: UUID | None = None,
) -> FollowUp:  # fmt: skip
    """A case for the operators about a driver's job; a proactive one (churn risk) has no rating behind it."""
    case = FollowUp(
        feedback_id=feedback_id,
        order_id=order_id,
        driver_id=driver_id,
        technician_id=technician_id,
        reason=reason.value,
        topics=list(topics),
        risks=list(risks),
        due_at=due_at,
        status=FollowUpStatus.OPEN,
    )
    session.add(case)
    await session.flush()
    await announce(session, case)
    return case


async def call_as_promised(
    session: AsyncSession, event: events.OrderStatusChanged, reason: FollowUpReason, within: timedelta
) -> None:
    """A push promised the driver a call within minutes (a failed job, or nobody free in time): the operators get
    the case now."""
    await open_case(
        session, order_id=event.order_id, driver_id=event.driver_id, technician_id=event.technician_id,
        reason=reason, due_at=event.at + within,
    )  # fmt: skip


async def announce(session: AsyncSession, case: FollowUp, *, overdue: bool = False) -> None:
    await events.publish(
        session,
        events.FollowUpChanged(at=clock.now(), followup_id=case.id, order_id=case.order_id, status=case.status.value,
                               due_at=case.due_at, overdue=overdue),
    )  # fmt: skip


async def mark_overdue(session: AsyncSession, now: datetime) -> list[UUID]:
    """Follow-ups whose driver was not called back by the due time: each announced once (a watch round)."""
    overdue = await repository.mark_overdue_follow_ups(session, now)
    for case in overdue:
        await announce(session, case, overdue=True)
    return [case.id for case in overdue]


async def facts(
    session: AsyncSession, since: datetime, until: datetime, technician_id: UUID | None = None,
    partner_id: UUID | None = None, region: str | None = None,
) -> list[OrderFacts]:  # fmt: skip
    """The orders created in [since, until) (or one technician's jobs, or one partner's or one region's orders,
    among them) with their ratings."""
    records = await orders_repository.order_records(session, since, until, technician_id, partner_id, region)
    ratings = await repository.ratings_of_orders(session, [r.id for r in records])
    found = []
    for r in records:
        rating = ratings.get(r.id)
        found.append(
            OrderFacts(
                order_id=r.id, status=r.status, resolution=r.resolution, created_at=r.created_at, assigned_at=r.assigned_at,
                arrived_at=r.arrived_at, promised_at=r.promised_at, technician_id=r.technician_id, service=r.service,
                drive_s=r.drive_s, eta_raw_s=r.eta_raw_s, eta_median_s=r.eta_median_s,
                csat=rating.csat if rating else None, nps=rating.nps if rating else None,
                ces=rating.ces if rating else None,
            )
        )  # fmt: skip
    return found


async def period_kpis(
    session: AsyncSession, policy: SlaPolicy, since: datetime | None, until: datetime | None,
    partner_id: UUID | None = None, region: str | None = None,
) -> PeriodKpis:  # fmt: skip
    until = until or clock.now()
    since = since or until - timedelta(days=30)
    if since >= until:
        raise InvalidInput("`from` must be before `to`.")
    figures = kpis(await facts(session, since, until, partner_id=partner_id, region=region), policy.arrival_tolerance)
    delays = await repository.first_contact_delays(session, since, until, partner_id, region)
    figures.first_contact_s = Percentiles(p50=percentile(delays, 0.5), p90=percentile(delays, 0.9))
    figures.samples["first_contact_s"] = len(delays)
    return PeriodKpis(since=since, until=until, **figures.model_dump())


REPORT_COLUMNS = (
    "week", "orders", "nps", "csat", "ces", "eta_promise_kept", "arrival_p50_s", "arrival_p90_s", "first_time_fix",
    "complaints",
)  # fmt: skip


async def partner_report(
    session: AsyncSession, policy: SlaPolicy, partner_id: UUID, since: datetime | None, until: datetime | None
) -> str:
    """One CSV row per ISO week of the partner's orders; complaints are the follow-ups its members' ratings
    opened. Rates are fractions, times seconds, empty where there is nothing to measure."""
    if await partners_repository.get(session, partner_id) is None:
        raise NotFound("No such partner.")
    until = until or clock.now()
    since = since or until - timedelta(days=91)
    if since >= until:
        raise InvalidInput("`from` must be before `to`.")
    found = await facts(session, since, until, partner_id=partner_id)
    complained = await repository.orders_with_follow_ups(session, [f.order_id for f in found if f.order_id])
    complaints: dict[date, int] = {}
    for fact in found:
        if fact.order_id in complained:
            week = week_of(fact.created_at)
            complaints[week] = complaints.get(week, 0) + 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for week, figures in kpis_by_week(found, policy.arrival_tolerance):
        writer.writerow([
            week.isoformat(), figures.orders, _cell(figures.nps), _cell(figures.csat), _cell(figures.ces),
            _cell(figures.eta_promise_kept), _cell(figures.time_to_arrival_s.p50), _cell(figures.time_to_arrival_s.p90),
            _cell(figures.fcr), complaints.get(week, 0),
        ])  # fmt: skip
    return out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


async def daily_kpis(session: AsyncSession, policy: SlaPolicy, days: int, region: str | None = None) -> list[DayKpis]:
    today = clock.now().astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    found = await facts(session, since, since + timedelta(days=days), region=region)
    return kpis_by_day(found, first_day, days, policy.arrival_tolerance)


async def scorecard(
    session: AsyncSession, policy: SlaPolicy, technician_id: UUID, drivers_said: DriversWords
) -> Scorecard:
    """Everything an operator needs to judge a technician, and why dispatch ranks him as it does."""
    technician = await technicians_repository.get(session, technician_id)
    if technician is None:
        raise NotFound("No such technician.")
    now = clock.now()
    services = [*technician.skills]
    overall = (await scores.overall(session, [technician.id]))[technician.id]
    trust = await scores.for_services(session, [(technician.id, s) for s in services])
    jobs = await facts(session, datetime.min.replace(tzinfo=UTC), now, technician.id)
    metrics = kpis(jobs, policy.arrival_tolerance)
    history = await repository.score_history(session, technician.id, limit=50)
    return Scorecard(
        **technicians.present(technician, overall.value).model_dump(),
        trust=TrustParts(
            score=overall.value, prior=overall.prior, ratings=overall.ratings,
            parts=_parts(overall),
            by_service={s: trust[technician.id, s].value for s in services},
            history=[ScoreChange(score=c.score, previous=c.previous, cause=c.cause, order_id=c.order_id, at=c.at)
                     for c in history],
        ),
        jobs=JobCounts(**{status: sum(f.status == status for f in jobs) for status in ("completed", "failed",
                                                                                      "cancelled")}),
        csat=metrics.csat, nps=metrics.nps, fcr=metrics.fcr, on_time_rate=metrics.eta_promise_kept,
        offers=OfferCounts(**await repository.offer_outcomes(session, technician.id)),
        drivers_said=drivers_said,
    )  # fmt: skip


def _parts(score: TrustScore) -> list[TrustPart]:
    return [
        TrustPart(signal=p.signal.value, value=p.value, observed=p.observed, events=p.events,
                  effective_events=p.effective_events, prior=p.prior, weight=p.weight, contribution=p.contribution)
        for p in score.parts
    ]  # fmt: skip


async def own_score(
    session: AsyncSession,
    technician_id: UUID,
    timezone_of: Callable[[str | None], str],
    locale: Locale = Locale.EN,
    limit: int = 100,
) -> OwnScore:
    """The score as the technician sees it: its parts and the newest facts that moved it, in plain words, their
    times on the clock of each job's region (or his own)."""
    technician = await technicians_repository.get(session, technician_id)
    home = technician.region if technician is not None else None
    overall = (await scores.overall(session, [technician_id]))[technician_id]
    entries = await repository.evidence_entries(session, technician_id, limit)
    jobs = await orders_repository.jobs_of(session, {e.order_id for e in entries if e.order_id})
    lines = []
    for entry in entries:
        assert entry.value is not None
        job = jobs.get(entry.order_id) if entry.order_id else None
        timezone = timezone_of(job.region if job and job.region else home)
        said = explain(entry.signal, entry.value, entry.cause, entry.detail, entry.settled_at or entry.at, timezone,
                       job.asked_at if job else None, locale)  # fmt: skip
        lines.append(EvidenceLine(signal=entry.signal, effect=said.effect, words=said.words, order_id=entry.order_id,
                                  at=entry.settled_at or entry.at))  # fmt: skip
    changes = await repository.score_history(session, technician_id, limit=50)
    history = [
        OwnScoreChange(score=c.score, previous=c.previous, cause=c.cause, order_id=c.order_id, at=c.at,
                       words=change_cause(c.cause, locale))
        for c in changes
    ]  # fmt: skip
    return OwnScore(
        score=overall.value, prior=overall.prior, ratings=overall.ratings, parts=_parts(overall), evidence=lines,
        history=history,
    )  # fmt: skip


async def blocked_pairs(
    session: AsyncSession, driver_ids: Collection[UUID], csat_at_or_below: int
) -> list[tuple[UUID, UUID]]:
    """The (driver, technician) pairs dispatch must never match: the driver rated him this low once."""
    return await repository.blocked_pairs(session, driver_ids, csat_at_or_below)


async def is_blocked(session: AsyncSession, driver_id: UUID, technician_id: UUID, csat_at_or_below: int) -> bool:
    return (driver_id, technician_id) in await repository.blocked_pairs(session, [driver_id], csat_at_or_below)


async def is_rated(session: AsyncSession, order_id: UUID) -> bool:
    """Whether the order has its rating (the core's port for the tracking link's form)."""
    return order_id in await repository.ratings_of_orders(session, [order_id])


async def call_back_promised(session: AsyncSession, order_id: UUID) -> datetime | None:
    """By when the driver was told someone would call about the order (his low rating opened a case), while
    the case is open and nobody has called yet (the core's port for the tracking page)."""
    return await repository.uncalled_follow_up_due(session, order_id)


async def reputations(session: AsyncSession, technician_ids: Sequence[UUID]) -> Mapping[UUID, Reputation]:
    """The trust score and mean rating of each technician (the core's reputation port)."""
    trust = await scores.overall(session, technician_ids)
    ratings = await repository.mean_ratings(session, technician_ids)
    return {
        t: Reputation(trust_score=trust[t].value, rating=round(ratings[t], 2) if t in ratings else None)
        for t in technician_ids
    }
