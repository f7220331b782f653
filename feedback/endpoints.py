from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import DriverUser, OperatorUser, TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings, ServiceLevels
from app.idempotency import service as idempotency
from app.idempotency.dependencies import IdempotencyKeyHeader
from app.openapi import problems
from app.pagination import Cursor, Limit
from app.schemas import Moment, Page
from feedback import service
from feedback.models import FollowUpStatus
from feedback.schemas import (
    DayKpis,
    FeedbackCreate,
    FeedbackRead,
    FollowUpRead,
    FollowUpResolve,
    OwnScore,
    PeriodKpis,
    Scorecard,
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


@router.post(
    "/v1/track/{token}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackRead,
    responses=problems(404, 409),
    tags=["tracking"],
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
    session: DbSession, _: OperatorUser, status: FollowUpStatus | None = None, limit: Limit = 50, cursor: Cursor = None
) -> Page[FollowUpRead]:
    """The follow-up cases, the most urgent (earliest due) first."""
    return await service.list_follow_ups(session, status, limit, cursor)


@router.post("/v1/ops/followups/{case_id}/resolve", response_model=FollowUpRead, responses=problems(404, 409))
async def resolve_follow_up(
    case_id: UUID, body: FollowUpResolve, session: DbSession, operator: OperatorUser
) -> FollowUpRead:
    return await service.resolve_follow_up(session, operator, case_id, body)


@router.get("/v1/ops/kpis/daily", response_model=list[DayKpis])
async def daily_kpis(
    session: DbSession, _: OperatorUser, levels: ServiceLevels, days: Annotated[int, Query(ge=1, le=90)] = 14
) -> list[DayKpis]:
    """The same KPIs per UTC day over the last `days` days (today included), oldest first."""
    return await service.daily_kpis(session, levels, days)


@router.get("/v1/ops/kpis", response_model=PeriodKpis)
async def period_kpis(
    session: DbSession,
    _: OperatorUser,
    levels: ServiceLevels,
    since: Annotated[Moment | None, Query(alias="from")] = None,
    until: Annotated[Moment | None, Query(alias="to")] = None,
) -> PeriodKpis:
    """NPS (-100..100), CSAT, FCR and rates (0..1), CES mean, response and arrival percentiles in seconds."""
    return await service.period_kpis(session, levels, since, until)


@router.get("/v1/technicians/me/score", response_model=OwnScore)
async def own_score(session: DbSession, settings: AppSettings, technician: TechnicianUser) -> OwnScore:
    """The technician's own trust score, its parts, and what counted for or against him (and what did not),
    newest first, in plain words: the people the score judges can check it."""
    return await service.own_score(session, technician.user_id, settings.timezone)


@router.get("/v1/ops/technicians/{technician_id}", response_model=Scorecard, responses=problems(404))
async def read_scorecard(technician_id: UUID, session: DbSession, levels: ServiceLevels, _: OperatorUser) -> Scorecard:
    """The technician's scorecard: trust score and its parts, history, jobs, CSAT, NPS, on-time rate, offers."""
    return await service.scorecard(session, levels, technician_id)
