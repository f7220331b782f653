from datetime import datetime

from app.routing.osrm import OsrmClient
from tests.conftest import MIKONKATU, Api


async def test_driver_orders_and_technician_walks_the_job_to_completion(api: Api, osrm: OsrmClient) -> None:
    driver = await api.driver()
    technician = await api.technician(name="Anna")
    order = await api.order(driver, at=MIKONKATU)
    assert order["status"] == "searching"
    assert order["location"] == {"lat": MIKONKATU.lat, "lon": MIKONKATU.lon}
    assert [entry["status"] for entry in order["timeline"]] == ["searching"]
    assert order["technician"] is None
    assert order["eta"] is None

    offer = await api.offer(order["id"], technician)
    offers = (await api.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()["items"]
    assert [o["id"] for o in offers] == [offer["id"]]
    # The offer carries a real road travel time: Kaivokatu to Mikonkatu is a few hundred metres of city driving.
    assert 30 < offer["eta_seconds"] < 600
    assert 400 < offer["distance_m"] < 3000

    accepted = await api.client.post(f"/v1/offers/{offer['id']}/accept", headers=technician.headers)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "assigned"
    assert body["technician"]["name"] == "Anna"
    assert body["eta"]["confidence"] == "high"
    promised = datetime.fromisoformat(body["eta"]["promised_at"])
    assert promised == datetime.fromisoformat(body["eta"]["arrival_at"])

    for status in ("en_route", "arrived", "in_progress"):
        response = await api.status(order["id"], technician, status)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    done = await api.status(order["id"], technician, "completed", resolution="fixed_on_site")
    assert done.status_code == 200
    final = done.json()
    assert final["status"] == "completed"
    assert final["resolution"] == "fixed_on_site"
    assert [e["status"] for e in final["timeline"]] == [
        "searching",
        "assigned",
        "en_route",
        "arrived",
        "in_progress",
        "completed",
    ]
    # The driver reads the same order, and the pending offer list is empty now.
    seen = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    assert seen["timeline"] == final["timeline"]
    assert (await api.client.get("/v1/technicians/me/offers", headers=technician.headers)).json()["items"] == []
