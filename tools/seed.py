"""A small demo fleet: technicians spread over the region's roads, online, with positions."""

import random
from typing import Any

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
from app.routing.regional import routing_for
from app.technicians.models import Technician
from app.technicians.repository import set_last_position
from tools.history import seed_history

# The demo's fleet: full name, grammatical gender, van (make, model, colour).
FLEET = [
    ("Anna Berger", "female"), ("Boris Novak", "male"), ("Clara Meier", "female"), ("Dmitri Volkov", "male"),
    ("Elena Frick", "female"), ("Felix Beck", "male"), ("Greta Lind", "female"), ("Hugo Marxer", "male"),
    ("Irina Sokolova", "female"), ("Jonas Wolf", "male"), ("Katya Orlova", "female"), ("Lukas Hasler", "male"),
]  # fmt: skip
# Each region hires its own people (Liechtenstein's fleet serves any other region without its own list).
FLEETS = {
    "helsinki": [
        ("Aino Lehto", "female"), ("Eero Virtanen", "male"), ("Helmi Korhonen", "female"), ("Juha Makinen", "male"),
        ("Kaisa Nieminen", "female"), ("Lauri Heikkinen", "male"), ("Minna Koskinen", "female"),
        ("Oskari Jarvinen", "male"), ("Pihla Laine", "female"), ("Risto Salo", "male"), ("Sanni Ahonen", "female"),
        ("Tuomas Rantanen", "male"),
    ],
}  # fmt: skip
VANS = [
    ("Ford", "Transit", "white"), ("Mercedes-Benz", "Sprinter", "silver"), ("Volkswagen", "Crafter", "red"),
    ("Renault", "Master", "blue"), ("Iveco", "Daily", "yellow"), ("Toyota", "Hilux", "black"),
]  # fmt: skip


def plate(region: str, rng: random.Random) -> str:
    if region == "liechtenstein":
        return f"FL {rng.randint(1000, 49999)}"
    letters = "".join(rng.choice("ABCEGHJKLMNPRSTUVXYZ") for _ in range(3))
    return f"{letters}-{rng.randint(100, 999)}"


def phone(region: str, rng: random.Random) -> str:
    if region == "liechtenstein":
        return f"+423 7{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return f"+358 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def profile(index: int, region: str, rng: random.Random) -> dict[str, Any]:
    """A technician as an operator would hire him: name, how drivers see him, phone, skills, van."""
    fleet = FLEETS.get(region, FLEET)
    name, gender = fleet[index % len(fleet)]
    first, last = name.split()
    make, model, color = VANS[index % len(VANS)]
    return {
        "name": name, "display_name": f"{first} {last[0]}.", "gender": gender,
        "photo_url": f"/avatars/{first.lower()}-{last.lower()}.svg", "phone": phone(region, rng),
        "skills": rng.sample([s.value for s in Service], k=rng.randint(2, 5)),
        "vehicle": {"make": make, "model": model, "color": color, "plate": plate(region, rng)},
    }  # fmt: skip


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


DEMO_PARTNER = {
    "name": "Demo Insurance",
    "kind": "insurer",
    "sla_targets": {"default": {"arrival_within": 1800}},  # its members are reached within 30 minutes
}


async def seed_partner(client: httpx.AsyncClient, headers: dict[str, str], base: str) -> None:
    """An insurer whose integration a developer can try at once: its API key is shown only here."""
    created = (await client.post("/v1/ops/partners", json=DEMO_PARTNER, headers=headers)).json()
    print(f"  partner {created['name']}: API key {created['api_key']}")
    print(f"    try: curl -H 'Authorization: Bearer {created['api_key']}' {base}/v1/partner/orders")


async def seed_demo(settings: Settings, technicians: int = 12, seed: int = 7) -> None:
    rng = random.Random(seed)
    base = f"http://{settings.host}:{settings.port}"
    osrm = await routing_for(settings)
    engine = make_engine(settings.database_url, 2)
    several = len(settings.served_regions) > 1
    sessions = make_sessionmaker(engine)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            async with sessions() as session:
                if await session.scalar(select(func.count()).select_from(Technician)):
                    print("  the fleet is already seeded")
                    return
            areas = await served_areas(client)
            operator = (await client.post("/v1/dev/tokens", json={"role": "operator"})).json()["token"]
            headers = {"Authorization": f"Bearer {operator}"}
            # Each region's own fleet (the first region's technicians come first, as with one region).
            fleet = [(region, index) for region in settings.served_regions for index in range(technicians)]
            for region, index in fleet:
                area = areas[region]
                body = {**profile(index, region, rng), **({"region": region} if several else {})}
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
                print(f"  technician {body['name']}: {', '.join(body['skills'])}")
            await seed_partner(client, headers, base)
        for region in settings.served_regions:
            async with transaction(sessions) as session:
                written = await seed_history(session, region, areas[region], clock.now())
            print(f"  {region}: {written} past jobs of the last two weeks")
    finally:
        await osrm.aclose()
        await engine.dispose()
