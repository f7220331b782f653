"""How far a point lies from a route. Pure; a local flat projection is exact enough at city scale."""

import math
from typing import Any

import numpy as np

from app.geo import EARTH_RADIUS_M, Point


def distance_to_route_m(point: Point, geometry: dict[str, Any]) -> float:
    """Metres from the point to the nearest of the route's segments, all of them at once (a job's every fix asks,
    against a route of hundreds of points)."""
    coordinates = geometry.get("coordinates") or []
    if not coordinates:
        return math.inf
    scale_x = math.cos(math.radians(point.lat)) * math.pi / 180 * EARTH_RADIUS_M
    scale_y = math.pi / 180 * EARTH_RADIUS_M
    route = np.asarray(coordinates, dtype=np.float64)[:, :2] * (scale_x, scale_y)
    here = np.array((point.lon * scale_x, point.lat * scale_y))
    if len(route) == 1:
        return float(np.hypot(*(here - route[0])))
    starts, steps = route[:-1], np.diff(route, axis=0)
    lengths2 = np.einsum("ij,ij->i", steps, steps)
    along = np.einsum("ij,ij->i", here - starts, steps)
    t = np.clip(np.divide(along, lengths2, out=np.zeros_like(along), where=lengths2 > 0), 0.0, 1.0)
    nearest = starts + t[:, None] * steps
    return float(np.sqrt(((here - nearest) ** 2).sum(axis=1).min()))


def route_end(geometry: dict[str, Any] | None) -> Point | None:
    """The last point of a route: where the road ends, next to the driver."""
    coordinates = (geometry or {}).get("coordinates") or []
    if not coordinates:
        return None
    lon, lat = coordinates[-1][:2]
    return Point(lat=lat, lon=lon)
