"""401 without a valid token, 403 for a role that may never act, 404 for what the caller may not see."""

import jwt
import pytest

from app.config import DEV_JWT_SECRET
from tests.conftest import Api


async def test_missing_or_bad_token_is_401(api: Api) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        response = await api.client.get("/v1/orders", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
    forged = jwt.encode(
        {"sub": "6a3e0e43-5d5c-4d4a-9d0b-2b8f6f2d7c11", "role": "operator", "exp": 9999999999}, "x" * 32
    )
    assert (await api.client.get("/v1/orders", headers={"Authorization": f"Bearer {forged}"})).status_code == 401
    expired = jwt.encode({"sub": "6a3e0e43-5d5c-4d4a-9d0b-2b8f6f2d7c11", "role": "driver", "exp": 1}, DEV_JWT_SECRET)
    assert (await api.client.get("/v1/orders", headers={"Authorization": f"Bearer {expired}"})).status_code == 401


async def test_roles_that_may_never_act_get_403(api: Api) -> None:
    driver = await api.driver()
    technician = await api.technician()
    operator = await api.operator()
    order = await api.order(driver)
    cases = [
        (technician, "POST", "/v1/orders", {"service": "tow", "location": {"lat": 60.17, "lon": 24.94}}),
        (operator, "POST", "/v1/orders", {"service": "tow", "location": {"lat": 60.17, "lon": 24.94}}),
        (technician, "POST", f"/v1/orders/{order['id']}/cancel", {}),
        (driver, "POST", f"/v1/orders/{order['id']}/status", {"status": "en_route"}),
        (driver, "GET", "/v1/technicians/me", None),
        (driver, "PUT", "/v1/technicians/me/availability", {"online": True}),
        (driver, "POST", "/v1/ops/technicians", {"name": "X", "skills": ["tow"]}),
        (technician, "POST", f"/v1/ops/orders/{order['id']}/assign", {"technician_id": str(technician.id)}),
        (driver, "GET", "/v1/technicians/me/offers", None),
    ]
    for actor, method, path, body in cases:
        response = await api.client.request(method, path, json=body, headers=actor.headers)
        assert response.status_code == 403, (method, path, response.text)
    still = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    assert still["status"] == "searching"


async def test_another_drivers_order_is_404_on_every_endpoint(api: Api) -> None:
    owner = await api.driver()
    stranger = await api.driver()
    order = await api.order(owner)
    cases: list[tuple[str, str, dict[str, str] | None]] = [
        ("GET", f"/v1/orders/{order['id']}", None),
        ("POST", f"/v1/orders/{order['id']}/cancel", {}),
    ]
    for method, path, body in cases:
        response = await api.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "No such order."
    # Indistinguishable from an order that does not exist at all.
    missing = await api.client.get("/v1/orders/00000000-0000-4000-8000-000000000000", headers=stranger.headers)
    assert missing.status_code == 404
    assert missing.json() == (await api.client.get(f"/v1/orders/{order['id']}", headers=stranger.headers)).json()
    assert (await api.client.get("/v1/orders", headers=stranger.headers)).json()["items"] == []
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=owner.headers)).json()["status"] == "searching"


async def test_technicians_see_only_their_own_jobs_and_offers(api: Api) -> None:
    driver = await api.driver()
    mine = await api.technician(name="Mine")
    other = await api.technician(name="Other")
    order = await api.order(driver)
    offer = await api.offer(order["id"], mine)
    for method, path in [
        ("POST", f"/v1/offers/{offer['id']}/accept"),
        ("POST", f"/v1/offers/{offer['id']}/decline"),
        ("GET", f"/v1/orders/{order['id']}"),
    ]:
        assert (await api.client.request(method, path, headers=other.headers)).status_code == 404, path
    assert (await api.client.get("/v1/technicians/me/offers", headers=other.headers)).json()["items"] == []
    assert (await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=mine.headers)).status_code == 200
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=mine.headers)).status_code == 200
    assert (await api.status(order["id"], other, "en_route")).status_code == 404


async def test_devices_belong_to_their_owner(api: Api) -> None:
    alice, bob = await api.driver(), await api.driver()
    body = {"token": "fcm-token-alice", "platform": "android", "locale": "ru"}
    assert (await api.client.post("/v1/devices", json=body, headers=alice.headers)).status_code == 201
    again = await api.client.post("/v1/devices", json=body, headers=alice.headers)
    assert again.status_code == 200
    assert again.json()["locale"] == "ru"
    assert (await api.client.delete("/v1/devices/fcm-token-alice", headers=bob.headers)).status_code == 404
    assert (await api.client.delete("/v1/devices/fcm-token-alice", headers=alice.headers)).status_code == 204
    assert (await api.client.delete("/v1/devices/fcm-token-alice", headers=alice.headers)).status_code == 404


@pytest.mark.parametrize("role", ["driver", "operator"])
async def test_dev_tokens_issue_working_tokens(api: Api, role: str) -> None:
    response = await api.client.post("/v1/dev/tokens", json={"role": role})
    assert response.status_code == 201
    token = response.json()["token"]
    claims = jwt.decode(token, DEV_JWT_SECRET, algorithms=["HS256"])
    assert claims["role"] == role
    assert claims["sub"] == response.json()["user_id"]


async def test_technician_token_needs_an_existing_technician(api: Api) -> None:
    body = {"role": "technician", "technician_id": "00000000-0000-4000-8000-000000000000"}
    assert (await api.client.post("/v1/dev/tokens", json=body)).status_code == 404
