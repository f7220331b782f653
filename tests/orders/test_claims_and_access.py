"""What a technician may claim and read: an arrival needs his phone near the driver (or an operator's word),
and the driver's order stops being his business an hour after the job."""

from datetime import UTC, datetime, timedelta

from app import clock
from app.db import transaction
from app.geo import Point
from app.technicians.repository import set_last_position
from tests.conftest import Api


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


async def test_an_arrival_without_a_position_needs_the_operators_word(api: Api) -> None:
    driver, technician = await api.driver(), await api.technician(at=None)
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    refused = await api.status(order["id"], technician, "arrived", near=False)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/no-fresh-position")  # the app can offer to turn location on
    assert "location" in refused.json()["detail"]
    operator = await api.operator()
    path = f"/v1/ops/orders/{order['id']}/status"
    assert (await api.client.post(path, json={"status": "arrived"}, headers=operator.headers)).status_code == 422
    blank = await api.client.post(path, json={"status": "arrived", "reason": "  \n "}, headers=operator.headers)
    assert blank.status_code == 422  # spaces say nothing
    assert blank.json()["errors"] == [{"loc": ["body", "reason"], "msg": "must say something: it is blank"}]
    assert (await api.client.get(f"/v1/ops/orders/{order['id']}", headers=operator.headers)).json()[
        "status"
    ] == "en_route"
    recorded = await api.client.post(
        path, json={"status": "arrived", "reason": "phone without GPS; the driver confirmed by phone"},
        headers=operator.headers,
    )  # fmt: skip
    assert recorded.status_code == 200
    assert recorded.json()["status"] == "arrived"
    # The operators' timeline says who recorded it and why.
    seen = (await api.client.get(f"/v1/ops/orders/{order['id']}", headers=operator.headers)).json()
    arrived = seen["changes"][-1]
    assert (arrived["status"], arrived["by_role"]) == ("arrived", "operator")
    assert arrived["reason"] == "phone without GPS; the driver confirmed by phone"
    assert seen["changes"][-2]["reason"] is None  # the technician's own step needed no word
    assert (
        await api.client.post(path, json={"status": "arrived", "reason": "x"}, headers=technician.headers)
    ).status_code == 403


async def test_a_technician_reads_the_job_for_an_hour_after_it_ends_then_404(api: Api) -> None:
    driver, technician = await api.driver(), await api.technician()
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    now = Clock()
    with clock.using(now):
        now.at += timedelta(minutes=59)
        assert (await api.client.get(f"/v1/orders/{order['id']}", headers=technician.headers)).status_code == 200
        now.at += timedelta(minutes=2)
        gone = await api.client.get(f"/v1/orders/{order['id']}", headers=technician.headers)
        assert gone.status_code == 404
        assert (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).status_code == 200


async def test_an_arrival_on_a_position_older_than_two_minutes_is_refused_as_stale(api: Api) -> None:
    driver, technician = await api.driver(), await api.technician()
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    now = Clock()
    async with transaction(api.sessions) as session:  # his phone reported him at the car, then went quiet
        await set_last_position(session, technician.id, Point(**order["location"]), now.at)
    with clock.using(now):
        now.at += timedelta(minutes=2, seconds=5)
        refused = await api.status(order["id"], technician, "arrived", near=False)
        assert refused.status_code == 409
        assert refused.json()["type"].endswith("/no-fresh-position")
        assert "too old" in refused.json()["detail"]
        now.at -= timedelta(seconds=10)  # the same position, 1 min 55 s old
        assert (await api.status(order["id"], technician, "arrived", near=False)).status_code == 200
