"""Drivers' cover through the API, retention by the experience of the last job, and the churn-risk call that
opens before the renewal date, once."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import clock
from app.db import transaction
from app.routing.osrm import OsrmClient
from app.sla.rules import SlaPolicy
from retention.rounds import ChurnRound
from tests.conftest import MIKONKATU, Actor, Api
from tests.partners.helpers import make_partner, member_order


@contextmanager
def later(by: timedelta) -> Iterator[None]:
    with clock.using(lambda: datetime.now(UTC) + by):
        yield


async def job(api: Api, driver: Actor, technician: Actor, *, late: bool = False, **rating: Any) -> str:
    """A finished job: on time, or two hours past the promise; rated if a rating is given."""
    order = await api.order(driver)
    assert (await api.assign(str(order["id"]), technician)).status_code == 200
    if late:
        with later(timedelta(hours=2)):
            await api.finish(str(order["id"]), technician, resolution="fixed_on_site")
    else:
        await api.finish(str(order["id"]), technician, resolution="fixed_on_site")
    if rating:
        assert (await api.rate(str(order["id"]), driver, **rating)).status_code == 201
    return str(order["id"])


async def cover(api: Api, driver: Actor, renews_on: date, **extra: Any) -> dict[str, Any]:
    operator = await api.operator()
    body = {"plan": "gold", "starts_on": (renews_on - timedelta(days=365)).isoformat(),
            "renews_on": renews_on.isoformat(), **extra}  # fmt: skip
    response = await api.client.put(f"/v1/ops/drivers/{driver.id}/cover", json=body, headers=operator.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def event(api: Api, driver: Actor, type_: str, **extra: Any) -> Any:
    operator = await api.operator()
    body = {"type": type_, "at": datetime.now(UTC).isoformat(), **extra}
    return await api.client.post(f"/v1/ops/drivers/{driver.id}/cover/events", json=body, headers=operator.headers)


def today() -> date:
    return datetime.now(UTC).date()


async def test_cover_is_set_renewed_once_per_date_and_lapsed(api: Api) -> None:
    driver = await api.driver()
    operator = await api.operator()
    renews = today() + timedelta(days=5)
    unknown = "00000000-0000-0000-0000-000000000001"
    body = {"plan": "gold", "starts_on": "2026-01-01", "renews_on": "2027-01-01"}
    assert (
        await api.client.put(f"/v1/ops/drivers/{unknown}/cover", json=body, headers=operator.headers)
    ).status_code == 404
    for bad in ({**body, "renews_on": "2026-01-01"}, {**body, "plan": ""}, {**body, "extra": 1},
                {**body, "starts_on": "1999-12-31"}, {**body, "partner_id": "nope"}, {"plan": "gold"}):  # fmt: skip
        response = await api.client.put(f"/v1/ops/drivers/{driver.id}/cover", json=bad, headers=operator.headers)
        assert response.status_code == 422, bad
    assert (
        await api.client.put(f"/v1/ops/drivers/{driver.id}/cover", json=body, headers=driver.headers)
    ).status_code == 403
    assert (await event(api, driver, "renewed")).status_code == 404  # no cover yet

    set_ = await cover(api, driver, renews)
    assert (set_["plan"], set_["renews_on"], set_["status"]) == ("gold", renews.isoformat(), "active")

    at = datetime.now(UTC).isoformat()
    renewed = await event(api, driver, "renewed", at=at)
    assert renewed.status_code == 201, renewed.text
    moved = renews.replace(year=renews.year + 1)
    assert renewed.json()["renews_on"] == renews.isoformat()
    assert renewed.json()["cover"]["renews_on"] == moved.isoformat()
    again = await event(api, driver, "renewed", at=at)  # the same report retried
    assert again.status_code == 200
    assert again.json()["cover"]["renews_on"] == moved.isoformat()  # not moved twice
    dated = await event(api, driver, "renewed", renews_on=renews.isoformat())
    assert dated.status_code == 200
    assert dated.json()["id"] == renewed.json()["id"]
    assert (await event(api, driver, "renewed", renews_on=(moved + timedelta(days=1)).isoformat())).status_code == 422

    lapsed = await event(api, driver, "lapsed")
    assert lapsed.status_code == 201
    assert lapsed.json()["cover"]["status"] == "lapsed"
    assert lapsed.json()["renews_on"] == moved.isoformat()
    for bad in ({"type": "paused", "at": at}, {"type": "lapsed"}, {"type": "lapsed", "at": "2026-01-01T00:00:00"}):
        response = await api.client.post(
            f"/v1/ops/drivers/{driver.id}/cover/events", json=bad, headers=operator.headers
        )
        assert response.status_code == 422, bad

    page = (await api.client.get(f"/v1/ops/drivers/{driver.id}/cover/events?limit=1", headers=operator.headers)).json()
    assert [e["type"] for e in page["items"]] == ["lapsed"]
    rest = await api.client.get(
        f"/v1/ops/drivers/{driver.id}/cover/events?cursor={page['next_cursor']}", headers=operator.headers
    )
    assert [e["type"] for e in rest.json()["items"]] == ["renewed"]
    assert rest.json()["next_cursor"] is None
    bad_cursor = await api.client.get(f"/v1/ops/drivers/{driver.id}/cover/events?cursor=x", headers=operator.headers)
    assert bad_cursor.status_code == 422


async def test_retention_by_the_experience_of_the_last_job(api: Api, osrm: OsrmClient) -> None:
    technician = await api.technician()
    operator = await api.operator()
    renews = today() + timedelta(days=5)
    happy, unhappy, content, undecided = [await api.driver() for _ in range(4)]
    await job(api, happy, technician, csat=5, nps=10)
    await job(api, unhappy, technician, late=True, csat=2, nps=2)
    await job(api, content, technician, csat=4, nps=9)
    await job(api, undecided, technician, csat=1, nps=0)
    for driver in (happy, unhappy, content, undecided):
        await cover(api, driver, renews)
    assert (await event(api, happy, "renewed")).status_code == 201
    assert (await event(api, content, "renewed")).status_code == 201
    assert (await event(api, unhappy, "lapsed")).status_code == 201
    await api.order(happy)  # he came back

    window = {"from": datetime.now(UTC).isoformat(), "to": (datetime.now(UTC) + timedelta(days=30)).isoformat()}
    response = await api.client.get("/v1/ops/retention", params=window, headers=operator.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["overall"] == {"drivers": 3, "renewal_rate": 2 / 3, "repeat_rate": 1 / 3}  # undecided is not due
    assert body["cohorts"]["promise"]["kept"] == {"drivers": 2, "renewal_rate": 1.0, "repeat_rate": 0.5}
    assert body["cohorts"]["promise"]["broken"] == {"drivers": 1, "renewal_rate": 0.0, "repeat_rate": 0.0}
    assert body["cohorts"]["nps"]["promoter"] == {"drivers": 2, "renewal_rate": 1.0, "repeat_rate": 0.5}
    assert body["cohorts"]["nps"]["detractor"] == {"drivers": 1, "renewal_rate": 0.0, "repeat_rate": 0.0}
    assert body["cohorts"]["nps"]["passive"] == {"drivers": 0, "renewal_rate": None, "repeat_rate": None}
    assert body["cohorts"]["csat"]["1-2"]["drivers"] == 1
    assert body["cohorts"]["sentiment"]["unknown"]["drivers"] == 3  # nobody wrote a comment

    before = {"to": datetime.now(UTC).isoformat()}
    earlier = (await api.client.get("/v1/ops/retention", params=before, headers=operator.headers)).json()
    assert earlier["overall"] == {"drivers": 0, "renewal_rate": None, "repeat_rate": None}
    for bad in ({"from": window["to"], "to": window["from"]}, {"from": "yesterday"}, {"to": "2026-01-01T00:00:00"}):
        assert (await api.client.get("/v1/ops/retention", params=bad, headers=operator.headers)).status_code == 422
    assert (await api.client.get("/v1/ops/retention", headers=happy.headers)).status_code == 403


async def test_a_churn_risk_is_called_before_the_renewal_date_once(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician = await api.technician()
    operator = await api.operator()
    late, happy, distant = await api.driver(), await api.driver(), await api.driver()
    await job(api, late, technician, late=True, csat=4, nps=8)  # a broken promise, rated fine
    await job(api, happy, technician, csat=5, nps=10)
    await job(api, distant, technician, csat=5, nps=3, comment="Приехал, но ничего не починил")
    start = datetime.now(UTC)
    await cover(api, late, (start + timedelta(days=10)).date())
    await cover(api, happy, (start + timedelta(days=10)).date())
    await cover(api, distant, (start + timedelta(days=30)).date())
    watch = ChurnRound(notice_days=14, call_within_s=2 * 86400, policy=SlaPolicy())

    async def round_at(moment: datetime) -> list[Any]:
        with clock.using(lambda: moment):
            async with transaction(sessions) as session:
                return await watch(session, clock.now())

    assert await round_at(start) == [late.id]
    assert await round_at(start + timedelta(hours=1)) == []  # not twice for the same renewal date
    assert await round_at(start + timedelta(days=10)) == []  # nor on the day (it opened before it)
    assert await round_at(start + timedelta(days=15)) == []  # 15 days before his renewal: not yet
    assert await round_at(start + timedelta(days=17)) == [distant.id]  # within 14 days, a detractor
    cases = (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    churn = [c for c in cases if c["reason"] == "churn_risk"]
    assert {c["driver_id"] for c in churn} == {str(late.id), str(distant.id)}
    for case in churn:
        renews = (start + timedelta(days=10 if case["driver_id"] == str(late.id) else 30)).date()
        assert datetime.fromisoformat(case["due_at"]).date() <= renews  # called before his renewal date
    # The operator sees why he calls, and the rating and comment of the job it is about.
    by_driver = {c["driver_id"]: c for c in churn}
    assert by_driver[str(late.id)]["risks"] == ["broken_promise"]
    assert (by_driver[str(late.id)]["csat"], by_driver[str(late.id)]["nps"]) == (4, 8)
    assert by_driver[str(distant.id)]["risks"][0] == "detractor"
    assert by_driver[str(distant.id)]["comment"] == "Приехал, но ничего не починил"


async def test_a_driver_left_waiting_past_the_promise_is_called_though_he_has_no_finished_job(
    api: Api, osrm: OsrmClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    technician, other = await api.technician(), await api.technician()
    gave_up, changed_mind = await api.driver(), await api.driver()
    for driver, after in ((gave_up, timedelta(hours=2)), (changed_mind, timedelta(seconds=1))):
        order = await api.order(driver)
        assert (await api.assign(str(order["id"]), technician if driver is gave_up else other)).status_code == 200
        with later(after):
            cancelled = await api.client.post(f"/v1/orders/{order['id']}/cancel", headers=driver.headers)
        assert cancelled.status_code == 200, cancelled.text
        await cover(api, driver, today() + timedelta(days=5))
    watch = ChurnRound(notice_days=14, call_within_s=86400, policy=SlaPolicy())
    with clock.using(lambda: datetime.now(UTC) + timedelta(hours=3)):
        async with transaction(sessions) as session:
            called = await watch(session, clock.now())
    assert called == [gave_up.id]  # who cancelled at once, before any promise passed, was not let down
    operator = await api.operator()
    cases = (await api.client.get("/v1/ops/followups", headers=operator.headers)).json()["items"]
    (case,) = [c for c in cases if c["reason"] == "churn_risk"]
    assert case["risks"] == ["not_helped", "broken_promise"]
    assert case["technician_id"] == str(technician.id)


async def test_a_partner_covers_its_own_members_only(api: Api, osrm: OsrmClient) -> None:
    fennia, other = await make_partner(api), await make_partner(api, "Other Insurance")
    phone = "+358 40 123 4567"
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, phone), headers=fennia.headers)
    assert placed.status_code == 201, placed.text
    body = {"phone": phone, "plan": "fleet basic", "starts_on": "2026-01-01", "renews_on": "2027-01-01"}
    set_ = await api.client.put(
        "/v1/partner/covers", json={**body, "phone": "+358-40-123-4567"}, headers=fennia.headers
    )
    assert set_.status_code == 200, set_.text  # the member's number, written another way
    assert set_.json()["partner_id"] == fennia.id
    assert (await api.client.put("/v1/partner/covers", json=body, headers=other.headers)).status_code == 404
    stranger = {**body, "phone": "+358 40 999 9999"}
    assert (await api.client.put("/v1/partner/covers", json=stranger, headers=fennia.headers)).status_code == 404
    renewal = {"phone": phone, "type": "renewed", "at": datetime.now(UTC).isoformat()}
    renewed = await api.client.post("/v1/partner/covers/events", json=renewal, headers=fennia.headers)
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["cover"]["renews_on"] == "2028-01-01"
    assert (await api.client.post("/v1/partner/covers/events", json=renewal, headers=other.headers)).status_code == 404
    assert (await api.client.post("/v1/partner/covers/events", json=renewal, headers=fennia.headers)).status_code == 200

    operator = await api.operator()  # an operator's cover of the member is not the partner's to change
    own = {"plan": "gold", "starts_on": "2026-01-01", "renews_on": "2027-01-01"}
    path = f"/v1/ops/drivers/{set_.json()['driver_id']}/cover"
    assert (await api.client.put(path, json=own, headers=operator.headers)).status_code == 200
    assert (await api.client.put("/v1/partner/covers", json=body, headers=fennia.headers)).status_code == 409
