"""Bad input gets a clear problem+json 422 and stores nothing."""

from http import HTTPStatus
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.orders.models import JobEvent, Order
from tests.conftest import Api

VALID: dict[str, Any] = {"service": "tow", "location": {"lat": 60.17, "lon": 24.94}}

BAD_BODIES = [
    ("latitude above 90", {**VALID, "location": {"lat": 90.5, "lon": 24.94}}, ["body", "location", "lat"]),
    ("latitude below -90", {**VALID, "location": {"lat": -91, "lon": 24.94}}, ["body", "location", "lat"]),
    ("longitude out of range", {**VALID, "location": {"lat": 60.1, "lon": 180.01}}, ["body", "location", "lon"]),
    ("missing longitude", {**VALID, "location": {"lat": 60.1}}, ["body", "location", "lon"]),
    ("unknown service", {**VALID, "service": "teleport"}, ["body", "service"]),
    ("latitude as a string", {**VALID, "location": {"lat": "60.1", "lon": 24.94}}, ["body", "location", "lat"]),
    ("location as a list", {**VALID, "location": [60.1, 24.94]}, ["body", "location"]),
    ("service as a number", {**VALID, "service": 3}, ["body", "service"]),
    ("address too long", {**VALID, "address": "a" * 501}, ["body", "address"]),
    ("notes too long", {**VALID, "notes": "n" * 2001}, ["body", "notes"]),
    ("plate too long", {**VALID, "vehicle": {"plate": "P" * 65}}, ["body", "vehicle", "plate"]),
    ("unknown vehicle field", {**VALID, "vehicle": {"wings": 2}}, ["body", "vehicle", "wings"]),
    ("address as a number", {**VALID, "address": 12}, ["body", "address"]),
    ("missing service", {"location": VALID["location"]}, ["body", "service"]),
]


async def count_rows(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        orders = (await session.execute(select(func.count()).select_from(Order))).scalar_one()
        events = (await session.execute(select(func.count()).select_from(JobEvent))).scalar_one()
        return orders, events


@pytest.mark.parametrize(("case", "body", "loc"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
async def test_bad_order_is_422_and_stores_nothing(
    api: Api, sessions: async_sessionmaker[AsyncSession], case: str, body: dict[str, Any], loc: list[str]
) -> None:
    driver = await api.driver()
    response = await api.client.post("/v1/orders", json=body, headers=driver.headers)
    assert response.status_code == 422, case
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["title"] == HTTPStatus(422).phrase
    assert loc in [error["loc"] for error in problem["errors"]], problem["errors"]
    assert all(error["msg"] for error in problem["errors"])
    assert await count_rows(sessions) == (0, 0)


async def test_malformed_json_is_422(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    driver = await api.driver()
    response = await api.client.post(
        "/v1/orders",
        content=b'{"service": "tow", "location": ',
        headers={**driver.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert await count_rows(sessions) == (0, 0)


async def test_bad_ids_and_query_parameters_are_422(api: Api) -> None:
    driver = await api.driver()
    assert (await api.client.get("/v1/orders/not-a-uuid", headers=driver.headers)).status_code == 422
    assert (await api.client.get("/v1/orders?limit=0", headers=driver.headers)).status_code == 422
    assert (await api.client.get("/v1/orders?limit=201", headers=driver.headers)).status_code == 422
    assert (await api.client.get("/v1/orders?cursor=%%%", headers=driver.headers)).status_code == 422


async def test_the_lists_the_console_reads_whole_take_pages_of_up_to_1000(api: Api) -> None:
    operator = await api.operator()
    for path in ("/v1/ops/technicians", "/v1/ops/orders"):
        assert (await api.client.get(f"{path}?limit=1000", headers=operator.headers)).status_code == 200
        assert (await api.client.get(f"{path}?limit=1001", headers=operator.headers)).status_code == 422
    assert (await api.client.get("/v1/ops/partners?limit=201", headers=operator.headers)).status_code == 422


async def test_bad_technician_and_status_bodies_are_422(api: Api) -> None:
    operator = await api.operator()
    for body in (
        {"name": "X", "skills": []},
        {"name": "X", "skills": ["flying"]},
        {"name": "", "skills": ["tow"]},
        {"name": "N" * 201, "skills": ["tow"]},
        {"name": 5, "skills": ["tow"]},
    ):
        assert (await api.client.post("/v1/ops/technicians", json=body, headers=operator.headers)).status_code == 422
    technician = await api.technician()
    order = await api.order(await api.driver())
    await api.assign(order["id"], technician)
    status_bodies: list[dict[str, str]] = [
        {"status": "assigned"},
        {"status": "cancelled"},
        {"status": "en_route", "resolution": "magic"},
        {"resolution": "towed"},
    ]
    for status_body in status_bodies:
        path = f"/v1/orders/{order['id']}/status"
        response = await api.client.post(path, json=status_body, headers=technician.headers)
        assert response.status_code == 422, status_body
    availability = await api.client.put(
        "/v1/technicians/me/availability", json={"online": "yes"}, headers=technician.headers
    )
    assert availability.status_code == 422


async def test_pagination_walks_newest_first(api: Api) -> None:
    driver = await api.driver()
    technician = await api.technician()
    created = []
    for _ in range(5):
        order = await api.order(driver)
        created.append(order["id"])
        await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=driver.headers)
    await api.assign(created[-1], technician)  # a cancelled order cannot be assigned: unchanged listing
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.client.get("/v1/orders", params=params, headers=driver.headers)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))
