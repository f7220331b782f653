"""Every illegal transition is a 409 that changes nothing; cancel works exactly where the lifecycle allows it."""

import asyncio
from typing import Any

import pytest

from app.errors import Conflict
from app.orders.models import OrderStatus
from app.orders.state_machine import TRANSITIONS, can_transition, ensure_transition
from tests.conftest import Actor, Api

TECHNICIAN_STATUSES = ["en_route", "arrived", "in_progress", "completed", "failed"]
# The path that reaches each status from a fresh order, with the actor that takes each step.
PATH_TO: dict[str, list[str]] = {
    "searching": [],
    "assigned": ["assign"],
    "en_route": ["assign", "en_route"],
    "arrived": ["assign", "en_route", "arrived"],
    "in_progress": ["assign", "en_route", "arrived", "in_progress"],
    "completed": ["assign", "en_route", "arrived", "in_progress", "completed"],
    "failed": ["assign", "en_route", "arrived", "failed"],
    "cancelled": ["cancel"],
}


async def order_in(api: Api, status: str) -> tuple[dict[str, Any], Actor, Actor]:
    driver = await api.driver()
    technician = await api.technician()
    order = await api.order(driver)
    for step in PATH_TO[status]:
        if step == "assign":
            response = await api.assign(order["id"], technician)
        elif step == "cancel":
            response = await api.client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=driver.headers)
        else:
            response = await api.status(order["id"], technician, step)
        assert response.status_code == 200, response.text
    return order, driver, technician


def test_the_state_machine_refuses_illegal_transitions_with_a_conflict() -> None:
    S = OrderStatus
    assert can_transition(S.SEARCHING, S.ASSIGNED)
    assert can_transition(S.EN_ROUTE, S.ASSIGNED)  # an operator hands the job to someone else
    assert not can_transition(S.ARRIVED, S.ASSIGNED)  # not once he is at the car
    assert not can_transition(S.IN_PROGRESS, S.CANCELLED)
    with pytest.raises(Conflict, match=r"^The order is completed and closed: it can no longer be marked en route\.$"):
        ensure_transition(S.COMPLETED, S.EN_ROUTE)
    with pytest.raises(Conflict, match=r"^The order is already cancelled\.$"):  # a second click on "cancel"
        ensure_transition(S.CANCELLED, S.CANCELLED)
    with pytest.raises(Conflict, match=r"^The order is in progress: it cannot be cancelled now\.$"):
        ensure_transition(S.IN_PROGRESS, S.CANCELLED)


def test_status_sets_match_the_state_machine() -> None:
    S = OrderStatus
    assert {s for s in S if TRANSITIONS[s]} == S.open()  # an order is open exactly while it can still change
    assert S.ended() == {S.COMPLETED, S.FAILED, S.CANCELLED, S.UNFULFILLED}
    assert S.active_job() == S.open() - {S.SEARCHING}
    assert S.on_the_way() < S.active_job()
    assert S.finished() < S.ended()
    assert S.sql_in(S.active_job()) == "status IN ('arrived', 'assigned', 'en_route', 'in_progress')"


ILLEGAL = [
    (start, target)
    for start in PATH_TO
    for target in TECHNICIAN_STATUSES
    if OrderStatus(target) not in TRANSITIONS[OrderStatus(start)] and start != "searching"
]


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
async def test_illegal_technician_transition_is_409_and_changes_nothing(api: Api, start: str, target: str) -> None:
    order, driver, technician = await order_in(api, start)
    before = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    response = await api.status(order["id"], technician, target, near=False)
    if start == "cancelled":
        # A cancelled order is no longer the technician's job: it was never assigned to him.
        assert response.status_code == 404
    else:
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 409
    after = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    assert unchanging(after) == unchanging(before)


def unchanging(order: dict[str, Any]) -> dict[str, Any]:
    """The order without the seconds left to the ETA, which tick on their own."""
    eta = order["eta"] and {k: v for k, v in order["eta"].items() if k != "seconds"}
    return {**order, "eta": eta}


async def test_technician_cannot_report_on_a_searching_order(api: Api) -> None:
    order, _, technician = await order_in(api, "searching")
    assert (await api.status(order["id"], technician, "en_route")).status_code == 404


@pytest.mark.parametrize(
    ("start", "allowed"),
    [
        ("searching", True),
        ("assigned", True),
        ("en_route", True),
        ("arrived", True),
        ("in_progress", False),
        ("completed", False),
        ("failed", False),
        ("cancelled", False),
    ],
)
async def test_cancel_at_each_state(api: Api, start: str, allowed: bool) -> None:
    order, driver, technician = await order_in(api, start)
    response = await api.client.post(
        f"/v1/orders/{order['id']}/cancel", json={"reason": "found help"}, headers=driver.headers
    )
    if allowed:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "cancelled"
        assert (body["cancel_cause"], body["cancel_reason"]) == ("driver_asked", "found help")
        assert body["timeline"][-1]["status"] == "cancelled"
        # The technician is free again: he can take a new job.
        other = await api.order(await api.driver())
        assert (await api.assign(other["id"], technician)).status_code == 200
    else:
        assert response.status_code == 409
        assert (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()["status"] == start


async def test_resolution_must_fit_the_outcome(api: Api) -> None:
    order, _, technician = await order_in(api, "in_progress")
    wrong = await api.status(order["id"], technician, "completed", resolution="not_fixed")
    assert wrong.status_code == 422
    failed = await api.status(order["id"], technician, "failed")
    assert failed.json()["resolution"] == "not_fixed"


async def test_operator_reassigns_until_arrival(api: Api) -> None:
    order, order_driver, first = await order_in(api, "en_route")
    second = await api.technician(name="Second")
    response = await api.assign(order["id"], second)
    assert response.status_code == 200
    assert response.json()["technician"]["id"] == str(second.id)
    # The first technician lost the job: he can no longer report on it.
    assert (await api.status(order["id"], first, "arrived")).status_code == 404
    assert (await api.status(order["id"], second, "en_route")).status_code == 200
    assert (await api.status(order["id"], second, "arrived")).status_code == 200
    third = await api.technician(name="Third")
    assert (await api.assign(order["id"], third)).status_code == 409
    # The operators' timeline says who made each change, and an assignment to whom and from whom.
    operator = await api.operator()
    read = (await api.client.get(f"/v1/ops/orders/{order['id']}", headers=operator.headers)).json()
    changes = [(c["status"], c["by_role"], c["technician"], c["previous_technician"]) for c in read["changes"]]
    assert changes[-4:] == [
        ("en_route", "technician", None, None),
        ("assigned", "operator", "Second", "Tech"),
        ("en_route", "technician", None, None),
        ("arrived", "technician", None, None),
    ]
    assert [c["status"] for c in read["changes"]] == [t["status"] for t in read["timeline"]]
    assert read["changes"][-1]["by"] == "Second"
    # The driver's own view names nobody behind the changes.
    assert "changes" not in (await api.client.get(f"/v1/orders/{order['id']}", headers=order_driver.headers)).json()


async def test_a_driver_has_one_open_order(api: Api) -> None:
    driver = await api.driver()
    first = await api.order(driver)
    second = await api.client.post(
        "/v1/orders", json={"service": "tow", "location": {"lat": 60.17, "lon": 24.94}}, headers=driver.headers
    )
    assert second.status_code == 409
    refusal = second.json()
    assert refusal["type"].endswith("/open-order")
    assert refusal["open_order_id"] == first["id"]  # the app can take him back to the order he already has
    assert "(still looking for a technician)" in refusal["detail"]  # in words, not the status's code
    listed = (await api.client.get("/v1/orders", headers=driver.headers)).json()
    assert len(listed["items"]) == 1


async def test_orders_asked_for_at_once_open_one_and_the_rest_are_told_so(api: Api) -> None:
    driver = await api.driver()
    body = {"service": "tow", "location": {"lat": 60.17, "lon": 24.94}}
    answers = await asyncio.gather(
        *(api.client.post("/v1/orders", json=body, headers=driver.headers) for _ in range(8))
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    # Refused before the write or by the database's unique index in a race, the app is told the same kind of thing.
    assert {a.json()["type"].rsplit("/", 1)[1] for a in answers if a.status_code == 409} == {"open-order"}
    listed = (await api.client.get("/v1/orders", headers=driver.headers)).json()
    assert len(listed["items"]) == 1


async def test_a_technician_holds_one_active_job(api: Api) -> None:
    technician = await api.technician()
    first = await api.order(await api.driver())
    second = await api.order(await api.driver())
    assert (await api.assign(first["id"], technician)).status_code == 200
    busy = await api.assign(second["id"], technician)
    assert busy.status_code == 409
    assert "active job" in busy.json()["detail"]


async def test_skills_are_respected_on_assignment(api: Api) -> None:
    technician = await api.technician(skills=["lockout"])
    order = await api.order(await api.driver(), service="tow")
    assert (await api.assign(order["id"], technician)).status_code == 409


async def test_a_cancellation_with_a_cause_nobody_can_word_is_refused_and_changes_nothing(api: Api) -> None:
    driver = await api.driver()
    order = await api.order(driver)
    operator = await api.operator()
    response = await api.client.post(
        f"/v1/orders/{order['id']}/cancel", json={"cause": "bored", "reason": "x"}, headers=operator.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()["status"] == "searching"
    cancelled = await api.client.post(
        f"/v1/orders/{order['id']}/cancel", json={"cause": "duplicate"}, headers=operator.headers
    )
    assert (cancelled.json()["cancel_cause"], cancelled.json()["cancel_reason"]) == ("duplicate", None)


async def test_a_driver_calling_his_own_request_off_cannot_give_it_an_operators_cause(api: Api) -> None:
    driver = await api.driver()
    order = await api.order(driver)
    response = await api.client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"cause": "unsafe", "reason": "changed my mind"},
        headers=driver.headers,
    )
    assert (response.json()["cancel_cause"], response.json()["cancel_reason"]) == ("driver_asked", "changed my mind")
