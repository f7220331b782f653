"""Reading what we need from an OpenStreetMap extract: the box it covers, and where its roads are."""

import math
from dataclasses import dataclass
from pathlib import Path

import osmium
import shapely
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    def as_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def declared_box(path: Path) -> BoundingBox | None:
    """The box the extract says it was cut to, if it says."""
    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if not box.valid():
        return None
    return BoundingBox(box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def bounding_box(path: Path) -> BoundingBox:
    """The extract's declared box, or the box around its nodes when the file declares none."""
    declared = declared_box(path)
    if declared is not None:
        return declared
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


class _RoadNodes(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.points: set[tuple[float, float]] = set()

    def way(self, way: osmium.osm.Way) -> None:
        if "highway" not in way.tags:
            return
        try:
            self.points.update((node.lon, node.lat) for node in way.nodes)
        except osmium.InvalidLocationError:
            return  # a way running out of the extract


def service_area(path: Path, margin_m: float = 300.0, ratio: float = 0.1) -> BaseGeometry:
    """Where the region's roads are: the concave hull of every road node of the extract, widened by
    `margin_m` (a driver may stand a little off the road) but not beyond the extract's box, as a
    (Multi)Polygon in lon/lat.

    Lakes, mountains and the neighbours' land beyond the roads stay outside, unlike the extract's box. The
    geometry is built in a local flat projection (metres), exact enough at a region's scale."""
    handler = _RoadNodes()
    handler.apply_file(str(path), locations=True)
    if len(handler.points) < 3:
        raise ValueError(f"{path} holds too few roads to outline a service area")
    lat0 = sum(lat for _, lat in handler.points) / len(handler.points)
    scale_x, scale_y = math.cos(math.radians(lat0)) * METRES_PER_DEGREE, METRES_PER_DEGREE
    flat = shapely.MultiPoint([(lon * scale_x, lat * scale_y) for lon, lat in handler.points])
    outline = shapely.concave_hull(flat, ratio=ratio).buffer(margin_m).simplify(margin_m / 6)
    area = shapely.transform(outline, lambda xy: xy / (scale_x, scale_y))
    box = declared_box(path)  # beyond the edge it was cut at we know no roads, even where its roads run out to it
    return area if box is None else area.intersection(shapely.box(box.west, box.south, box.east, box.north))
