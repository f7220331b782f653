"""Reading places stored as geography."""

import random

import numpy as np
import pytest
import shapely
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import from_shape

from app.geo import (
    Point,
    bearing_deg,
    from_geography,
    haversine_m,
    haversine_many_m,
    points_from_geography,
    to_geography,
)


def test_many_places_read_at_once_are_the_places_read_one_by_one() -> None:
    places = [(47.141, 9.521), (60.1699, 24.9384), (-33.86, 151.21), (0.0, -179.99)]
    as_bytes = [from_shape(shapely.Point(lon, lat), srid=4326, extended=True) for lat, lon in places]
    as_hex = [WKBElement(element.desc, srid=4326, extended=True) for element in as_bytes]  # as a driver may hand them
    for elements in (as_bytes, as_hex, [*as_bytes[:2], to_geography(from_geography(as_bytes[2]))]):
        read = points_from_geography(elements)
        assert read == [from_geography(element) for element in elements]
    assert [(p.lat, p.lon) for p in points_from_geography(as_bytes)] == places


def test_distances_measured_together_are_the_distances_measured_one_by_one() -> None:
    rng = random.Random(4)
    pairs = [
        (
            Point(lat=rng.uniform(-89, 89), lon=rng.uniform(-180, 180)),
            Point(lat=rng.uniform(-89, 89), lon=rng.uniform(-180, 180)),
        )
        for _ in range(500)
    ] + [
        (Point(lat=47.141, lon=9.521), Point(lat=47.141, lon=9.521)),
        (Point(lat=0, lon=-179.9), Point(lat=0, lon=179.9)),
    ]
    together = haversine_many_m(
        np.array([(a.lat, a.lon) for a, _ in pairs]), np.array([(b.lat, b.lon) for _, b in pairs])
    )
    assert together.tolist() == pytest.approx([haversine_m(a, b) for a, b in pairs], rel=1e-12, abs=1e-6)


def test_bearings_point_the_way_from_one_place_to_the_other() -> None:
    helsinki = Point(lat=60.17, lon=24.94)
    assert bearing_deg(helsinki, Point(lat=60.18, lon=24.94)) == pytest.approx(0)
    assert bearing_deg(helsinki, Point(lat=60.17, lon=24.96)) == pytest.approx(90, abs=0.01)
    assert bearing_deg(helsinki, Point(lat=60.16, lon=24.94)) == pytest.approx(180)
    assert bearing_deg(helsinki, Point(lat=60.17, lon=24.92)) == pytest.approx(270, abs=0.01)
    assert bearing_deg(helsinki, Point(lat=60.165, lon=24.955)) == pytest.approx(
        123.8, abs=0.5
    )  # 557 m south, 831 m east
