"""Partners, their keys and their members' orders, through the API as an integration engineer meets them."""

import csv
import io
from uuid import uuid4

from app.geo import Point
from app.routing.osrm import OsrmClient
from tests.conftest import MIKONKATU, Api
from tests.partners.helpers import make_partner, member_order


async def test_a_partner_is_created_with_a_key_and_secret_shown_once(api: Api) -> None:
    operator = await api.operator()
    created = await api.client.post(
        "/v1/ops/partners",
        json={"name": "Fennia", "kind": "insurer", "services": ["tow"], "regions": ["helsinki"],
              "sla_targets": {"default": {"arrival_within": 2700}}, "webhook_url": "https://hooks.example/fennia"},
        headers=operator.headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["api_key"].startswith("tlp_")
    assert len(body["api_key"]) >= 40
    assert body["webhook_secret"].startswith("whsec_")
    assert body["webhook_url"] == "https://hooks.example/fennia"
    assert [k["prefix"] for k in body["keys"]] == [body["api_key"][:12]]

    read = await api.client.get(f"/v1/ops/partners/{body['id']}", headers=operator.headers)
    assert read.status_code == 200
    assert "api_key" not in read.json()
    assert "webhook_secret" not in read.json()
    assert body["api_key"] not in read.text

    listed = await api.client.get("/v1/ops/partners", headers=operator.headers)
    assert [p["id"] for p in listed.json()["items"]] == [body["id"]]


async def test_bad_partner_input_is_refused_and_stores_nothing(api: Api) -> None:
    operator = await api.operator()
    for bad in (
        {"name": "X", "kind": "bank"},
        {"name": "X", "kind": "fleet", "webhook_url": "ftp://hooks.example/x"},
        {"name": "X", "kind": "fleet", "services": ["teleport"]},
        {"name": "X\u0000", "kind": "fleet"},
        {"name": "X", "kind": "fleet", "sla_targets": {"default": {"arrive_soon": 600}}},
        {"name": "X", "kind": "fleet", "sla_targets": {"towing": {"arrival_within": 600}}},
        {"name": "X", "kind": "fleet", "sla_targets": {"default": {"arrival_tolerance": 600}}},  # the house's rule
        {"name": "X", "kind": "fleet", "sla_targets": {"default": {"arrival_within": -5}}},
    ):
        refused = await api.client.post("/v1/ops/partners", json=bad, headers=operator.headers)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"] == "application/problem+json"
    misspelt = await api.client.post(
        "/v1/ops/partners", json={"name": "X", "kind": "fleet", "regions": ["helsinki", "helsingi"]},
        headers=operator.headers,
    )  # fmt: skip
    assert misspelt.status_code == 422
    assert misspelt.json()["detail"] == "No region is served under the name 'helsingi' (served: helsinki)."
    assert (await api.client.get("/v1/ops/partners", headers=operator.headers)).json()["items"] == []


async def test_a_partner_orders_for_a_member_and_only_it_sees_the_order(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    other = await make_partner(api, "Other Insurance")
    placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=fennia.headers)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["partner_reference"] == "CLM-1"
    assert order["status"] == "searching"

    own = await api.client.get(f"/v1/partner/orders/{order['id']}", headers=fennia.headers)
    assert own.status_code == 200
    assert (await api.client.get("/v1/partner/orders", headers=fennia.headers)).json()["items"][0]["id"] == order["id"]

    stranger = await api.driver()
    for path in (f"/v1/partner/orders/{order['id']}", f"/v1/partner/orders/{uuid4()}"):
        assert (await api.client.get(path, headers=other.headers)).status_code == 404
    assert (
        await api.client.post(f"/v1/partner/orders/{order['id']}/cancel", json={}, headers=other.headers)
    ).status_code == 404
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=other.headers)).status_code == 404
    assert (await api.client.get(f"/v1/orders/{order['id']}", headers=stranger.headers)).status_code == 404
    assert (await api.client.get("/v1/partner/orders", headers=other.headers)).json()["items"] == []
    # A partner's key is not a driver's token, nor the other way round.
    assert (await api.client.get("/v1/partner/orders", headers=stranger.headers)).status_code == 403
    assert (await api.client.get("/v1/orders", headers=fennia.headers)).status_code == 403

    cancelled = await api.client.post(
        f"/v1/partner/orders/{order['id']}/cancel", json={"reason": "member got going"}, headers=fennia.headers
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


async def test_a_member_phone_nobody_can_call_is_refused_and_no_technician_is_sent(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    # Seen in the demo: "---" was taken, a technician drove to the member and the console offered to call "tel:---".
    # The last is read in one pass: a shape that let its digits split every way took hours on it.
    for phone in ("---", "040 123 4567", "+358 40 1", "+358 40 123 4567 8901 2345", "+72.3/)948764( 84/)13/67",
                  "+" + "1" * 38 + "x"):  # fmt: skip
        refused = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, phone=phone),
                                        headers=fennia.headers)  # fmt: skip
        assert refused.status_code == 422, phone
        assert refused.headers["content-type"] == "application/problem+json"
        assert [e["loc"] for e in refused.json()["errors"]] == [["body", "member", "phone"]], refused.text
        said = refused.json()["errors"][0]["msg"]
        assert said.startswith(("must be a phone number", "is not a phone number")), said  # no "Value error, "
    assert (await api.client.get("/v1/partner/orders", headers=fennia.headers)).json()["items"] == []
    for phone in ("+358 40 123 4567", "+423 700 11 22", "+1 (212) 555-0100"):
        placed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, phone=phone),
                                       headers=fennia.headers)  # fmt: skip
        assert placed.status_code == 201, placed.text
        cancel = f"/v1/partner/orders/{placed.json()['id']}/cancel"
        assert (await api.client.post(cancel, json={}, headers=fennia.headers)).status_code == 200


async def test_the_tracking_link_opens_in_the_language_the_partner_gave(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    russian = member_order(MIKONKATU, locale="ru")
    placed = await api.client.post("/v1/partner/orders", json=russian, headers=fennia.headers)
    assert placed.status_code == 201, placed.text
    url = placed.json()["tracking_url"]
    assert url.endswith("?lang=ru")
    again = (await api.client.get(f"/v1/partner/orders/{placed.json()['id']}", headers=fennia.headers)).json()
    assert again["tracking_url"] == url
    assert (placed.json()["locale"], again["locale"]) == ("ru", "ru")  # the language it was given, said back
    page = await api.client.get("/t/" + url.rsplit("/t/", 1)[1])
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]

    unsaid = member_order(MIKONKATU, phone="+358 40 765 4321", reference="CLM-2")
    plain = (await api.client.post("/v1/partner/orders", json=unsaid, headers=fennia.headers)).json()
    assert "?" not in plain["tracking_url"]
    assert plain["locale"] is None
    wrong = member_order(MIKONKATU, phone="+358 40 111 2222", reference="CLM-3", locale="fi")
    refused = await api.client.post("/v1/partner/orders", json=wrong, headers=fennia.headers)
    assert refused.status_code == 422
    assert all(f"'{lang}'" in refused.text for lang in ("en", "ru", "de")), refused.text  # what it may be


async def test_the_same_member_is_one_driver_with_one_open_order(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    first = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=fennia.headers)
    assert first.status_code == 201
    again = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, reference="CLM-2"),
                                  headers=fennia.headers)  # fmt: skip
    assert again.status_code == 409
    refusal = again.json()
    assert refusal["type"].endswith("/open-order")
    assert (refusal["open_order_id"], refusal["partner_reference"]) == (first.json()["id"], "CLM-1")
    assert "You " not in refusal["detail"]  # said to the partner's system, not to a driver
    # The same number written another way is the same member.
    for spelling in ("+358401234567", "+358-40-123-4567", "+358 (40) 123 4567"):
        written = await api.client.post(
            "/v1/partner/orders",
            json=member_order(MIKONKATU, phone=spelling, reference="CLM-3"),
            headers=fennia.headers,
        )
        assert written.status_code == 409, (spelling, written.text)
        assert written.json()["open_order_id"] == first.json()["id"]
    # The same phone at another partner is that partner's member, with an order of his own.
    other = await make_partner(api, "Other Insurance")
    elsewhere = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=other.headers)
    assert elsewhere.status_code == 201
    another_member = await api.client.post(
        "/v1/partner/orders", json=member_order(MIKONKATU, phone="+358 40 765 4321"), headers=fennia.headers
    )
    assert another_member.status_code == 201


async def test_idempotency_key_gives_the_same_order_back(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    headers = {**fennia.headers, "Idempotency-Key": "claim-77"}
    first = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=headers)
    second = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    changed = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU, reference="X"), headers=headers)
    assert changed.status_code == 422
    assert len((await api.client.get("/v1/partner/orders", headers=fennia.headers)).json()["items"]) == 1


async def test_keys_rotate_and_a_revoked_key_is_refused_at_once(api: Api) -> None:
    fennia = await make_partner(api)
    operator = await api.operator()
    issued = await api.client.post(f"/v1/ops/partners/{fennia.id}/keys", headers=operator.headers)
    assert issued.status_code == 201
    second = {"Authorization": f"Bearer {issued.json()['api_key']}"}
    assert (await api.client.get("/v1/partner/orders", headers=fennia.headers)).status_code == 200
    assert (await api.client.get("/v1/partner/orders", headers=second)).status_code == 200

    keys = (await api.client.get(f"/v1/ops/partners/{fennia.id}", headers=operator.headers)).json()["keys"]
    first_key = next(k for k in keys if fennia.api_key.startswith(k["prefix"]))
    revoked = await api.client.delete(f"/v1/ops/partners/{fennia.id}/keys/{first_key['id']}", headers=operator.headers)
    assert revoked.status_code == 204
    refused = await api.client.get("/v1/partner/orders", headers=fennia.headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await api.client.get("/v1/partner/orders", headers=second)).status_code == 200
    forged = {"Authorization": "Bearer tlp_" + "x" * 43}
    assert (await api.client.get("/v1/partner/orders", headers=forged)).status_code == 401
    other = await make_partner(api, "Other")
    assert (
        await api.client.delete(f"/v1/ops/partners/{other.id}/keys/{first_key['id']}", headers=operator.headers)
    ).status_code == 404


async def test_the_contract_bounds_services_and_regions(api: Api, osrm: OsrmClient, liechtenstein: None) -> None:
    tows_only = await make_partner(api, "Tow Club", services=["tow"])
    refused = await api.client.post(
        "/v1/partner/orders", json={**member_order(MIKONKATU), "service": "lockout"}, headers=tows_only.headers
    )
    assert refused.status_code == 422
    assert "lockout" in refused.json()["detail"]
    elsewhere = await make_partner(api, "Vaduz Motors", regions=["liechtenstein"])
    outside = await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=elsewhere.headers)
    assert outside.status_code == 422
    assert outside.json()["type"].endswith("/outside-service-area")
    assert "Helsinki, outside the regions your contract covers (Liechtenstein)" in outside.json()["detail"]
    assert (await api.client.get("/v1/partner/orders", headers=elsewhere.headers)).json()["items"] == []
    # Across the Rhine in Switzerland, outside every region: said to the partner's system, not to a driver, naming
    # the areas its contract covers.
    abroad = member_order(Point(lat=47.16700, lon=9.47800), phone="+41 81 750 00 00")
    refused = await api.client.post("/v1/partner/orders", json=abroad, headers=tows_only.headers)
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/outside-service-area")
    assert refused.json()["detail"].startswith(
        "The member's place (47.16700, 9.47800) is outside the areas we serve (Helsinki, Liechtenstein)"
    )
    refused = await api.client.post("/v1/partner/orders", json=abroad, headers=elsewhere.headers)
    assert "outside the areas we serve (Liechtenstein); nothing was stored" in refused.json()["detail"]


async def test_partner_kpis_count_only_its_orders_and_the_report_has_a_row_per_week(api: Api, osrm: OsrmClient) -> None:
    fennia = await make_partner(api)
    technician = await api.technician()
    placed = (await api.client.post("/v1/partner/orders", json=member_order(MIKONKATU), headers=fennia.headers)).json()
    assert (await api.assign(placed["id"], technician)).status_code == 200
    await api.finish(placed["id"], technician, resolution="fixed_on_site")
    driver = await api.driver()
    await api.order(driver)  # somebody else's order, not the partner's

    own = await api.client.get("/v1/partner/kpis", headers=fennia.headers)
    assert own.status_code == 200
    assert own.json()["orders"] == 1
    assert own.json()["fcr"] == 1.0
    operator = await api.operator()
    everyone = await api.client.get("/v1/ops/kpis", headers=operator.headers)
    assert everyone.json()["orders"] == 2
    narrowed = await api.client.get(f"/v1/ops/kpis?partner_id={fennia.id}", headers=operator.headers)
    assert narrowed.json()["orders"] == 1

    report = await api.client.get(f"/v1/ops/partners/{fennia.id}/report.csv", headers=operator.headers)
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert len(rows) == 1
    assert rows[0]["orders"] == "1"
    assert rows[0]["first_time_fix"] == "1"
    assert rows[0]["complaints"] == "0"
    assert (await api.client.get(f"/v1/ops/partners/{uuid4()}/report.csv", headers=operator.headers)).status_code == 404
    assert (await api.client.get("/v1/partner/kpis", headers=operator.headers)).status_code == 403
