"""Feedback intake and the detractor follow-up loop, through the API on the real database."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from feedback.models import Feedback, FollowUp
from tests.conftest import Actor, Api


async def finished_job(api: Api, outcome: str = "completed") -> tuple[Actor, Actor, dict[str, Any]]:
    driver = await api.driver()
    technician = await api.technician()
    order = await api.order(driver)
    await api.assign(order["id"], technician)
    await api.finish(order["id"], technician, outcome)
    return driver, technician, order


async def count(sessions: async_sessionmaker[AsyncSession], model: type[Any]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_feedback_rules(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    driver, technician, order = await finished_job(api)
    url = f"/v1/orders/{order['id']}/feedback"
    body = {"csat": 5, "nps": 10, "ces": 2, "tags": ["fixed_fast"], "comment": "Thank you!"}
    stranger = await api.driver()
    assert (await api.client.post(url, json=body, headers=stranger.headers)).status_code == 404
    assert (await api.client.post(url, json=body, headers=technician.headers)).status_code == 403
    first = await api.client.post(url, json=body, headers=driver.headers)
    assert first.status_code == 201
    assert first.json()["technician_id"] == str(technician.id)
    again = await api.client.post(url, json=body, headers=driver.headers)
    assert again.status_code == 409
    assert await count(sessions, Feedback) == 1
    assert await count(sessions, FollowUp) == 0  # a promoter needs no call


async def test_feedback_waits_for_the_end_of_the_job(api: Api) -> None:
    driver = await api.driver()
    order = await api.order(driver)
    response = await api.client.post(f"/v1/orders/{order['id']}/feedback", json={"csat": 4}, headers=driver.headers)
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{"csat": 0}, {"csat": 6}, {"csat": 4, "nps": 11}, {"csat": 4, "ces": 0}, {"csat": 4, "ces": 8},
     {"csat": "5"}, {"csat": 4, "comment": "x" * 2001}, {"csat": 4, "tags": ["Not A Tag"]}, {}],
)  # fmt: skip
async def test_out_of_range_feedback_is_422_and_stores_nothing(
    api: Api, sessions: async_sessionmaker[AsyncSession], body: dict[str, Any]
) -> None:
    driver, _, order = await finished_job(api)
    response = await api.client.post(f"/v1/orders/{order['id']}/feedback", json=body, headers=driver.headers)
    assert response.status_code == 422
    assert await count(sessions, Feedback) == 0


@pytest.mark.parametrize(("rating", "opens"), [({"csat": 2}, True), ({"csat": 4, "nps": 6}, True),
                                                ({"csat": 3, "nps": 7}, False), ({"csat": 3}, False)])  # fmt: skip
async def test_a_detractor_opens_exactly_one_case(
    api: Api, sessions: async_sessionmaker[AsyncSession], rating: dict[str, int], opens: bool
) -> None:
    driver, _, order = await finished_job(api)
    await api.client.post(f"/v1/orders/{order['id']}/feedback", json=rating, headers=driver.headers)
    await api.client.post(f"/v1/orders/{order['id']}/feedback", json=rating, headers=driver.headers)  # 409
    assert await count(sessions, FollowUp) == (1 if opens else 0)


async def test_a_failed_job_opens_the_call_its_push_promised_and_its_rating_joins_that_case(
    api: Api, settings: Settings
) -> None:
    within = timedelta(seconds=settings.failed_job_call_within_s)
    before = datetime.now(UTC)
    driver, technician, order = await finished_job(api, "failed")
    after = datetime.now(UTC)
    operator = await api.operator()
    (case,) = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"]
    assert (case["order_id"], case["reason"], case["technician_id"]) == (order["id"], "failed_job", str(technician.id))
    assert before + within <= datetime.fromisoformat(case["due_at"]) <= after + within  # "within a few minutes"

    # The unhappy rating that follows is the same driver and the same call: it joins the case, not a second one.
    rating = {"csat": 1, "nps": 2, "comment": "Мастер не смог завести машину и уехал"}
    given = await api.client.post(f"/v1/orders/{order['id']}/feedback", json=rating, headers=driver.headers)
    assert given.status_code == 201, given.text
    (joined,) = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"]
    assert (joined["id"], joined["reason"], joined["due_at"]) == (case["id"], "failed_job", case["due_at"])
    assert (joined["csat"], joined["nps"]) == (1, 2)


async def test_operators_work_the_follow_up_queue(api: Api) -> None:
    driver, _, order = await finished_job(api)
    await api.client.post(f"/v1/orders/{order['id']}/feedback", json={"csat": 1, "nps": 0, "tags": ["late"]},
                          headers=driver.headers)  # fmt: skip
    operator = await api.operator()
    open_cases = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"]
    assert len(open_cases) == 1
    case = open_cases[0]
    assert case["order_id"] == order["id"]
    assert case["reason"] == "detractor"
    assert (case["csat"], case["nps"], case["tags"]) == (1, 0, ["late"])
    assert case["overdue"] is False
    resolve = f"/v1/ops/followups/{case['id']}/resolve"
    done = await api.client.post(resolve, json={"note": "Called back, offered a voucher"}, headers=operator.headers)
    assert done.status_code == 200
    assert done.json()["status"] == "resolved"
    assert (await api.client.post(resolve, json={"note": "again"}, headers=operator.headers)).status_code == 409
    assert (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"] == []
    assert (await api.client.get("/v1/ops/followups", headers=driver.headers)).status_code == 403
    missing = "/v1/ops/followups/00000000-0000-4000-8000-000000000000/resolve"
    assert (await api.client.post(missing, json={"note": "x"}, headers=operator.headers)).status_code == 404
