"""The technician's scorecard and trust score, as operators and the technician see them."""

import pytest

from feedback.trust import FLEET_PRIOR
from tests.conftest import Api


async def test_scorecard_adds_up_the_technicians_record(api: Api) -> None:
    driver, technician = await api.driver(), await api.technician(name="Anna")
    order = await api.order(driver)
    offer = await api.offer(order["id"], technician)
    await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    await api.finish(order["id"], technician, resolution="fixed_on_site")
    assert (await api.rate(order["id"], driver, csat=5, nps=10)).status_code == 201
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
    parts = {p["signal"]: p for p in card["trust"]["parts"]}
    assert parts["rating"]["observed"] == 1.0
    assert parts["first_fix"]["observed"] == 1.0
    assert parts["responsive"]["events"] == 2  # one accepted, one declined
    assert parts["responsive"]["observed"] == pytest.approx(0.5, abs=1e-6)  # decayed by seconds
    assert [c["cause"] for c in card["trust"]["history"]][:2] == ["offer_declined", "rating"]
    assert FLEET_PRIOR < card["trust"]["score"] < FLEET_PRIOR + 0.03  # one good job moves the prior only a little
    # The same score everywhere (up to the decay of the seconds between two requests).
    score = pytest.approx(card["trust"]["score"], abs=1e-6)
    assert card["trust_score"] == score
    me = (await api.client.get("/v1/technicians/me", headers=technician.headers)).json()
    assert me["trust_score"] == score
    fleet = (await api.client.get("/v1/ops/technicians", headers=operator.headers)).json()["items"]
    assert [t["trust_score"] for t in fleet] == [score]
    missing = "/v1/ops/technicians/00000000-0000-4000-8000-000000000000"
    assert (await api.client.get(missing, headers=operator.headers)).status_code == 404
