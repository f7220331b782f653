"""The operators' web console (`/console`, static files served by the app) and the map data it draws."""

import asyncio
import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.dependencies import OperatorUser
from app.console.roads import road_map
from app.db import DbSession
from app.dependencies import AppSettings
from app.errors import NotFound
from app.openapi import problems
from app.regions import service as regions
from app.regions.dependencies import RegionFilter
from app.responses import LargeJSONResponse

STATIC = Path(__file__).parent / "static"

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)


async def warm_road_maps(sessions: async_sessionmaker[AsyncSession], served: list[str]) -> None:
    """Reads the regions' roads as the server starts, so that the first console or tracking page opened
    neither waits for them nor slows every other request while they are read."""
    for region in served:
        try:
            async with sessions() as session:
                extract = await regions.extract_of_region(session, region)
            if extract is not None:
                await asyncio.to_thread(road_map, extract)
        except Exception:  # the first page to ask reads them then, and says what went wrong
            log.warning("could not read the roads of %s ahead of time", region, exc_info=True)


@router.get("/console", include_in_schema=False)
async def console() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/v1/ops/map", response_class=LargeJSONResponse, responses=problems(404))
async def region_map(
    session: DbSession,
    settings: AppSettings,
    _: OperatorUser,
    region: RegionFilter,
) -> LargeJSONResponse:
    """A served region's roads for the console's map (the first served region's by default):
    {"region", "regions" (every served one, for the switch), "time_zones" (each served one's, so that times can
    be told on the car's clock too), "cross_border" (whether a technician may be sent into another region),
    "bounds" (each served one's area as [west, south, east, north], to tell where a technician is), "bbox",
    "roads": [[rank, [lon, lat, ...]]]} (rank 0 main roads, 1 through roads, 2 streets, 3 service roads, 4 ways
    closed to cars, as the router reads their access)."""
    served = settings.served_regions
    region = region or served[0]
    extract = await regions.extract_of_region(session, region)
    if extract is None:
        raise NotFound(f"The region {region} has no map: import it with `trustloop region import`.")
    roads = await asyncio.to_thread(road_map, extract)  # parsed once per process, off the event loop
    time_zones = {name: settings.timezone_of(name) for name in served}
    bounds = await regions.bounds(session, served)
    return LargeJSONResponse(
        {
            "region": region,
            "regions": served,
            "time_zones": time_zones,
            "cross_border": settings.cross_border,
            "bounds": bounds,
            **roads,
        },
        headers={"Cache-Control": "max-age=3600"},
    )
