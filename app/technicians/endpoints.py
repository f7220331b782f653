from uuid import UUID

from fastapi import APIRouter, status

from app.auth.dependencies import OperatorUser, TechnicianUser
from app.db import DbSession
from app.pagination import Limit
from app.technicians import service
from app.technicians.schemas import Availability, TechnicianCreate, TechnicianRead

router = APIRouter(tags=["technicians"])


@router.get("/v1/technicians/me", response_model=TechnicianRead)
async def read_me(session: DbSession, technician: TechnicianUser) -> TechnicianRead:
    return service.present(await service.get_own(session, technician))


@router.put("/v1/technicians/me/availability", response_model=TechnicianRead)
async def set_availability(body: Availability, session: DbSession, technician: TechnicianUser) -> TechnicianRead:
    return await service.set_availability(session, technician, body.online)


@router.post(
    "/v1/ops/technicians",
    status_code=status.HTTP_201_CREATED,
    response_model=TechnicianRead,
)
async def create_technician(body: TechnicianCreate, session: DbSession, _: OperatorUser) -> TechnicianRead:
    return await service.create_technician(session, body)


@router.get("/v1/ops/technicians", response_model=list[TechnicianRead])
async def list_technicians(session: DbSession, _: OperatorUser, limit: Limit = 200) -> list[TechnicianRead]:
    return [service.present(t) for t in await service.list_technicians(session, limit)]


@router.get("/v1/ops/technicians/{technician_id}", response_model=TechnicianRead)
async def read_technician(technician_id: UUID, session: DbSession, _: OperatorUser) -> TechnicianRead:
    return service.present(await service.get_by_id(session, technician_id))
