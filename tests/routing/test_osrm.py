"""The routing client against a real osrm-routed on central Helsinki."""

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.geo import Point, haversine_m
from app.routing.estimate import DETOUR_FACTOR, TYPICAL_SPEED_MPS
from app.routing.osrm import HEADINGS_MISSED_AT_MOST, MAX_POINTS_PER_REQUEST, PARALLEL_TABLE_CELLS, OsrmClient
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, MIKONKATU, UNIONINKATU, start_routed
from trustloop.processes import free_port

POINTS = [KAIVOKATU, MIKONKATU, UNIONINKATU, KAISANIEMENKATU]
NOWHERE = Point(lat=10.0, lon=10.0)  # no road of the region within any snapping radius


@pytest.fixture
async def osrm(osrm_url: str) -> AsyncIterator[OsrmClient]:
    client = OsrmClient(osrm_url)
    yield client
    await client.aclose()


async def test_table_and_routes_agree(osrm: OsrmClient) -> None:
    table = await osrm.table(POINTS, POINTS, with_distances=True)
    assert table.confidence == "high"
    for i, j in itertools.permutations(range(len(POINTS)), 2):
        route = await osrm.route(POINTS[i], POINTS[j])
        assert route is not None
        cell = table.durations[i][j]
        distance = table.distances[i][j]
        assert cell is not None
        assert distance is not None
        assert route.duration_s == pytest.approx(cell, abs=0.2)  # OSRM rounds table cells to 0.1 s
        assert route.distance_m == pytest.approx(distance, rel=0.01, abs=1)
        # Roads are longer than the straight line, and city driving is not faster than 60 km/h.
        assert route.distance_m >= haversine_m(POINTS[i], POINTS[j])
        assert route.distance_m / route.duration_s < 60 / 3.6
    assert all(table.durations[i][i] == 0 for i in range(len(POINTS)))


async def test_route_geometry_starts_and_ends_at_the_points(osrm: OsrmClient) -> None:
    origin, destination = KAIVOKATU, UNIONINKATU
    route = await osrm.route(origin, destination)
    assert route is not None
    assert route.geometry["type"] == "LineString"
    coordinates = route.geometry["coordinates"]
    assert len(coordinates) > 2
    first, last = (
        Point(lon=coordinates[0][0], lat=coordinates[0][1]),
        Point(lon=coordinates[-1][0], lat=coordinates[-1][1]),
    )
    assert haversine_m(first, origin) < 25
    assert haversine_m(last, destination) < 25


async def test_a_place_is_named_by_its_nearest_road(osrm: OsrmClient) -> None:
    assert await osrm.street_name(KAIVOKATU) == "Kaivokatu"
    assert await osrm.street_name(MIKONKATU) == "Mikonkatu"
    assert await osrm.street_name(NOWHERE) is None


async def test_unroutable_points_are_reported_not_zero(osrm: OsrmClient) -> None:
    assert await osrm.route(KAIVOKATU, NOWHERE) is None
    table = await osrm.table([KAIVOKATU, NOWHERE], [MIKONKATU, NOWHERE, UNIONINKATU])
    assert table.confidence == "high"
    assert table.durations[0][0] is not None
    assert table.durations[0][2] is not None
    assert table.durations[0][1] is None
    assert table.durations[1] == [None, None, None]
    assert await osrm.snap(NOWHERE) is None
    snapped = await osrm.snap(Point(lat=60.16995, lon=24.93845))
    assert snapped is not None
    assert snapped[1] < 10


async def test_fallback_when_osrm_is_down_and_recovery(helsinki_graph: Path) -> None:
    port = free_port()
    osrm = OsrmClient(f"http://127.0.0.1:{port}", timeout_s=0.5, retries=1)
    try:
        down = await osrm.table([KAIVOKATU], [UNIONINKATU])
        assert down.confidence == "low"
        expected = haversine_m(KAIVOKATU, UNIONINKATU) * DETOUR_FACTOR
        assert down.distances[0][0] == pytest.approx(expected)
        assert down.durations[0][0] == pytest.approx(expected / TYPICAL_SPEED_MPS)
        route = await osrm.route(KAIVOKATU, UNIONINKATU)
        assert route is not None
        assert route.confidence == "low"
        assert route.geometry["coordinates"] == [[KAIVOKATU.lon, KAIVOKATU.lat], [UNIONINKATU.lon, UNIONINKATU.lat]]
        assert not await osrm.healthy()

        process = start_routed(helsinki_graph, port)
        try:
            assert await osrm.healthy()
            up = await osrm.table([KAIVOKATU], [UNIONINKATU])
            assert up.confidence == "high"
            assert up.durations[0][0] != pytest.approx(down.durations[0][0])
        finally:
            process.terminate()
            process.wait(timeout=10)
        again = await osrm.table([KAIVOKATU], [UNIONINKATU])
        assert again.confidence == "low"
    finally:
        await osrm.aclose()


async def test_a_large_table_split_over_threads_matches_the_small_one(osrm: OsrmClient) -> None:
    small = await osrm.table(POINTS, POINTS)
    sources, destinations = POINTS * 40, POINTS * 35
    assert len(sources) * len(destinations) >= PARALLEL_TABLE_CELLS
    large = await osrm.table(sources, destinations)
    assert len(large.durations) == len(sources)
    for i, row in enumerate(large.durations):
        assert row == [small.durations[i % 4][j % 4] for j in range(len(destinations))]


async def test_tables_too_large_for_one_request_are_tiled(osrm: OsrmClient) -> None:
    small = await osrm.table(POINTS, POINTS)
    for sources, destinations in ((POINTS * 400, POINTS * 2), (POINTS * 10, POINTS * 400)):
        assert len(sources) + len(destinations) > MAX_POINTS_PER_REQUEST
        table = await osrm.table(sources, destinations)
        assert table.confidence == "high"
        expected = [[small.durations[i % 4][j % 4] for j in range(len(destinations))] for i in range(len(sources))]
        assert table.durations == expected


async def test_a_moving_vans_drives_in_a_table_start_on_the_road_he_drives(osrm: OsrmClient) -> None:
    # Where Kaisankuja meets Läntinen Teatterikuja the nearest road is Kaisankuja; a van driving south is on the other.
    corner, car = Point(lat=60.172950, lon=24.943308), Point(lat=60.167128, lon=24.940032)
    nearest, southward = await osrm.route(corner, car), await osrm.route(corner, car, heading=165.0)
    assert nearest is not None
    assert southward is not None
    assert southward.duration_s < nearest.duration_s - 60
    # Beside him, vans whose headings no road near them runs (NoSegment) or whose road that way is cut off from the
    # rest, and one standing still: each of theirs is the drive from the nearest road, as if no heading were given.
    others = [UNIONINKATU, KAIVOKATU, MIKONKATU]
    plain = await osrm.table([corner, *others], [car, KAISANIEMENKATU])
    headed = await osrm.table([corner, *others], [car, KAISANIEMENKATU], headings=[165.0, 90.0, 0.0, None])
    assert headed.durations[0][0] == pytest.approx(southward.duration_s, abs=0.2)
    assert headed.durations[1:] == plain.durations[1:]
    assert plain.durations[0][0] == pytest.approx(nearest.duration_s, abs=0.2)
    # Split over tiles, each van keeps his own heading.
    many = await osrm.table([corner, MIKONKATU] * 400, [car] * 30, headings=[165.0, None] * 400)
    assert len(many.durations) * 30 >= PARALLEL_TABLE_CELLS
    assert many.durations == [[headed.durations[0][0]] * 30, [headed.durations[3][0]] * 30] * 400
    # Each heading OSRM finds no road for costs the table again: after HEADINGS_MISSED_AT_MOST, none is kept.
    unmatched = [UNIONINKATU] * HEADINGS_MISSED_AT_MOST
    given_up = await osrm.table([*unmatched, corner], [car], headings=[*[90.0] * len(unmatched), 165.0])
    assert given_up.durations[-1][0] == plain.durations[0][0]


# In Liechtenstein's extract: a bit of Am Schellenberg that no road a car may drive joins to the rest; Vaduz.
SCHELLENBERG_BIT = Point(lat=47.228142, lon=9.558573)
VADUZ = Point(lat=47.1410, lon=9.5209)


async def test_a_car_on_a_bit_of_road_that_leads_nowhere_is_reached_on_the_nearest_road_that_does(
    liechtenstein_graph: Path,
) -> None:
    port = free_port()
    process = start_routed(liechtenstein_graph, port)
    reaching, near_only = (
        OsrmClient(f"http://127.0.0.1:{port}"),
        OsrmClient(f"http://127.0.0.1:{port}", car_reach_m=200),
    )
    try:
        snapped = await reaching.snap(SCHELLENBERG_BIT)
        assert snapped is not None
        assert snapped[1] < 5  # the car stands on a road, as the order's check finds

        # Within 200 m of the car, every road is the cut-off bit: no van gets there (the order waited for nobody).
        assert (await near_only.table([VADUZ], [SCHELLENBERG_BIT])).durations == [[None]]
        assert await near_only.route(VADUZ, SCHELLENBERG_BIT) is None

        # Within the car's reach, the van drives to the nearest road joined to the rest, and walks from there.
        table = await reaching.table([VADUZ], [SCHELLENBERG_BIT])
        assert table.durations[0][0] is not None
        for heading in (None, 0.0):
            route = await reaching.route(VADUZ, SCHELLENBERG_BIT, heading=heading)
            assert route is not None
            assert route.duration_s == pytest.approx(table.durations[0][0], abs=60)
            end = Point(lat=route.geometry["coordinates"][-1][1], lon=route.geometry["coordinates"][-1][0])
            assert 200 < haversine_m(end, SCHELLENBERG_BIT) < 1000  # measured 369 m
    finally:
        await reaching.aclose()
        await near_only.aclose()
        process.terminate()
        process.wait(timeout=10)
