from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import OperatorUser, PartnerUser
from app.db import DbSession
from app.dependencies import ServiceLevels
from app.openapi import problems
from app.pagination import Cursor, Limit
from app.schemas import Page, PeriodEnd, PeriodStart
from retention import service
from retention.schemas import (
    CoverEventCreate,
    CoverEventItem,
    CoverEventRead,
    CoverRead,
    CoverSet,
    MemberCoverEventCreate,
    MemberCoverSet,
    RetentionRead,
)

router = APIRouter(tags=["retention"])


@router.put("/v1/ops/drivers/{driver_id}/cover", response_model=CoverRead, responses=problems(404))
async def set_cover(driver_id: UUID, body: CoverSet, session: DbSession, _: OperatorUser) -> CoverRead:
    """Sets the driver's roadside cover: plan, current term and the partner who covers him (404 for an unknown
    driver or partner; 422 unless the renewal comes after the start)."""
    return await service.set_cover(session, driver_id, body)


@router.get("/v1/ops/drivers/{driver_id}/cover", response_model=CoverRead, responses=problems(404))
async def read_cover(driver_id: UUID, session: DbSession, _: OperatorUser) -> CoverRead:
    return await service.read_cover(session, driver_id)


@router.post(
    "/v1/ops/drivers/{driver_id}/cover/events", status_code=status.HTTP_201_CREATED, response_model=CoverEventRead,
    responses={**problems(404, 409), 200: {"model": CoverEventRead, "description": "Already recorded"}},
)  # fmt: skip
async def record_cover_event(
    driver_id: UUID, body: CoverEventCreate, session: DbSession, _: OperatorUser
) -> JSONResponse:
    """A renewal (the renewal date moves one term on) or a lapse of the renewal date it answers (`renews_on`,
    default the cover's current one): 201 when recorded, 200 with the first one when it already was."""
    return _event_response(await service.record_event(session, driver_id, body))


@router.get("/v1/ops/drivers/{driver_id}/cover/events", response_model=Page[CoverEventItem], responses=problems(404))
async def list_cover_events(
    driver_id: UUID, session: DbSession, _: OperatorUser, limit: Limit = 50, cursor: Cursor = None
) -> Page[CoverEventItem]:
    """The driver's renewals and lapses, newest first."""
    return await service.list_events(session, driver_id, limit, cursor)


@router.get("/v1/ops/retention", response_model=RetentionRead, responses=problems(422))
async def retention(
    session: DbSession,
    _: OperatorUser,
    levels: ServiceLevels,
    since: Annotated[PeriodStart | None, Query(alias="from")] = None,
    until: Annotated[PeriodEnd | None, Query(alias="to")] = None,
) -> RetentionRead:
    """Renewal and repeat-use rates of the drivers whose renewal date fell in [from, to) (default: the last 90
    days), overall and by the experience of each one's last finished job before that date."""
    return await service.retention(session, levels, since, until)


@router.put("/v1/partner/covers", response_model=CoverRead, responses=problems(404, 409), tags=["partners"])
async def set_member_cover(body: MemberCoverSet, session: DbSession, partner: PartnerUser) -> CoverRead:
    """The partner covers its own member (a phone it ordered help for); 409 if someone else holds his cover."""
    return await service.set_member_cover(session, partner.user_id, body)


@router.post(
    "/v1/partner/covers/events", status_code=status.HTTP_201_CREATED, response_model=CoverEventRead,
    responses=problems(404), tags=["partners"],
)  # fmt: skip
async def record_member_cover_event(
    body: MemberCoverEventCreate, session: DbSession, partner: PartnerUser
) -> JSONResponse:
    """A renewal or lapse of a cover the partner holds, as `POST /v1/ops/drivers/{id}/cover/events`."""
    return _event_response(await service.record_member_event(session, partner.user_id, body))


def _event_response(event: CoverEventRead) -> JSONResponse:
    code = status.HTTP_201_CREATED if event.created else status.HTTP_200_OK
    return JSONResponse(event.model_dump(mode="json"), status_code=code)
