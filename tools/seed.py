"""A small demo fleet: technicians spread over the region's roads, online, with positions."""

import random

import httpx
from sqlalchemy import func, select

from app import clock
from app.config import Settings
from app.db import make_engine, make_sessionmaker, transaction
from app.enums import Service
from app.geo import Point
from app.routing.osrm import OsrmClient
from app.technicians.models import Technician
from app.technicians.repository import set_last_position

REGION_BOXES = {
    "liechtenstein": (47.05, 9.47, 47.27, 9.63),
    "helsinki": (60.1642, 24.9352, 60.1791, 24.9534),
}
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


async def road_point(
    osrm: OsrmClient, rng: random.Random, box: tuple[float, float, float, float], within_m: float = 300.0
) -> Point:
    """A uniform place in the box that lies on (within `within_m` of) a road of the region: much of a region's
    box is mountain, lake or a neighbour's land without roads in the extract."""
    south, west, north, east = box
    while True:
        snapped = await osrm.snap(Point(lat=rng.uniform(south, north), lon=rng.uniform(west, east)))
        if snapped is not None and snapped[1] <= within_m:
            return snapped[0]


async def seed_demo(settings: Settings, technicians: int = 12, seed: int = 7) -> None:
    rng = random.Random(seed)
    box = REGION_BOXES.get(settings.region, REGION_BOXES["liechtenstein"])
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
                home = await road_point(osrm, rng, box)
                async with transaction(sessions) as session:
                    await set_last_position(session, technician["id"], home, clock.now())
                print(f"  technician {body['name']}: {', '.join(skills)}")
    finally:
        await osrm.aclose()
        await engine.dispose()
