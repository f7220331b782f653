"""The technician's scorecard and trust score, as operators and the technician see them."""

import pytest

from feedback.trust import FLEET_PRIOR
from tests.conftest import Api


async def test_scorecard_adds_up_the_technicians_record(api: Api) -> None:
    driver, technician = await api.driver(), await api.technician(name="Anna")
    order = await api.order(driver)
    offer = await api.offer(order["id"], technician)
    await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    for status in ("en_route", "arrived", "in_progress"):
        await api.status(order["id"], technician, status)
    await api.status(order["id"], technician, "completed", resolution="fixed_on_site")
    rating = {"csat": 5, "nps": 10}
    assert (
        await api.client.post(f"/v1/orders/{order['id']}/feedback", json=rating, headers=driver.headers)
    ).status_code == 201
    other = await api.order(await api.driver())
    declined = await api.offer(other["id"], technician)
    await api.client.post(f"/v1/offers/{declined['id']}/decline", headers=technician.headers)

    operator = await api.operator()
    card = (await api.client.get(f"/v1/ops/technicians/{technician.id}", headers=operator.headers)).json()
    assert card["name"] == "Anna"
    assert card["jobs"] == {"completed": 1, "failed": 0, "cancelled": 0}
    assert card["csat"] == 1.0
    assert card["nps"] == 100.0
    assert card["fcr"] == 1.0
    assert card["offers"]["accepted"] == 1
    assert card["offers"]["declined"] == 1
    assert card["trust"]["ratings"] == 1
    assert card["trust"]["rated_mean"] == 1.0
    assert FLEET_PRIOR < card["trust"]["score"] < 0.9  # one rating moves the prior only a little
    # The same score everywhere (up to the decay of the seconds between two requests).
    score = pytest.approx(card["trust"]["score"], abs=1e-6)
    assert card["trust_score"] == score
    me = (await api.client.get("/v1/technicians/me", headers=technician.headers)).json()
    assert me["trust_score"] == score
    fleet = (await api.client.get("/v1/ops/technicians", headers=operator.headers)).json()
    assert [t["trust_score"] for t in fleet] == [score]
    missing = "/v1/ops/technicians/00000000-0000-4000-8000-000000000000"
    assert (await api.client.get(missing, headers=operator.headers)).status_code == 404
