"""A slow subscriber loses stale positions first, never a status; the newest position replaces the older."""

from app.live.geometry import distance_to_route_m
from app.live.hub import Subscription
from tests.conftest import KAISANIEMENKATU, KAIVOKATU


def test_positions_coalesce_and_statuses_survive_a_full_queue() -> None:
    subscription = Subscription("order", capacity=3)
    subscription.offer({"type": "status", "status": "en_route"})
    for k in range(10):
        subscription.offer({"type": "position", "technician_id": "t", "lat": k})
    subscription.offer({"type": "eta", "seconds": 60})
    subscription.offer({"type": "status", "status": "arrived"})
    queued = list(subscription._events)
    assert [e["type"] for e in queued] == ["status", "eta", "status"]
    assert subscription.dropped == 10
    second = Subscription("order", capacity=8)
    for k in range(5):
        second.offer({"type": "position", "technician_id": "t", "lat": k})
    assert list(second._events) == [{"type": "position", "technician_id": "t", "lat": 4}]


def test_distance_to_route() -> None:
    route = {
        "type": "LineString",
        "coordinates": [[KAIVOKATU.lon, KAIVOKATU.lat], [KAISANIEMENKATU.lon, KAISANIEMENKATU.lat]],
    }
    assert distance_to_route_m(KAIVOKATU, route) < 0.01
    assert 500 < distance_to_route_m(KAIVOKATU, {"type": "LineString", "coordinates": [[24.95, 60.17]]}) < 700
