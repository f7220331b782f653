"""The deployment's road engines: one osrm-routed for a single region, or one per region, each answering for
the places its region's roads reach (the areas come from the database, where `trustloop region import`
recorded them)."""

import logging

import shapely.geometry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.regions import repository as regions
from app.routing.osrm import OsrmClient, region_engine

log = logging.getLogger(__name__)


async def routing(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> OsrmClient:
    served = settings.served_regions
    if len(served) == 1:
        return OsrmClient.from_settings(settings)
    async with sessions() as session:
        areas = {area.name: shapely.geometry.shape(area.area) for area in await regions.areas(session)}
    missing = [name for name in served if name not in areas]
    if missing:
        log.error("regions %s have no recorded area: run `trustloop region import`; they get no routing", missing)
    engines = [region_engine(name, settings.osrm_url_of(name), areas[name]) for name in served if name in areas]
    return OsrmClient(
        settings.effective_osrm_url, engines=engines, timeout_s=settings.osrm_timeout_s,
        snap_radius_m=settings.osrm_snap_radius_m, car_reach_m=settings.osrm_car_reach_m,
    )  # fmt: skip


async def routing_for(settings: Settings) -> OsrmClient:
    """The same, for a process that has no sessions of its own yet (it reads the areas once)."""
    if len(settings.served_regions) == 1:
        return OsrmClient.from_settings(settings)
    engine = make_engine(settings.database_url, 1)
    try:
        return await routing(settings, make_sessionmaker(engine))
    finally:
        await engine.dispose()
