"""The tracking link through the API: what it shows and when, who it opens nothing for, its rating."""

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from app import clock
from app.avatars import shown_photo
from app.config import Settings
from app.tracking.links import TrackingLinks
from tests.conftest import Actor, Api


def token_of(order: dict[str, Any]) -> str:
    url: str = order["tracking_url"]
    return url.rsplit("/t/", 1)[1].split("?")[0]


async def track(client: httpx.AsyncClient, order: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/v1/track/{token_of(order)}")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


async def finished_job(api: Api, outcome: str = "completed") -> tuple[Actor, Actor, dict[str, Any]]:
    technician, driver = await api.technician(), await api.driver()
    order = await api.order(driver)
    assert (await api.assign(order["id"], technician)).status_code == 200
    await api.finish(order["id"], technician, outcome)
    return driver, technician, order


async def test_the_link_shows_the_job_and_the_technician_only_while_he_drives(api: Api, settings: Settings) -> None:
    technician = await api.technician(name="Greta Lind", phone="+358 40 123 4567")
    driver = await api.driver()
    order = await api.order(driver)
    assert order["tracking_url"].startswith(f"{settings.public_url}/t/")

    searching = await track(api.client, order)
    assert (searching["status"], searching["technician"], searching["position"]) == ("searching", None, None)
    assert (searching["feedback_open"], searching["search"]) == (False, None)
    assert searching["time_zone"] == "Europe/Helsinki"  # the car's clock, not the deployment's (Europe/Vaduz)

    assert (await api.assign(order["id"], technician)).status_code == 200
    assigned = await track(api.client, order)
    assert assigned["technician"] == {
        "name": "Greta", "photo_url": "/avatars/greta.svg",
        "vehicle": {"make": None, "model": None, "color": None, "plate": "ABC-1"},
    }  # fmt: skip
    # The driver's app shows the same face as his link: the portrait, where the technician has no photo.
    seen_by_driver = (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()
    assert seen_by_driver["technician"]["photo_url"] == "/avatars/greta.svg"
    assert assigned["position"] is not None
    assert assigned["eta"] is not None
    shown = str(assigned)
    for secret in (str(driver.id), str(technician.id), order["id"], "Mikonkatu", "+358", "123 4567"):
        assert secret not in shown

    assert (await api.status(order["id"], technician, "en_route")).status_code == 200
    assert (await track(api.client, order))["position"] is not None
    assert (await api.status(order["id"], technician, "arrived")).status_code == 200
    arrived = await track(api.client, order)
    assert (arrived["position"], arrived["eta"], arrived["route"]) == (None, None, None)
    assert (await api.status(order["id"], technician, "in_progress")).status_code == 200
    assert (await api.status(order["id"], technician, "completed", resolution="towed")).status_code == 200
    done = await track(api.client, order)
    assert (done["status"], done["resolution"], done["position"]) == ("completed", "towed", None)
    assert (done["feedback_open"], done["rated"]) == (True, False)
    assert done["expires_at"] is not None


async def test_a_forged_or_foreign_token_opens_nothing(api: Api) -> None:
    order = await api.order(await api.driver())
    token = token_of(order)
    encoded_id, mac = token.split(".")
    other = TrackingLinks(secret=b"someone else's secret", public_url="http://x").token(UUID(order["id"]))
    altered = f"{encoded_id}.{'B' if mac[0] == 'A' else 'A'}{mac[1:]}"
    for forged in (altered, other, encoded_id, "x", f"{token}x"):
        response = await api.client.get(f"/v1/track/{forged}")
        assert response.status_code == 404, forged
        assert response.headers["content-type"] == "application/problem+json"
        assert (await api.client.get(f"/v1/track/{forged}/map")).status_code == 404
        assert (await api.client.post(f"/v1/track/{forged}/feedback", json={"csat": 5})).status_code == 404
    page = await api.client.get(f"/t/{altered}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "This link does not work" in page.text
    assert page.headers["vary"] == "Accept-Language"
    # In every language we speak, the reader's first.
    russian = await api.client.get(f"/t/{altered}", headers={"Accept-Language": "ru-RU,en;q=0.5"})
    assert russian.status_code == 404
    assert '<html lang="ru">' in russian.text
    headings = re.findall(r"<h1>(.*?)</h1>", russian.text)
    assert headings == ["Эта ссылка не работает", "This link does not work", "Dieser Link funktioniert nicht"]
    assert "<title>Эта ссылка не работает · " in russian.text
    assert (await api.client.get(f"/t/{token}")).status_code == 200


async def test_the_link_stops_working_a_day_after_the_job(api: Api) -> None:
    _, _, order = await finished_job(api, "failed")
    ended_at = datetime.fromisoformat((await track(api.client, order))["expires_at"]) - timedelta(hours=24)
    with clock.using(lambda: ended_at + timedelta(hours=23, minutes=59)):
        assert (await api.client.get(f"/v1/track/{token_of(order)}")).status_code == 200
    with clock.using(lambda: ended_at + timedelta(hours=24)):
        expired = await api.client.get(f"/v1/track/{token_of(order)}")
        assert expired.status_code == 404
        assert expired.headers["content-type"] == "application/problem+json"
        assert (await api.client.get(f"/t/{token_of(order)}")).status_code == 404
        assert (await api.client.post(f"/v1/track/{token_of(order)}/feedback", json={"csat": 4})).status_code == 404


async def test_a_running_job_never_expires(api: Api) -> None:
    order = await api.order(await api.driver())
    later = clock.now() + timedelta(days=3)
    with clock.using(lambda: later):
        assert (await api.client.get(f"/v1/track/{token_of(order)}")).status_code == 200


async def test_feedback_through_the_link_is_the_drivers_once(api: Api) -> None:
    technician, driver = await api.technician(), await api.driver()
    order = await api.order(driver)
    feedback = f"/v1/track/{token_of(order)}/feedback"
    assert (await api.client.post(feedback, json={"csat": 5})).status_code == 409  # searching
    assert (await api.assign(order["id"], technician)).status_code == 200
    early = await api.client.post(feedback, json={"csat": 5})
    assert early.status_code == 409
    assert early.headers["content-type"] == "application/problem+json"
    await api.finish(order["id"], technician)

    assert (await api.client.post(feedback, json={"csat": 6})).status_code == 422
    given = await api.client.post(feedback, json={"csat": 2, "nps": 3, "ces": 6, "comment": "Slow but kind"})
    assert given.status_code == 201, given.text
    assert (given.json()["csat"], given.json()["comment"]) == (2, "Slow but kind")
    assert given.json()["call_back_by"] is not None  # a detractor is told that, and by when, someone calls
    assert (await api.client.post(feedback, json={"csat": 5})).status_code == 409
    assert (await api.rate(order["id"], driver, csat=5)).status_code == 409  # the app shares the once
    after = await track(api.client, order)
    assert (after["feedback_open"], after["rated"]) == (False, True)
    assert after["call_back_by"] == given.json()["call_back_by"]  # said again each time the link is opened

    operator = await api.operator()
    kpis = (await api.client.get("/v1/ops/kpis", headers=operator.headers)).json()
    assert kpis["csat"] == 0.0  # a CSAT of 2 is not satisfied
    cases = (await api.client.get("/v1/ops/followups?status=open", headers=operator.headers)).json()["items"]
    assert [c["order_id"] for c in cases] == [order["id"]]  # a detractor is called back, as from the app


async def test_a_rating_in_the_app_closes_the_links_form(api: Api) -> None:
    driver, _, order = await finished_job(api)
    assert (await api.rate(order["id"], driver, csat=5)).status_code == 201
    assert (await track(api.client, order))["feedback_open"] is False
    again = await api.client.post(f"/v1/track/{token_of(order)}/feedback", json={"csat": 1})
    assert again.status_code == 409
    assert again.json()["detail"] == "Feedback was already given for this order."


async def test_the_technician_never_gets_the_link(api: Api) -> None:
    """The link is the driver's to share; a technician holding it could rate his own job or follow the one
    who took it over."""
    technician, driver = await api.technician(), await api.driver()
    order = await api.order(driver)
    assert order["tracking_url"]
    assigned = await api.assign(order["id"], technician)
    assert assigned.status_code == 200
    seen = await api.client.get(f"/v1/orders/{order['id']}", headers=technician.headers)
    assert seen.json()["tracking_url"] is None
    stepped = await api.status(order["id"], technician, "en_route")
    assert stepped.json()["tracking_url"] is None
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)).json()["tracking_url"]


async def test_the_links_rating_names_no_technician(api: Api) -> None:
    _, _, order = await finished_job(api)
    rated = await api.client.post(f"/v1/track/{token_of(order)}/feedback", json={"csat": 5})
    assert rated.status_code == 201
    assert "technician_id" not in rated.json()


def test_a_photo_elsewhere_is_the_apps_to_load_but_the_link_shows_the_portrait() -> None:
    elsewhere = "https://photos.example/greta.jpg"
    assert shown_photo(elsewhere, "Greta L.") == elsewhere
    assert shown_photo(elsewhere, "Greta L.", ours_only=True) == "/avatars/greta-l.svg"
    assert shown_photo("//photos.example/greta.jpg", "Greta L.", ours_only=True) == "/avatars/greta-l.svg"
    assert shown_photo("/photos/greta.jpg", "Greta L.", ours_only=True) == "/photos/greta.jpg"
    # A portrait stored under her full name is drawn again from the name shown: the link must not spell "Lind".
    assert shown_photo("/avatars/greta-lind.svg", "Greta L.", ours_only=True) == "/avatars/greta-l.svg"
    assert shown_photo("/avatars/greta-lind.svg", "Greta L.") == "/avatars/greta-l.svg"
    assert shown_photo(None, "Greta L.") == "/avatars/greta-l.svg"
