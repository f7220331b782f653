import asyncio
from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import JSONResponse, PlainTextResponse

from app.auth.dependencies import DriverOrOperator, DriverUser, OperatorUser, PartnerUser, TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings, ServiceLevels
from app.enums import Locale
from app.idempotency import service as idempotency
from app.idempotency.dependencies import IdempotencyKeyHeader
from app.openapi import problems
from app.pagination import Cursor, Limit
from app.regions.dependencies import RegionFilter
from app.schemas import Page, PeriodEnd, PeriodStart
from app.tracking.languages import by_preference
from feedback import commenting, followups, service
from feedback.models import FollowUpStatus
from feedback.schemas import (
    CommentAnalysisRead,
    CommentText,
    ContactCreate,
    DayKpis,
    FeedbackCreate,
    FeedbackRead,
    FollowUpRead,
    FollowUpResolve,
    OwnScore,
    PeriodKpis,
    Scorecard,
    WeekTopics,
)

router = APIRouter(tags=["feedback"])


@router.post(
    "/v1/orders/{order_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackRead,
    responses=problems(404, 409),
)
async def give_feedback(
    order_id: UUID,
    body: FeedbackCreate,
    session: DbSession,
    driver: DriverUser,
    settings: AppSettings,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return await idempotency.respond_once(
        session, driver.user_id, idempotency_key, f"feedback.create:{order_id}", body, settings.idempotency_ttl_s,
        lambda: service.give_feedback(session, driver, order_id, body, timedelta(seconds=settings.follow_up_within_s)),
    )  # fmt: skip


@router.get("/v1/orders/{order_id}/feedback", response_model=FeedbackRead, responses=problems(404))
async def read_feedback(order_id: UUID, session: DbSession, user: DriverOrOperator) -> FeedbackRead:
    """The rating given for the order, with what its comment says once analysed (`comment_analysis` is null
    for a moment after the rating). 404 until it is rated."""
    return await commenting.feedback_of_order(session, user, order_id)


@router.post("/v1/ops/comments/analyze", response_model=CommentAnalysisRead, tags=["operations"])
async def analyze_comment(body: CommentText, _: OperatorUser) -> CommentAnalysisRead:
    """What a text says, on demand: language, sentiment and score, topics, and the words behind them."""
    # In a thread: a long text (up to 10,000 characters, a few hundred ms at worst) must not hold up the event
    # loop's other requests.
    return await asyncio.to_thread(commenting.read_text, body.text)


@router.get("/v1/ops/comments/topics", response_model=list[WeekTopics], tags=["operations"])
async def comment_topics(
    session: DbSession, _: OperatorUser, weeks: Annotated[int, Query(ge=1, le=52)] = 8
) -> list[WeekTopics]:
    """Per ISO week (oldest first): comments analysed, how many negative, and how many named each topic."""
    return await commenting.topics_by_week(session, weeks)


@router.post(
    "/v1/track/{token}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackRead,
    responses=problems(404, 409),
    tags=["tracking"],
    response_model_exclude={"technician_id"},  # the link names no one by id
)
async def give_feedback_by_link(
    token: str, body: FeedbackCreate, session: DbSession, settings: AppSettings
) -> FeedbackRead:
    """The rating through the order's tracking link, as `POST /v1/orders/{id}/feedback`: once per order
    (whichever comes first, the app or the link), only after completed or failed (else 409)."""
    follow_up_within = timedelta(seconds=settings.follow_up_within_s)
    return await service.give_feedback_by_link(session, token, body, follow_up_within)


@router.get("/v1/ops/followups", response_model=Page[FollowUpRead])
async def list_follow_ups(
    session: DbSession, _: OperatorUser, region: RegionFilter, status: FollowUpStatus | None = None,
    limit: Limit = 50, cursor: Cursor = None,
) -> Page[FollowUpRead]:  # fmt: skip
    """The follow-up cases, the most urgent (earliest due) first, each with the driver's name and phone, the
    rating, who has the case and each contact attempt; `region` narrows them to one region's orders."""
    return await followups.list_follow_ups(session, status, region, limit, cursor)


@router.post("/v1/ops/followups/{case_id}/take", response_model=FollowUpRead, responses=problems(404, 409))
async def take_follow_up(case_id: UUID, session: DbSession, operator: OperatorUser) -> FollowUpRead:
    """The operator takes the case (409 if another operator has it)."""
    return await followups.take(session, operator, case_id)


@router.post(
    "/v1/ops/followups/{case_id}/contacts", status_code=status.HTTP_201_CREATED, response_model=FollowUpRead,
    responses=problems(404, 409),
)  # fmt: skip
async def record_contact(
    case_id: UUID, body: ContactCreate, session: DbSession, operator: OperatorUser
) -> FollowUpRead:
    """An attempt to reach the driver: reached, no_answer or callback_requested. The first one is the case's
    first-contact time."""
    return await followups.record_contact(session, operator, case_id, body)


@router.post("/v1/ops/followups/{case_id}/resolve", response_model=FollowUpRead, responses=problems(404, 409))
async def resolve_follow_up(
    case_id: UUID, body: FollowUpResolve, session: DbSession, operator: OperatorUser
) -> FollowUpRead:
    """Closes the case with a note and, optionally, its outcome."""
    return await followups.resolve(session, operator, case_id, body)


@router.get("/v1/ops/kpis/daily", response_model=list[DayKpis])
async def daily_kpis(
    session: DbSession,
    _: OperatorUser,
    levels: ServiceLevels,
    region: RegionFilter,
    days: Annotated[int, Query(ge=1, le=90)] = 14,
) -> list[DayKpis]:
    """The same KPIs per UTC day over the last `days` days (today included), oldest first; `region` narrows
    them to one region's orders."""
    return await service.daily_kpis(session, levels, days, region)


@router.get("/v1/ops/kpis", response_model=PeriodKpis)
async def period_kpis(
    session: DbSession,
    _: OperatorUser,
    levels: ServiceLevels,
    region: RegionFilter,
    since: Annotated[PeriodStart | None, Query(alias="from")] = None,
    until: Annotated[PeriodEnd | None, Query(alias="to")] = None,
    partner_id: UUID | None = None,
) -> PeriodKpis:
    """NPS (-100..100), CSAT, FCR and rates (0..1), CES mean, response and arrival percentiles in seconds;
    `partner_id` narrows them to the orders a partner placed, `region` to one region's."""
    return await service.period_kpis(session, levels, since, until, partner_id, region)


@router.get("/v1/partner/kpis", response_model=PeriodKpis, tags=["partners"])
async def partner_kpis(
    session: DbSession,
    partner: PartnerUser,
    levels: ServiceLevels,
    since: Annotated[PeriodStart | None, Query(alias="from")] = None,
    until: Annotated[PeriodEnd | None, Query(alias="to")] = None,
) -> PeriodKpis:
    """The operators' KPIs for the partner's own orders (default: the last 30 days)."""
    return await service.period_kpis(session, levels, since, until, partner.user_id)


@router.get(
    "/v1/ops/partners/{partner_id}/report.csv", response_class=PlainTextResponse, tags=["partners"],
    responses={**problems(404), 200: {"content": {"text/csv": {}}, "description": "One row per ISO week"}},
)  # fmt: skip
async def partner_report(
    partner_id: UUID,
    session: DbSession,
    _: OperatorUser,
    levels: ServiceLevels,
    since: Annotated[PeriodStart | None, Query(alias="from")] = None,
    until: Annotated[PeriodEnd | None, Query(alias="to")] = None,
) -> PlainTextResponse:
    """The partner's weekly report (default: the last 13 weeks): orders, NPS, CSAT, CES, promise kept,
    arrival p50/p90, first-time fix, complaints (follow-ups its members' ratings opened)."""
    report = await service.partner_report(session, levels, partner_id, since, until)
    filename = f"trustloop-partner-{partner_id}.csv"
    return PlainTextResponse(
        report, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/v1/technicians/me/score", response_model=OwnScore)
async def own_score(
    session: DbSession, settings: AppSettings, technician: TechnicianUser, response: Response,
    accept_language: Annotated[str | None, Header()] = None,
) -> OwnScore:  # fmt: skip
    """The technician's own trust score, its parts, and what counted for or against him (and what did not),
    newest first, in plain words: the people the score judges can check it. The words are in the language his
    app asks for (`Accept-Language`: English, Russian or German; English otherwise)."""
    response.headers["Vary"] = "Accept-Language"
    locale = Locale(by_preference(accept_language, [locale.value for locale in Locale])[0])
    return await service.own_score(session, technician.user_id, settings.timezone_of, locale)


@router.get("/v1/ops/technicians/{technician_id}", response_model=Scorecard, responses=problems(404))
async def read_scorecard(technician_id: UUID, session: DbSession, levels: ServiceLevels, _: OperatorUser) -> Scorecard:
    """The technician's scorecard: trust score and its parts, history, jobs, CSAT, NPS, on-time rate, offers."""
    return await commenting.scorecard(session, levels, technician_id)
