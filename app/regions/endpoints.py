from fastapi import APIRouter

from app.db import DbSession
from app.regions import repository
from app.regions.schemas import RegionList, RegionRead

router = APIRouter(tags=["regions"])


@router.get("/v1/regions", response_model=RegionList)
async def list_regions(session: DbSession) -> RegionList:
    """The regions we serve and their areas (GeoJSON), so that an app can tell before it asks for help."""
    return RegionList(items=[RegionRead(name=a.name, area=a.area) for a in await repository.areas(session)])
