"""A small demo fleet: technicians spread over the region's roads, online, with positions."""

import random

import httpx
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, select

from app import clock
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.enums import Service
from app.geo import Point
from app.routing.osrm import OsrmClient
from app.technicians.models import Technician
from app.technicians.repository import set_last_position

FIRST_NAMES = [
    "Anna",
    "Boris",
    "Clara",
    "Dmitri",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Irina",
    "Jonas",
    "Katya",
    "Lukas",
]


async def road_point(osrm: OsrmClient, rng: random.Random, area: BaseGeometry, within_m: float = 300.0) -> Point:
    """A uniform place in the region's area that lies on (within `within_m` of) one of its roads: breakdowns
    happen on roads, not on mountainsides."""
    west, south, east, north = area.bounds
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if not area.contains(shapely.Point(lon, lat)):
            continue
        snapped = await osrm.snap(Point(lat=lat, lon=lon))
        if snapped is not None and snapped[1] <= within_m:
            return snapped[0]


async def served_areas(client: httpx.AsyncClient) -> dict[str, BaseGeometry]:
    """The served regions' areas, as the public API gives them."""
    regions = (await client.get("/v1/regions")).json()["items"]
    return {region["name"]: shapely.geometry.shape(region["area"]) for region in regions}


async def seed_demo(settings: Settings, technicians: int = 12, seed: int = 7) -> None:
    rng = random.Random(seed)
    base = f"http://{settings.host}:{settings.port}"
    osrm = OsrmClient.from_settings(settings)
    engine = make_engine(settings.database_url, 2)
    sessions = make_sessionmaker(engine)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            async with sessions() as session:
                if await session.scalar(select(func.count()).select_from(Technician)):
                    print("  the fleet is already seeded")
                    return
            area = (await served_areas(client))[settings.region]
            operator = (await client.post("/v1/dev/tokens", json={"role": "operator"})).json()["token"]
            headers = {"Authorization": f"Bearer {operator}"}
            for index in range(technicians):
                skills = rng.sample([s.value for s in Service], k=rng.randint(2, 5))
                body = {"name": f"{FIRST_NAMES[index % len(FIRST_NAMES)]} #{index + 1}", "skills": skills}
                technician = (await client.post("/v1/ops/technicians", json=body, headers=headers)).json()
                token = (
                    await client.post("/v1/dev/tokens", json={"role": "technician", "technician_id": technician["id"]})
                ).json()["token"]
                await client.put(
                    "/v1/technicians/me/availability",
                    json={"online": True},
                    headers={"Authorization": f"Bearer {token}"},
                )
                home = await road_point(osrm, rng, area)
                async with transaction(sessions) as session:
                    await set_last_position(session, technician["id"], home, clock.now())
                print(f"  technician {body['name']}: {', '.join(skills)}")
    finally:
        await osrm.aclose()
        await engine.dispose()
