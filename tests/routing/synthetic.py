"""Small OpenStreetMap extracts made on the spot: road grids at a chosen place, nothing the tests shipped."""

import math
from dataclasses import dataclass
from pathlib import Path

from app.geo import Point

METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Grid:
    origin: Point
    size: int
    spacing_m: float

    def node(self, row: int, column: int) -> Point:
        dlat = row * self.spacing_m / METRES_PER_DEGREE_LAT
        dlon = column * self.spacing_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(self.origin.lat)))
        return Point(lat=round(self.origin.lat + dlat, 7), lon=round(self.origin.lon + dlon, 7))


def write_grids(path: Path, grids: list[Grid]) -> None:
    """Each grid is a town of residential streets; different grids share no road (islands of the graph)."""
    nodes: list[str] = []
    ways: list[str] = []
    next_id = 1
    for grid in grids:
        ids: dict[tuple[int, int], int] = {}
        for row in range(grid.size):
            for column in range(grid.size):
                point = grid.node(row, column)
                ids[row, column] = next_id
                nodes.append(f'  <node id="{next_id}" version="1" lat="{point.lat}" lon="{point.lon}"/>')
                next_id += 1
        lines = [[ids[r, c] for c in range(grid.size)] for r in range(grid.size)]
        lines += [[ids[r, c] for r in range(grid.size)] for c in range(grid.size)]
        for refs in lines:
            nd = "".join(f'<nd ref="{ref}"/>' for ref in refs)
            ways.append(f'  <way id="{next_id}" version="1">{nd}<tag k="highway" v="residential"/></way>')
            next_id += 1
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="trustloop-tests">\n'
        + "\n".join(nodes + ways)
        + "\n</osm>\n"
    )
