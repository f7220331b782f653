from datetime import timedelta

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import OperatorUser, TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings
from app.idempotency import service as idempotency
from app.idempotency.dependencies import IdempotencyKeyHeader
from app.openapi import problems
from app.pagination import BulkLimit, Cursor
from app.regions.dependencies import RegionFilter
from app.schemas import Page
from app.technicians import service
from app.technicians.schemas import Availability, OwnProfile, TechnicianCreate, TechnicianRead

router = APIRouter(tags=["technicians"])


@router.get("/v1/technicians/me", response_model=OwnProfile, responses=problems(404))
async def read_me(session: DbSession, settings: AppSettings, technician: TechnicianUser) -> OwnProfile:
    """His profile, `current_order_id` (the job he is on now: read on start, and on a `job_assigned` push) and
    `no_offers_because` (what keeps offers from reaching him, if anything does)."""
    stale = timedelta(seconds=settings.position_stale_s)
    return await service.own_profile(session, await service.get_own(session, technician), stale)


@router.put("/v1/technicians/me/availability", response_model=OwnProfile, responses=problems(404))
async def set_availability(
    body: Availability, session: DbSession, settings: AppSettings, technician: TechnicianUser
) -> OwnProfile:
    available = await service.set_availability(session, technician, body.online)
    return await service.own_profile(session, available, timedelta(seconds=settings.position_stale_s))


@router.post("/v1/ops/technicians", status_code=status.HTTP_201_CREATED, response_model=TechnicianRead)
async def create_technician(
    body: TechnicianCreate,
    session: DbSession,
    settings: AppSettings,
    operator: OperatorUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    return await idempotency.respond_once(
        session, operator.user_id, idempotency_key, "technicians.create", body, settings.idempotency_ttl_s,
        lambda: service.create_technician(session, body),
    )  # fmt: skip


@router.get("/v1/ops/technicians", response_model=Page[TechnicianRead])
async def list_technicians(
    session: DbSession, _: OperatorUser, region: RegionFilter, limit: BulkLimit = 50, cursor: Cursor = None
) -> Page[TechnicianRead]:
    """The fleet by name, with each technician's trust score (up to 1,000 a page); `region` narrows it to those
    who serve that region's orders (its own technicians and those of no region)."""
    return await service.list_technicians(session, region, limit, cursor)
