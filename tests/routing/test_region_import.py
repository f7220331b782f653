"""`trustloop region import` prepares any extract: here a town generated for this run only."""

import asyncio
import os
import sys
from pathlib import Path

import shapely
from fastapi import FastAPI
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.config import Settings
from app.db import transaction
from app.geo import Point, haversine_m
from app.regions.models import Region
from app.routing.osrm import OsrmClient
from app.routing.regions import region_graph
from tests.conftest import start_routed
from tests.routing.synthetic import Grid, write_grids
from trustloop.processes import free_port

TOWN = Grid(origin=Point(lat=46.9001, lon=7.4003), size=6, spacing_m=200)
ISLAND = Grid(origin=Point(lat=46.9301, lon=7.4403), size=3, spacing_m=200)


async def test_import_an_unseen_extract_and_route_on_it(app: FastAPI, settings: Settings, tmp_path: Path) -> None:
    extract = tmp_path / "gridtown.osm"
    write_grids(extract, [TOWN, ISLAND])
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": settings.database_url, "TRUSTLOOP_DATA_DIR": str(tmp_path / "data")}
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trustloop.cli", "region", "import", str(extract), "--name", "gridtown",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(command.communicate(), timeout=120)
    assert command.returncode == 0, stderr.decode()
    graph = region_graph(tmp_path / "data" / "regions" / "gridtown", "gridtown")

    async with transaction(app.state.sessionmaker) as session:
        region = (await session.execute(select(Region).where(Region.name == "gridtown"))).scalar_one()
        await session.delete(region)  # the test database's served region stays central Helsinki
    area = to_shape(region.area)
    # The region is where its roads are, a little widened: every road node inside, the land beyond outside.
    for grid in (TOWN, ISLAND):
        for i in range(grid.size):
            node = grid.node(i, i)
            assert area.contains(shapely.Point(node.lon, node.lat))
    west, south, _, _ = area.bounds
    corner = TOWN.node(0, 0)
    assert 250 < haversine_m(corner, Point(lat=corner.lat, lon=west)) < 350
    assert 250 < haversine_m(corner, Point(lat=south, lon=corner.lon)) < 350
    far_away = TOWN.node(0, 0)
    assert not area.contains(shapely.Point(far_away.lon - 0.03, far_away.lat))  # 2 km west of the town

    port = free_port()
    process = start_routed(graph, port)
    osrm = OsrmClient(f"http://127.0.0.1:{port}")
    try:
        # Across the town along its streets: 5 blocks east and 5 north, 2,000 m whichever way it turns.
        route = await osrm.route(TOWN.node(0, 0), TOWN.node(5, 5))
        assert route is not None
        assert route.confidence == "high"
        assert abs(route.distance_m - 2000) < 20
        # The island has roads, but none leads there from the town.
        assert await osrm.route(TOWN.node(0, 0), ISLAND.node(1, 1)) is None
        table = await osrm.table([TOWN.node(0, 0)], [TOWN.node(0, 5), ISLAND.node(1, 1)])
        assert table.durations[0][0] is not None
        assert table.durations[0][1] is None
    finally:
        await osrm.aclose()
        process.terminate()
        process.wait(timeout=10)
