"""How far a point lies from a route. Pure; a local flat projection is exact enough at city scale."""

import itertools
import math
from typing import Any

from app.geo import EARTH_RADIUS_M, Point


def distance_to_route_m(point: Point, geometry: dict[str, Any]) -> float:
    coordinates = geometry.get("coordinates") or []
    if not coordinates:
        return math.inf
    scale_x = math.cos(math.radians(point.lat)) * math.pi / 180 * EARTH_RADIUS_M
    scale_y = math.pi / 180 * EARTH_RADIUS_M
    px, py = point.lon * scale_x, point.lat * scale_y
    projected = [(lon * scale_x, lat * scale_y) for lon, lat in coordinates]
    if len(projected) == 1:
        return math.dist((px, py), projected[0])
    return min(_segment_distance(px, py, a, b) for a, b in itertools.pairwise(projected))


def route_end(geometry: dict[str, Any] | None) -> Point | None:
    """The last point of a route: where the road ends, next to the driver."""
    coordinates = (geometry or {}).get("coordinates") or []
    if not coordinates:
        return None
    lon, lat = coordinates[-1][:2]
    return Point(lat=lat, lon=lon)


def _segment_distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))
