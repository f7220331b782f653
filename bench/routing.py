"""Routing on Liechtenstein through our OSRM client: one route with geometry and tables up to 300 x 1000.

Targets on a 2-core machine: 100 x 200 < 50 ms, 300 x 1000 < 250 ms, a route with geometry < 5 ms.
Baseline in the same run: the same requests as bare HTTP GETs, to show what our client adds. And a dispatch
chunk's table (240 vans x 40 cars) with the cars snapped within their reach (TRUSTLOOP_OSRM_CAR_REACH_M) against
every point within the vans' 200 m: whether the answers differ, and what it costs.
"""

import asyncio
import contextlib
import functools
import random
from collections.abc import Iterator
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT
from app.geo import Point
from app.regions.service import BUNDLED_REGIONS
from app.routing.osrm import OsrmClient
from app.routing.regions import is_prepared, prepare_region, region_graph, routed_command
from bench.common import parser, report, summary_ms, time_async
from trustloop.processes import free_port, spawn_until_up

REGION_DIR = PROJECT_ROOT / "var" / "regions" / "liechtenstein"
BOX = (47.06, 9.48, 47.24, 9.62)  # south, west, north, east: the populated valley and the hills around it
TABLE_SIZES = [(20, 50), (100, 200), (300, 1000)]
ROUTED_PIDS: dict[str, int] = {}  # the process of each running bundled_osrm, by base URL: its CPU is measured


@contextlib.contextmanager
def liechtenstein_osrm() -> Iterator[str]:
    """osrm-routed on the bundled Liechtenstein extract (prepared if need be); yields its base URL."""
    with bundled_osrm("liechtenstein") as base:
        yield base


@contextlib.contextmanager
def bundled_osrm(region: str) -> Iterator[str]:
    """osrm-routed on a bundled region's extract (prepared if need be, under var/regions); yields its base URL."""
    directory = REGION_DIR.parent / region
    if not is_prepared(directory, region):
        prepare_region(BUNDLED_REGIONS[region], region, directory)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    graph = region_graph(directory, region)
    process = spawn_until_up(
        routed_command(graph, port), f"{base}/nearest/v1/driving/0,0"
    )  # the nearest road to anywhere
    ROUTED_PIDS[base] = process.pid
    try:
        yield base
    finally:
        del ROUTED_PIDS[base]
        process.terminate()
        process.wait(timeout=10)


async def road_points(base_url: str, count: int, rng: random.Random) -> list[Point]:
    """Random places in the region that lie on a road (within 100 m of one, then snapped onto it)."""
    points: list[Point] = []
    osrm = OsrmClient(base_url, snap_radius_m=100)
    try:
        while len(points) < count:
            snapped = await osrm.snap(Point(lat=rng.uniform(BOX[0], BOX[2]), lon=rng.uniform(BOX[1], BOX[3])))
            if snapped is not None:
                points.append(snapped[0])
    finally:
        await osrm.aclose()
    return points


async def run(repeat: int, base_url: str) -> dict[str, object]:
    rng = random.Random(42)
    points = await road_points(base_url, 1300, rng)
    osrm = OsrmClient(base_url, timeout_s=10)
    raw = httpx.AsyncClient(timeout=10)
    figures: dict[str, object] = {}
    try:
        a, b = points[0], points[1]
        route = await osrm.route(a, b)
        assert route is not None
        figures["route"] = {
            "distance_m": round(route.distance_m),
            "client": summary_ms(await time_async(lambda: osrm.route(a, b), repeat * 5)),
            "bare_http": summary_ms(
                await time_async(
                    lambda: raw.get(
                        f"{base_url}/route/v1/driving/{a.lon},{a.lat};{b.lon},{b.lat}",
                        params={"overview": "full", "geometries": "geojson"},
                    ),
                    repeat * 5,
                )
            ),
        }
        for sources, destinations in TABLE_SIZES:
            src, dst = points[:sources], points[sources : sources + destinations]
            table = await osrm.table(src, dst)
            routable = sum(cell is not None for row in table.durations for cell in row)
            coordinates = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in [*src, *dst])
            params = {
                "sources": ";".join(map(str, range(sources))),
                "destinations": ";".join(map(str, range(sources, sources + destinations))),
                "annotations": "duration",
            }
            client_samples = await time_async(functools.partial(osrm.table, src, dst), repeat)
            bare_samples = await time_async(
                functools.partial(raw.get, f"{base_url}/table/v1/driving/{coordinates}", params=params), repeat
            )
            client, bare = summary_ms(client_samples), summary_ms(bare_samples)
            figures[f"table_{sources}x{destinations}"] = {
                "routable_share": round(routable / (sources * destinations), 4),
                "client": client,
                "bare_http": bare,
                "client_over_bare": round(client["median_ms"] / bare["median_ms"], 3),
            }
        # A dispatch chunk's table, the cars snapped within their reach (1 km, where the nearest road leads nowhere),
        # against the baseline of every point within the vans' 200 m, as before: the answers and the cost.
        vans, cars = points[:240], points[240:280]
        near_only = OsrmClient(base_url, timeout_s=10, car_reach_m=osrm.snap_radius_m)
        try:
            same = (await osrm.table(vans, cars)).durations == (await near_only.table(vans, cars)).durations
            reach = summary_ms(await time_async(functools.partial(osrm.table, vans, cars), repeat))
            near = summary_ms(await time_async(functools.partial(near_only.table, vans, cars), repeat))
        finally:
            await near_only.aclose()
        figures["table_240x40_cars_within_reach"] = {
            "same_answers": same, "cars_within_reach": reach, "within_200_m": near,
            "reach_over_200_m": round(reach["median_ms"] / near["median_ms"], 3),
        }  # fmt: skip
    finally:
        await osrm.aclose()
        await raw.aclose()
    return figures


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    with liechtenstein_osrm() as base_url:
        figures = asyncio.run(run(args.repeat, base_url))
    report("routing", figures, args.json or Path("bench/results/routing.json"))


if __name__ == "__main__":
    main()
