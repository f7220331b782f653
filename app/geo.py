import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from geoalchemy2.elements import WKBElement, WKTElement
from geoalchemy2.shape import to_shape
from pydantic import BaseModel, ConfigDict, Field

EARTH_RADIUS_M = 6_371_008.8


class Point(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False,
        json_schema_extra={"examples": [{"lat": 60.170013, "lon": 24.945371}]},  # a street in Helsinki, served
    )  # fmt: skip

    lat: float = Field(strict=True, ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(strict=True, ge=-180, le=180, allow_inf_nan=False)


def to_geography(point: Point) -> WKTElement:
    return WKTElement(f"POINT({point.lon!r} {point.lat!r})", srid=4326)


def from_geography(value: Any) -> Point:
    shape = to_shape(value)
    return Point(lat=shape.y, lon=shape.x)


def points_from_geography(values: Sequence[Any]) -> list[Point]:
    """from_geography of many values in one vectorised parse (a dispatch round places a thousand orders)."""
    if not all(isinstance(value, WKBElement) for value in values):
        return [from_geography(value) for value in values]
    shapes = shapely.from_wkb([value.data if isinstance(value.data, str) else bytes(value.data) for value in values])
    return [Point(lat=lat, lon=lon) for lon, lat in shapely.get_coordinates(shapes).tolist()]


def haversine_many_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """haversine_m of each row pair of two (n, 2) arrays of (lat, lon) degrees."""
    lat1, lat2 = np.radians(a[:, 0]), np.radians(b[:, 0])
    dlon = np.radians(b[:, 1] - a[:, 1])
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    distances: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))
    return distances


def haversine_m(a: Point, b: Point) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


# A phone's heading is believed from this speed on: a van standing still or crawling has no reliable one.
HEADING_FROM_MPS = 2.0


def travel_heading(heading: float | None, speed_mps: float | None) -> float | None:
    """The way a van is driving, from his phone's heading, when it can be believed: while he moves, or when the
    phone gave a heading and no speed."""
    if heading is None or (speed_mps is not None and speed_mps < HEADING_FROM_MPS):
        return None
    return heading


def bearing_deg(a: Point, b: Point) -> float:
    """The initial bearing from `a` to `b`, in degrees clockwise from north [0, 360)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return math.degrees(math.atan2(x, y)) % 360
