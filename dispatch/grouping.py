"""Grouping open orders by place, so that each road-table request stays local. Pure."""

from app.geo import Point

_BITS = 16  # per coordinate: _spread_bits is written for 16


def _morton_key(point: Point) -> int:
    """Position on a Z-order curve: points close on the curve are close on the map."""
    x = int((point.lon + 180) / 360 * ((1 << _BITS) - 1))
    y = int((point.lat + 90) / 180 * ((1 << _BITS) - 1))
    return _spread_bits(x) | _spread_bits(y) << 1


def _spread_bits(value: int) -> int:
    """The 16 bits of `value` moved to the even positions of 32 (bit k to bit 2k)."""
    value = (value | value << 8) & 0x00FF00FF
    value = (value | value << 4) & 0x0F0F0F0F
    value = (value | value << 2) & 0x33333333
    return (value | value << 1) & 0x55555555


def spatial_groups(points: list[Point], size: int) -> list[list[int]]:
    """Indices of the points in groups of at most `size`, neighbours together."""
    order = sorted(range(len(points)), key=lambda i: _morton_key(points[i]))
    return [order[i : i + size] for i in range(0, len(order), size)]
