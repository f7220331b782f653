"""The operators' web console (`/console`, static files served by the app) and the map data it draws."""

import asyncio
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, ORJSONResponse

from app.auth.dependencies import OperatorUser
from app.console.roads import road_map
from app.db import DbSession
from app.dependencies import AppSettings
from app.errors import NotFound
from app.openapi import problems
from app.regions import service as regions

STATIC = Path(__file__).parent / "static"

router = APIRouter(tags=["operations"])


@router.get("/console", include_in_schema=False)
async def console() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/v1/ops/map", response_class=ORJSONResponse, responses=problems(404))
async def region_map(session: DbSession, settings: AppSettings, _: OperatorUser) -> ORJSONResponse:
    """The active region's roads for the console's map: {"region", "bbox", "roads": [[rank, [lon, lat, ...]]]}."""
    extract = await regions.extract_of_region(session, settings.region)
    if extract is None:
        raise NotFound(f"The region {settings.region} has no map: import it with `trustloop region import`.")
    roads = await asyncio.to_thread(road_map, extract)  # parsed once per process, off the event loop
    return ORJSONResponse({"region": settings.region, **roads}, headers={"Cache-Control": "max-age=3600"})
