"""Straight-line travel estimates: what dispatch and ETA fall back on when the road engine is unreachable."""

from dataclasses import dataclass
from typing import Any, Literal

from app.geo import Point, haversine_m

Confidence = Literal["high", "low"]

# Roads are rarely straight: measured road/straight ratios in Liechtenstein and Helsinki lie around 1.2-1.5.
DETOUR_FACTOR = 1.4
TYPICAL_SPEED_MPS = 40 / 3.6


@dataclass(frozen=True, slots=True)
class Leg:
    duration_s: float
    distance_m: float


@dataclass(frozen=True, slots=True)
class Route:
    geometry: dict[str, Any]
    distance_m: float
    duration_s: float
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class TravelTable:
    """durations[i][j] from source i to destination j; None where the pair cannot be routed."""

    durations: list[list[float | None]]
    distances: list[list[float | None]]
    confidence: Confidence


def straight_line_leg(a: Point, b: Point) -> Leg:
    distance = haversine_m(a, b) * DETOUR_FACTOR
    return Leg(duration_s=distance / TYPICAL_SPEED_MPS, distance_m=distance)


def straight_line_table(sources: list[Point], destinations: list[Point]) -> TravelTable:
    legs = [[straight_line_leg(s, d) for d in destinations] for s in sources]
    return TravelTable(
        durations=[[leg.duration_s for leg in row] for row in legs],
        distances=[[leg.distance_m for leg in row] for row in legs],
        confidence="low",
    )


def straight_line_route(a: Point, b: Point) -> Route:
    leg = straight_line_leg(a, b)
    geometry = {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]}
    return Route(
        geometry=geometry,
        distance_m=leg.distance_m,
        duration_s=leg.duration_s,
        confidence="low",
    )
