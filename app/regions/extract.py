"""Reading what we need from an OpenStreetMap extract: the area it covers."""

from dataclasses import dataclass
from pathlib import Path

import osmium


@dataclass(frozen=True, slots=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    def as_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def bounding_box(path: Path) -> BoundingBox:
    """The extract's declared box, or the box around its nodes when the file declares none."""
    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if box.valid():
        return BoundingBox(box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)
    west = south = float("inf")
    east = north = float("-inf")
    for entity in osmium.FileProcessor(str(path), osmium.osm.NODE):
        if not isinstance(entity, osmium.osm.Node):
            continue
        lon, lat = entity.location.lon, entity.location.lat
        west, east, south, north = min(west, lon), max(east, lon), min(south, lat), max(north, lat)
    if west == float("inf"):
        raise ValueError(f"{path} holds no nodes")
    return BoundingBox(west, south, east, north)
