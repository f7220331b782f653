"""Where a bundled region's area has roads no technician can drive to: a grid of places over the area, each snapped
to its nearest road as an order would be, and asked for a route from anchor places spread over the area.

A place whose road is reached by fewer than half of the anchors that reach anything is on a road island (a street
the extract's edge or a barrier cuts off): an order there is accepted, and dispatch records `no_road` for it.
Measurement, not a timing: `python -m bench.road_islands --region helsinki`.
"""

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry.base import BaseGeometry

from app.geo import Point
from app.regions.extract import service_area
from app.regions.service import BUNDLED_REGIONS
from app.routing.osrm import OsrmClient
from bench.common import parser, report
from bench.routing import bundled_osrm

GRID = 40  # places per side of the area's bounding box
ANCHORS = 4  # anchor places per side


def grid_inside(area: BaseGeometry, per_side: int) -> list[Point]:
    west, south, east, north = area.bounds
    places = []
    for i in range(per_side):
        for j in range(per_side):
            lon = west + (i + 0.5) * (east - west) / per_side
            lat = south + (j + 0.5) * (north - south) / per_side
            if area.contains(ShapelyPoint(lon, lat)):
                places.append(Point(lat=lat, lon=lon))
    return places


async def measure(base_url: str, area: BaseGeometry) -> dict[str, Any]:
    osrm = OsrmClient(base_url)
    try:
        anchors, places = grid_inside(area, ANCHORS), grid_inside(area, GRID)
        table = await osrm.table(anchors, places)
        reaching = [sum(1 for row in table.durations if row[k] is not None) for k in range(len(places))]
        useful = sum(1 for row in table.durations if any(d is not None for d in row))
        snapped = [await osrm.snap(place) for place in places]
        on_a_road = [k for k, s in enumerate(snapped) if s is not None]
        islands = [k for k in on_a_road if reaching[k] < useful / 2]
        return {
            "places": len(places),
            "anchors": len(anchors),
            "on_a_road_within_snap_radius": len(on_a_road),
            "on_road_islands": len(islands),
            "island_share": round(len(islands) / len(on_a_road), 4) if on_a_road else None,
            "anchors_reaching_each_place": dict(sorted(Counter(reaching[k] for k in on_a_road).items())),
            "island_examples": [
                {"lat": round(places[k].lat, 6), "lon": round(places[k].lon, 6), "road_m": round(snapped_m, 1)}
                for k in islands[:: max(1, len(islands) // 8)]
                if (snap := snapped[k]) is not None and (snapped_m := snap[1]) is not None
            ],
        }
    finally:
        await osrm.aclose()


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--region", choices=sorted(BUNDLED_REGIONS), default="helsinki")
    args = arguments.parse_args()
    with bundled_osrm(args.region) as base_url:
        figures = asyncio.run(measure(base_url, service_area(BUNDLED_REGIONS[args.region])))
    report(f"road_islands_{args.region}", figures, args.json or Path(f"bench/results/road_islands_{args.region}.json"))


if __name__ == "__main__":
    main()
