"""The roads the console's map and the tracking page draw, read from a region's OpenStreetMap extract."""

import itertools
from pathlib import Path

import httpx
import pytest

from app.console.roads import CLOSED_TO_CARS, closed_to_cars, read_roads
from app.geo import Point, haversine_m
from tests.conftest import HELSINKI_PBF

# A cut extract: node 4 lies beyond its edge (the way references it, the file does not hold it).
EXTRACT = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="60.1700" lon="24.9400"/>
  <node id="2" version="1" lat="60.1710" lon="24.9410"/>
  <node id="3" version="1" lat="60.1720" lon="24.9420"/>
  <node id="5" version="1" lat="60.1690" lon="24.9450"/>
  <node id="6" version="1" lat="60.1691" lon="24.9470"/>
  <way id="10" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/>
    <tag k="highway" v="primary"/><tag k="name" v="Mannerheimintie"/>
  </way>
  <way id="11" version="1"><nd ref="5"/><nd ref="6"/><tag k="highway" v="pedestrian"/></way>
  <way id="12" version="1"><nd ref="5"/><nd ref="1"/><tag k="highway" v="footway"/></way>
  <way id="14" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="5"/><nd ref="1"/><tag k="highway" v="pedestrian"/><tag k="area" v="yes"/>
  </way>
  <way id="13" version="1"><nd ref="4"/><nd ref="6"/><nd ref="7"/><tag k="highway" v="residential"/></way>
  <way id="15" version="1">
    <nd ref="2"/><nd ref="6"/><tag k="highway" v="service"/><tag k="service" v="parking_aisle"/>
  </way>
  <way id="16" version="1"><nd ref="3"/><nd ref="6"/><tag k="highway" v="track"/></way>
  <way id="18" version="1">
    <nd ref="5"/><nd ref="3"/><tag k="highway" v="track"/><tag k="motor_vehicle" v="designated"/>
  </way>
  <way id="17" version="1">
    <nd ref="1"/><nd ref="6"/><tag k="highway" v="pedestrian"/><tag k="motor_vehicle" v="yes"/>
  </way>
</osm>
"""


def test_a_road_that_runs_out_of_the_extract_is_drawn_up_to_its_edge(tmp_path: Path) -> None:
    extract = tmp_path / "cut.osm"
    extract.write_text(EXTRACT)
    roads = read_roads(extract)
    assert roads["roads"] == [
        (0, [24.94, 60.17, 24.941, 60.171, 24.942, 60.172]),  # the primary up to the edge, not left out
        (
            4,
            [24.945, 60.169, 24.947, 60.1691],
        ),  # a pedestrian street is drawn closed to cars; a square or a footway is not
        (3, [24.941, 60.171, 24.947, 60.1691]),  # a car park's aisle is drawn; a track is not
        (3, [24.945, 60.169, 24.942, 60.172]),  # unless cars are let on it
        (2, [24.94, 60.17, 24.947, 60.1691]),  # a pedestrian street open to motor vehicles is a street
    ]  # the residential road has one node inside: nothing to draw
    assert ["Mannerheimintie", "street", 24.941, 60.171] in [list(place) for place in roads["places"]]  # type: ignore[attr-defined]
    assert roads["bbox"] == [24.94, 60.169, 24.947, 60.172]


@pytest.mark.parametrize(
    ("tags", "closed"),
    [
        ({"highway": "residential"}, False),
        ({"highway": "pedestrian"}, True),  # the car profile has no speed for it
        ({"highway": "pedestrian", "motor_vehicle": "destination"}, True),  # a restriction opens only driven roads
        ({"highway": "pedestrian", "motorcar": "yes"}, False),
        ({"highway": "secondary", "motor_vehicle": "no"}, True),
        ({"highway": "secondary", "motor_vehicle": "no", "motorcar": "yes"}, False),  # the most specific key decides
        ({"highway": "service", "psv": "yes", "access": "no"}, True),  # a bus lane
        ({"highway": "residential", "motor_vehicle": "destination"}, False),  # driven at a cost, to its houses
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "service": "emergency_access"}, True),
        ({"highway": "residential", "access": "no;destination"}, False),  # the most permissive of a list
        ({"highway": "unclassified", "access": "agricultural"}, True),
        ({"highway": "track"}, True),
        ({"highway": "track", "motor_vehicle": "designated"}, False),
    ],
)
def test_a_way_is_closed_to_cars_as_the_car_profile_reads_its_tags(tags: dict[str, str], closed: bool) -> None:
    assert closed_to_cars(tags) is closed


def test_the_ways_drawn_closed_to_cars_are_those_the_router_snaps_no_car_to(osrm_url: str) -> None:
    """On central Helsinki's extract and the osrm-routed prepared from it: the middle of a drawn road's longest
    stretch is snapped onto that road (the router drives it), the middle of a way drawn closed to cars is not."""
    snapped: dict[bool, list[bool]] = {True: [], False: []}
    # A connection per request: osrm-routed ends a connection after 512 requests, and one reused at that moment
    # loses its request (the app retries; this count would not).
    with httpx.Client(base_url=osrm_url, limits=httpx.Limits(max_keepalive_connections=0)) as router:
        for rank, flat in read_roads(HELSINKI_PBF)["roads"]:  # type: ignore[attr-defined]
            points = [Point(lat=lat, lon=lon) for lon, lat in zip(flat[0::2], flat[1::2], strict=True)]
            start, end = max(itertools.pairwise(points), key=lambda stretch: haversine_m(*stretch))
            if haversine_m(start, end) < 8:
                continue  # too short to tell the way from its neighbours
            middle = Point(lat=(start.lat + end.lat) / 2, lon=(start.lon + end.lon) / 2)
            nearest = router.get(f"/nearest/v1/driving/{middle.lon},{middle.lat}").json()
            snapped[rank == CLOSED_TO_CARS].append(nearest["waypoints"][0]["distance"] < 1.5)
    closed, drawn_as_roads = snapped[True], snapped[False]
    assert len(closed) >= 40
    assert len(drawn_as_roads) >= 500
    # Measured 0.98 of the roads, 0.09 of the closed ways (those lie beside a road, within the 1.5 m).
    assert sum(drawn_as_roads) / len(drawn_as_roads) > 0.95
    assert sum(closed) / len(closed) < 0.2
