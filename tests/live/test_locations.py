"""Location ingest: the filter chain, the rate limit, and what a position means for the job."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.geo import Point, from_geography, haversine_m
from app.live import tracking
from app.live.filters import FilterLimits, Fix, Rejection, filter_fixes
from app.live.models import LocationPoint, OrderTracking
from app.live.tracking import TrackingRules
from app.orders import repository as orders_repository
from app.orders.models import OrderStatus
from app.routing.osrm import OsrmClient
from app.technicians.models import Technician
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, MIKONKATU, UNIONINKATU, Actor, Api


def fix(point: Point, seconds_ago: float, **extra: Any) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return {"lat": point.lat, "lon": point.lon, "recorded_at": at.isoformat(), **extra}


async def post(api: Api, technician: Actor, points: list[dict[str, Any]]) -> Any:
    return await api.client.post("/v1/technicians/me/locations", json={"points": points}, headers=technician.headers)


async def history_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(LocationPoint))).scalar_one())


async def test_each_kind_of_implausible_point_is_counted_and_not_stored(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician(at=None)
    order = await api.order(await api.driver())
    await api.assign(order["id"], technician)
    points = [
        fix(KAIVOKATU, 40),                                  # accepted
        {**fix(KAIVOKATU, 39), "lat": 0.0, "lon": 0.0},      # null island
        fix(KAIVOKATU, -120),                                # two minutes in the future
        fix(KAIVOKATU, 3600),                                # an hour old
        fix(KAIVOKATU, 45),                                  # older than the accepted one
        fix(Point(lat=60.25, lon=24.94), 38),                # 9 km in 2 s
        fix(KAIVOKATU, 37, accuracy_m=900.0),                # a cell-tower guess
        fix(KAISANIEMENKATU, 10, heading=90.0, speed_mps=8.0),  # accepted
    ]  # fmt: skip
    response = await post(api, technician, points)
    assert response.status_code == 202
    assert response.json() == {
        "accepted": 2,
        "rejected": 6,
        "reasons": {r.value: 1 for r in Rejection},
    }
    async with sessions() as session:
        stored = await session.get(Technician, technician.id)
        assert stored is not None
        assert stored.heading == 90.0
    assert await history_count(sessions) == 2  # only the believable points of the job


async def test_a_jobs_history_keeps_each_accepted_fix_as_it_was_sent(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician(at=None)
    order = await api.order(await api.driver())
    await api.assign(order["id"], technician)
    points = [
        fix(KAIVOKATU, 30, accuracy_m=12.5, heading=270.0, speed_mps=4.0),
        fix(KAISANIEMENKATU, 20),
        fix(MIKONKATU, 10, accuracy_m=8.0),
    ]
    assert (await post(api, technician, points)).json()["accepted"] == 3
    async with sessions() as session:
        kept = (await session.execute(select(LocationPoint).order_by(LocationPoint.recorded_at))).scalars().all()
    assert [(k.technician_id, str(k.order_id)) for k in kept] == [(technician.id, order["id"])] * 3
    assert [k.recorded_at for k in kept] == [datetime.fromisoformat(p["recorded_at"]) for p in points]
    for stored, sent in zip(kept, (KAIVOKATU, KAISANIEMENKATU, MIKONKATU), strict=True):
        assert haversine_m(from_geography(stored.position), sent) < 0.01
    assert [(k.accuracy_m, k.heading, k.speed_mps) for k in kept] == [
        (12.5, 270.0, 4.0), (None, None, None), (8.0, None, None),
    ]  # fmt: skip


async def test_bad_batches_are_422_and_store_nothing(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    technician = await api.technician(at=None)
    headers = {**technician.headers, "content-type": "application/json"}
    for body in (
        b'{"points": [',
        b'{"points": []}',
        b'{"points": [{"lat": 60.1, "lon": 24.9}]}',
        b'{"points": [{"lat": 91, "lon": 24.9, "recorded_at": "2026-01-01T00:00:00Z"}]}',
        b'{"points": [{"lat": 60.1, "lon": 24.9, "recorded_at": "2026-01-01T00:00:00"}]}',
        b'{"points": [{"lat": "60.1", "lon": 24.9, "recorded_at": "2026-01-01T00:00:00Z"}]}',
    ):
        response = await api.client.post("/v1/technicians/me/locations", content=body, headers=headers)
        assert response.status_code == 422, body
    many = [fix(KAIVOKATU, 60 - i * 0.5) for i in range(101)]
    assert (await post(api, technician, many)).status_code == 422
    async with sessions() as session:
        stored = await session.get(Technician, technician.id)
        assert stored is not None
        assert stored.position is None


async def test_too_many_batches_get_429_with_retry_after(api: Api) -> None:
    technician = await api.technician(at=None)
    into_window = time.time() % 10
    if into_window > 8:  # start in a fresh 10 s window, so that all the batches fall into one
        await asyncio.sleep(10 - into_window)
    statuses = [(await post(api, technician, [fix(KAIVOKATU, 30 - i)])).status_code for i in range(25)]
    assert statuses.count(202) == 20
    limited = await post(api, technician, [fix(KAIVOKATU, 1)])
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 10
    assert limited.json()["status"] == 429


async def test_a_technician_cannot_claim_arrival_from_far_away(api: Api) -> None:
    technician = await api.technician(at=None)
    order = await api.order(await api.driver(), at=MIKONKATU)
    await api.assign(order["id"], technician)
    await api.status(order["id"], technician, "en_route")
    far = Point(lat=60.1650, lon=24.9360)  # over a kilometre away, still in the region
    assert (await post(api, technician, [fix(far, 100)])).status_code == 202
    refused = await api.status(order["id"], technician, "arrived", near=False)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/not-near-the-car")
    assert "km from the driver" in refused.json()["detail"]
    assert (await post(api, technician, [fix(KAISANIEMENKATU, 1)])).status_code == 202  # 260 m away
    assert (await api.status(order["id"], technician, "arrived")).status_code == 200


async def test_positions_refresh_the_live_eta_and_route(api: Api, osrm: OsrmClient) -> None:
    technician = await api.technician(at=None)
    assert (await post(api, technician, [fix(KAIVOKATU, 90)])).json()["accepted"] == 1
    driver = await api.driver()
    order = await api.order(driver, at=MIKONKATU)
    promised = (await api.assign(order["id"], technician)).json()["eta"]["promised_at"]
    await api.status(order["id"], technician, "en_route")
    moved = await post(api, technician, [fix(KAISANIEMENKATU, 1)])
    assert moved.json()["accepted"] == 1
    seen = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    assert seen["eta"]["promised_at"] == promised  # the promise stays as made
    assert seen["eta"]["confidence"] == "high"
    assert seen["route"]["geometry"]["type"] == "LineString"
    assert seen["route"]["distance_m"] > 0


def test_filter_chain_is_pure() -> None:
    now = datetime.now(UTC)
    last = Fix(KAIVOKATU, now - timedelta(seconds=120))
    accepted, rejected = filter_fixes(
        [Fix(KAISANIEMENKATU, now - timedelta(seconds=60)), Fix(KAIVOKATU, now - timedelta(seconds=70))],
        last, now, FilterLimits(),
    )  # fmt: skip
    assert [f.point for f in accepted] == [KAISANIEMENKATU]
    assert rejected == {Rejection.OUT_OF_ORDER: 1}


async def position_seen(
    sessions: async_sessionmaker[AsyncSession], osrm: OsrmClient, order_id: str, position: Point, at: datetime,
    rules: TrackingRules,
) -> None:  # fmt: skip
    """The job's order locked and the technician's new position taken, as location ingest does."""
    async with transaction(sessions) as session:
        locked = await orders_repository.get_for_update(session, UUID(order_id))
        assert locked is not None
        await tracking.on_position(session, osrm, locked, Fix(position, at), at, rules)


async def test_a_technician_at_the_road_nearest_a_pin_off_the_road_arrives_by_himself(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    in_the_park = Point(lat=60.1745, lon=24.9470)  # Kaisaniemi park: 132 m from the road, inside the 200 m accepted
    road_end = Point(lat=60.173321, lon=24.947225)  # where the road comes nearest; the pin lies past the radius
    assert haversine_m(in_the_park, road_end) > 100
    technician = await api.technician(at=KAISANIEMENKATU)
    order = await api.order(await api.driver(), at=in_the_park)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    rules = TrackingRules(
        eta_refresh=timedelta(0), off_route_m=50, arrival_radius_m=75, arrival_dwell=timedelta(seconds=30)
    )
    start = datetime.now(UTC)
    for position, seconds in ((KAISANIEMENKATU, 0), (road_end, 60), (road_end, 95)):  # on his way, there, still there
        await position_seen(sessions, osrm, order["id"], position, start + timedelta(seconds=seconds), rules)
    async with sessions() as session:
        arrived = await orders_repository.get(session, UUID(order["id"]))
    assert arrived is not None
    assert arrived.status is OrderStatus.ARRIVED


async def test_the_route_shown_is_what_is_left_of_the_drive(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician(at=KAISANIEMENKATU)
    driver = await api.driver()
    order = await api.order(driver, at=MIKONKATU)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    rules = TrackingRules(eta_refresh=timedelta(0), off_route_m=80, arrival_radius_m=75, arrival_dwell=timedelta(30))
    shown = []
    position = KAISANIEMENKATU
    for _ in range(2):  # at the start, then halfway along the route shown: on it, not off it
        await position_seen(sessions, osrm, order["id"], position, datetime.now(UTC), rules)
        route = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()["route"]
        left = await osrm.route(position, MIKONKATU)
        assert left is not None
        assert route["distance_m"] == pytest.approx(left.distance_m)
        assert route["duration_s"] == pytest.approx(left.duration_s)
        assert route["geometry"]["coordinates"][0] == pytest.approx(left.geometry["coordinates"][0])
        shown.append(route["distance_m"])
        lon, lat = route["geometry"]["coordinates"][len(route["geometry"]["coordinates"]) // 2]
        position = Point(lat=lat, lon=lon)
    assert shown[1] < shown[0]


async def test_a_fix_matched_to_the_wrong_road_does_not_make_the_van_late_until_the_longer_drive_is_confirmed(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Seen in the demo on Yrjönkatu: a van driving straight at 5 m/s towards the car, a fix every 5 s; the one at
    # the crossing is matched to a road that loops round the blocks to the same car.
    car = Point(lat=60.167128, lon=24.940032)
    before, at_the_crossing, after = (
        Point(lat=60.167031 + k * 0.000127, lon=24.937171 + k * 0.000372) for k in (-1, 0, 1)
    )
    drives = [await osrm.route(position, car) for position in (before, at_the_crossing, after)]
    assert all(drive is not None for drive in drives)
    near, looped, nearer = (drive.distance_m for drive in drives if drive is not None)
    assert looped > near + 500
    technician = await api.technician(at=before)
    order = await api.order(await api.driver(), at=car)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    rules = TrackingRules(eta_refresh=timedelta(0), off_route_m=80, arrival_radius_m=75, arrival_dwell=timedelta(30))
    start = datetime.now(UTC)

    async def fix_at(position: Point, seconds: float) -> OrderTracking:
        await position_seen(sessions, osrm, order["id"], position, start + timedelta(seconds=seconds), rules)
        async with sessions() as session:
            live = await session.get(OrderTracking, UUID(order["id"]))
            assert live is not None
            return live

    first = await fix_at(before, 0)
    assert first.route_distance_m == pytest.approx(near)
    doubted = await fix_at(at_the_crossing, 5)  # the last estimate stands: no "9 min, we're sorry" for one fix
    assert doubted.route_distance_m == pytest.approx(near)
    assert (doubted.eta_arrival_at, doubted.eta_updated_at) == (first.eta_arrival_at, first.eta_updated_at)
    assert (await fix_at(after, 10)).route_distance_m == pytest.approx(nearer)

    # A van really sent round the blocks keeps giving the longer drive: it is believed once the last estimate
    # is `confirmed_after` old.
    assert (await fix_at(at_the_crossing, 15)).route_distance_m == pytest.approx(nearer)
    confirmed = await fix_at(at_the_crossing, 10 + rules.confirmed_after.total_seconds())
    assert confirmed.route_distance_m == pytest.approx(looped)
    assert confirmed.eta_arrival_at is not None
    assert first.eta_arrival_at is not None
    assert confirmed.eta_arrival_at > first.eta_arrival_at + timedelta(minutes=2)


async def test_a_moving_vans_heading_starts_his_route_on_the_road_he_drives(api: Api, osrm: OsrmClient) -> None:
    # Where Kaisankuja meets Läntinen Teatterikuja the nearest road is Kaisankuja: a van driving south there was
    # routed back north round the park.
    corner, car = Point(lat=60.172950, lon=24.943308), Point(lat=60.167128, lon=24.940032)
    nearest, southward = await osrm.route(corner, car), await osrm.route(corner, car, heading=165.0)
    assert nearest is not None
    assert southward is not None
    assert southward.distance_m < nearest.distance_m - 500

    async def drive_shown(**reported: float) -> float:
        technician = await api.technician(at=corner)
        driver = await api.driver()
        order = await api.order(driver, at=car)
        assert (await api.assign(order["id"], technician)).status_code == 200
        assert (await api.status(order["id"], technician, "en_route")).status_code == 200
        assert (await post(api, technician, [fix(corner, 0, **reported)])).json()["accepted"] == 1
        seen = await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)
        return float(seen.json()["route"]["distance_m"])

    assert await drive_shown(heading=165.0, speed_mps=6.0) == pytest.approx(southward.distance_m)
    assert await drive_shown(heading=165.0) == pytest.approx(southward.distance_m)  # a phone that gives no speed
    assert await drive_shown(heading=165.0, speed_mps=0.5) == pytest.approx(nearest.distance_m)  # standing still
    assert await drive_shown(speed_mps=6.0) == pytest.approx(nearest.distance_m)

    # A heading no road near him runs (NoSegment) or only a road cut off that way (NoRoute): from the nearest road.
    for place, heading in ((UNIONINKATU, 90.0), (KAIVOKATU, 0.0)):
        plain, headed = await osrm.route(place, car), await osrm.route(place, car, heading=heading)
        assert plain is not None
        assert headed is not None
        assert headed.distance_m == pytest.approx(plain.distance_m)


async def test_a_technician_is_told_what_keeps_offers_from_him(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician(at=None)

    async def why() -> Any:
        me = await api.client.get("/v1/technicians/me", headers=technician.headers)
        assert me.status_code == 200, me.text
        return me.json()["no_offers_because"]

    assert await why() == "no_position"
    assert (await post(api, technician, [fix(KAISANIEMENKATU, 5)])).json()["accepted"] == 1
    assert await why() is None
    async with transaction(sessions) as session:  # three minutes without a fix: dispatch no longer trusts it
        await session.execute(
            update(Technician).where(Technician.id == technician.id)
            .values(position_at=datetime.now(UTC) - timedelta(minutes=3))
        )  # fmt: skip
    assert await why() == "position_stale"
    assert (await post(api, technician, [fix(KAISANIEMENKATU, 1)])).json()["accepted"] == 1
    order = await api.order(await api.driver())
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert await why() == "on_a_job"
    offline = await api.client.put(
        "/v1/technicians/me/availability", json={"online": False}, headers=technician.headers
    )
    assert offline.json()["no_offers_because"] == "offline"
