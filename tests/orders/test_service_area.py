"""Help is asked where we serve and where a technician can drive: otherwise a clear 422 and nothing stored."""

from pathlib import Path

import shapely
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.geo import Point
from app.regions.models import Region
from app.regions.service import record_region
from app.routing.osrm import OsrmClient
from tests.conftest import MIKONKATU, Api
from tests.test_hostile_input import count, is_problem

ZURICH = Point(lat=47.3769, lon=8.5417)
NULL_ISLAND = Point(lat=0.0, lon=0.0)
OPEN_SEA = Point(lat=60.1500, lon=24.9500)  # the Gulf of Finland, about 1.6 km from central Helsinki's roads


async def test_outside_every_region_or_far_from_a_road_is_refused_in_words(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    async with transaction(sessions) as session:  # a served area with no road in it (the sea, say)
        await record_region(session, "sea", shapely.Point(OPEN_SEA.lon, OPEN_SEA.lat).buffer(0.01), Path("sea.osrm"))
    try:
        before = await count(sessions, "orders")
        for where, kind in ((ZURICH, "outside-service-area"), (NULL_ISLAND, "outside-service-area"),
                            (OPEN_SEA, "no-road-nearby")):  # fmt: skip
            body = {"service": "tow", "location": where.model_dump()}
            refused = await api.client.post("/v1/orders", json=body, headers=driver.headers)
            assert is_problem(refused, 422), refused.text
            assert refused.json()["type"].endswith(f"/{kind}")
        assert (
            "outside the areas we serve (Helsinki, Sea)" in refused.json()["detail"]
            or "road" in refused.json()["detail"]
        )
        assert await count(sessions, "orders") == before
        on_a_road = await api.client.post(
            "/v1/orders", json={"service": "tow", "location": MIKONKATU.model_dump()}, headers=driver.headers
        )
        assert on_a_road.status_code == 201
        metrics = {f.name: f for f in text_string_to_metric_families((await api.client.get("/metrics")).text)}
        refusals = {s.labels["reason"]: s.value for s in metrics["trustloop_orders_refused"].samples
                    if s.name.endswith("_total")}  # fmt: skip
        assert refusals["outside_service_area"] >= 2
        assert refusals["no_road_nearby"] >= 1
    finally:
        async with transaction(sessions) as session:
            await session.execute(delete(Region).where(Region.name == "sea"))


async def test_the_regions_are_public_with_their_areas(api: Api) -> None:
    listed = (await api.client.get("/v1/regions")).json()["items"]
    assert [region["name"] for region in listed] == ["helsinki"]
    area = shapely.geometry.shape(listed[0]["area"])
    assert area.geom_type in ("Polygon", "MultiPolygon")
    assert area.contains(shapely.Point(MIKONKATU.lon, MIKONKATU.lat))
    assert not area.contains(shapely.Point(ZURICH.lon, ZURICH.lat))
