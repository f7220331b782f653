from fastapi import APIRouter, status

from app.auth.dependencies import TechnicianUser
from app.db import DbSession
from app.dependencies import AppSettings, Osrm
from app.live import service
from app.live.schemas import LocationBatch, LocationResult
from app.openapi import problems

router = APIRouter(tags=["live"])


@router.post(
    "/v1/technicians/me/locations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=LocationResult,
    responses=problems(404, 429),
)
async def post_locations(
    body: LocationBatch, session: DbSession, osrm: Osrm, settings: AppSettings, technician: TechnicianUser
) -> LocationResult:
    return await service.ingest(session, osrm, settings, technician, body)
