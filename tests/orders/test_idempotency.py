import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.orders.models import Order
from tests.conftest import Api

BODY = {"service": "jump_start", "location": {"lat": 60.1700, "lon": 24.9453}, "notes": "battery flat"}


async def orders_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(Order))).scalar_one()


async def test_same_key_same_body_replays_the_first_response(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    driver = await api.driver()
    headers = {**driver.headers, "Idempotency-Key": "retry-after-tunnel"}
    first = await api.client.post("/v1/orders", json=BODY, headers=headers)
    second = await api.client.post("/v1/orders", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content  # the same bytes, keys in the same order, as a client may hash them
    assert await orders_count(sessions) == 1


async def test_same_key_different_body_is_422(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    driver = await api.driver()
    headers = {**driver.headers, "Idempotency-Key": "k1"}
    assert (await api.client.post("/v1/orders", json=BODY, headers=headers)).status_code == 201
    changed = await api.client.post("/v1/orders", json={**BODY, "service": "tow"}, headers=headers)
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()["detail"]
    assert await orders_count(sessions) == 1


async def test_keys_are_per_user(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    for _ in range(2):
        driver = await api.driver()
        headers = {**driver.headers, "Idempotency-Key": "shared-key"}
        assert (await api.client.post("/v1/orders", json=BODY, headers=headers)).status_code == 201
    assert await orders_count(sessions) == 2


async def test_concurrent_retries_create_one_order(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    driver = await api.driver()
    headers = {**driver.headers, "Idempotency-Key": "double-tap"}
    responses = await asyncio.gather(*(api.client.post("/v1/orders", json=BODY, headers=headers) for _ in range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await orders_count(sessions) == 1


async def test_a_failed_request_does_not_burn_the_key(api: Api) -> None:
    driver = await api.driver()
    await api.order(driver)
    headers = {**driver.headers, "Idempotency-Key": "second-order"}
    assert (await api.client.post("/v1/orders", json=BODY, headers=headers)).status_code == 409
    listing = (await api.client.get("/v1/orders", headers=driver.headers)).json()
    await api.client.post(f"/v1/orders/{listing['items'][0]['id']}/cancel", json={}, headers=driver.headers)
    assert (await api.client.post("/v1/orders", json=BODY, headers=headers)).status_code == 201


async def test_key_longer_than_255_is_422(api: Api) -> None:
    driver = await api.driver()
    headers = {**driver.headers, "Idempotency-Key": "k" * 256}
    assert (await api.client.post("/v1/orders", json=BODY, headers=headers)).status_code == 422


async def test_every_creating_post_honours_the_key(api: Api) -> None:
    operator = await api.operator()
    headers = {**operator.headers, "Idempotency-Key": "new-van"}
    body = {"name": "Boris", "skills": ["tow"]}
    first = await api.client.post("/v1/ops/technicians", json=body, headers=headers)
    again = await api.client.post("/v1/ops/technicians", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert len((await api.client.get("/v1/ops/technicians", headers=operator.headers)).json()["items"]) == 1

    driver = await api.driver()
    technician = await api.technician()
    order = await api.order(driver)
    await api.assign(order["id"], technician)
    for status in ("en_route", "arrived", "in_progress", "completed"):
        await api.status(order["id"], technician, status)
    rating = {**driver.headers, "Idempotency-Key": "rate-once"}
    url = f"/v1/orders/{order['id']}/feedback"
    first = await api.client.post(url, json={"csat": 5}, headers=rating)
    retry = await api.client.post(url, json={"csat": 5}, headers=rating)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json() == retry.json()
    assert (await api.client.post(url, json={"csat": 4}, headers=rating)).status_code == 422
    assert (await api.client.post(url, json={"csat": 5}, headers=driver.headers)).status_code == 409
