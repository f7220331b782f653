"""Grouping open orders by place, so that each road-table request stays local. Pure."""

from app.geo import Point

_BITS = 16


def _morton_key(point: Point) -> int:
    """Position on a Z-order curve: points close on the curve are close on the map."""
    x = int((point.lon + 180) / 360 * ((1 << _BITS) - 1))
    y = int((point.lat + 90) / 180 * ((1 << _BITS) - 1))
    key = 0
    for bit in range(_BITS):
        key |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return key


def spatial_groups(points: list[Point], size: int) -> list[list[int]]:
    """Indices of the points in groups of at most `size`, neighbours together."""
    order = sorted(range(len(points)), key=lambda i: _morton_key(points[i]))
    return [order[i : i + size] for i in range(0, len(order), size)]
