import math

import pytest

from app.geo import EARTH_RADIUS_M, Point
from app.live.geometry import distance_to_route_m

METRES_PER_DEGREE = math.pi / 180 * EARTH_RADIUS_M
# North along a meridian, with a repeated point (a zero-length segment), then east along a parallel.
ROUTE = {"type": "LineString", "coordinates": [[24.94, 60.16], [24.94, 60.17], [24.94, 60.17], [24.96, 60.17]]}


@pytest.mark.parametrize(
    ("point", "expected_m"),
    [
        (
            Point(lat=60.165, lon=24.941),
            0.001 * math.cos(math.radians(60.165)) * METRES_PER_DEGREE,
        ),  # beside the first leg
        (Point(lat=60.171, lon=24.95), 0.001 * METRES_PER_DEGREE),  # beside the second
        (Point(lat=60.15, lon=24.94), 0.01 * METRES_PER_DEGREE),  # before the start: to the first point
        (Point(lat=60.17, lon=24.955), 0.0),  # on the route
    ],
)
def test_the_distance_to_a_route_is_to_its_nearest_segment(point: Point, expected_m: float) -> None:
    assert distance_to_route_m(point, ROUTE) == pytest.approx(expected_m, abs=0.05)


def test_a_route_of_one_point_or_none() -> None:
    here = Point(lat=60.17, lon=24.95)
    assert distance_to_route_m(here, {"coordinates": []}) == math.inf
    assert distance_to_route_m(here, {"coordinates": [[24.95, 60.171]]}) == pytest.approx(
        0.001 * METRES_PER_DEGREE, abs=0.05
    )
