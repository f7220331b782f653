"""The follow-up queue worked by operators: who to call, taking a case, each contact attempt, the outcome,
and the first-contact time as a KPI."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Actor, Api


async def detractor_case(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    technician = await api.technician(name="Hugo Virtanen")
    person = {"role": "driver", "name": "Laura Mäkinen", "phone": "+358 40 555 0505"}
    token = (await api.client.post("/v1/dev/tokens", json=person)).json()
    driver = Actor(id=token["user_id"], token=token["token"])
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    rating = {"csat": 1, "nps": 3, "tags": ["late"], "comment": "An hour late"}
    assert (await api.rate(order["id"], driver, **rating)).status_code == 201
    operator = await api.operator()
    case = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"][0]
    return case, order


async def test_a_case_carries_who_to_call_and_what_they_said(api: Api) -> None:
    case, order = await detractor_case(api)
    assert (case["order_id"], case["driver_name"], case["driver_phone"]) == (
        order["id"], "Laura Mäkinen", "+358 40 555 0505"
    )  # fmt: skip
    assert (case["csat"], case["nps"], case["tags"], case["comment"]) == (1, 3, ["late"], "An hour late")
    assert (case["taken_by"], case["contacts"], case["first_contact_at"]) == (None, [], None)


async def test_taken_contacted_and_resolved_with_an_outcome(api: Api) -> None:
    case, _ = await detractor_case(api)
    operator = await api.operator()
    other = await api._token({"role": "operator", "name": "Sanna"})
    url = f"/v1/ops/followups/{case['id']}"
    taken = await api.client.post(f"{url}/take", headers=other.headers)
    assert taken.status_code == 200
    assert (taken.json()["taken_by"], taken.json()["taken_by_name"]) == (str(other.id), "Sanna")
    refused = await api.client.post(f"{url}/take", headers=operator.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"

    for outcome in ("no_answer", "callback_requested", "reached"):
        response = await api.client.post(f"{url}/contacts", json={"outcome": outcome}, headers=other.headers)
        assert response.status_code == 201, response.text
    assert (
        await api.client.post(f"{url}/contacts", json={"outcome": "maybe"}, headers=other.headers)
    ).status_code == 422
    body = response.json()
    assert [c["outcome"] for c in body["contacts"]] == ["no_answer", "callback_requested", "reached"]
    assert body["first_contact_at"] == body["contacts"][0]["at"]

    resolved = await api.client.post(
        f"{url}/resolve", json={"note": "Refunded the call-out fee", "outcome": "refunded"}, headers=other.headers
    )
    assert resolved.status_code == 200
    assert (resolved.json()["status"], resolved.json()["outcome"]) == ("resolved", "refunded")
    assert (
        await api.client.post(f"{url}/contacts", json={"outcome": "reached"}, headers=other.headers)
    ).status_code == 409

    now = datetime.now(UTC)
    since, until = (now - timedelta(hours=1)).isoformat(), (now + timedelta(minutes=1)).isoformat()
    kpis = (await api.client.get("/v1/ops/kpis", params={"from": since, "to": until}, headers=operator.headers)).json()
    assert kpis["samples"]["first_contact_s"] == 1
    assert kpis["first_contact_s"]["p50"] is not None
    assert kpis["first_contact_s"]["p50"] >= 0
    assert kpis["samples"]["nps"] == 1


async def test_follow_up_actions_are_for_operators(api: Api) -> None:
    case, _ = await detractor_case(api)
    driver = await api.driver()
    for path, body in (("take", None), ("contacts", {"outcome": "reached"})):
        response = await api.client.post(f"/v1/ops/followups/{case['id']}/{path}", json=body, headers=driver.headers)
        assert response.status_code == 403
