"""An order as operators work on it: the driver to call, the SLA state, notes on the timeline; one order's
pushes; the dispatcher's decision in names."""

from uuid import uuid4

from tests.conftest import Actor, Api


async def test_the_operator_reads_the_driver_and_adds_notes(api: Api) -> None:
    operator = await api.operator()
    person = {"role": "driver", "name": "Aino Lehto", "phone": "+358 40 555 0303"}
    token = (await api.client.post("/v1/dev/tokens", json=person)).json()
    order = await api.order(Actor(id=token["user_id"], token=token["token"]))
    url = f"/v1/ops/orders/{order['id']}"
    detail = (await api.client.get(url, headers=operator.headers)).json()
    assert detail["driver"] == {"id": token["user_id"], "name": "Aino Lehto", "phone": "+358 40 555 0303"}
    assert (detail["sla_state"], detail["operator_notes"]) == ("ok", [])

    added = await api.client.post(f"{url}/notes", json={"text": "Called: waiting by the car"}, headers=operator.headers)
    assert added.status_code == 201
    assert [n["text"] for n in added.json()["operator_notes"]] == ["Called: waiting by the car"]
    assert (await api.client.post(f"{url}/notes", json={"text": ""}, headers=operator.headers)).status_code == 422
    assert (await api.client.post(f"{url}/notes", json={"text": " \t "}, headers=operator.headers)).status_code == 422
    missing = await api.client.post(f"/v1/ops/orders/{uuid4()}/notes", json={"text": "x"}, headers=operator.headers)
    assert missing.status_code == 404
    assert (
        await api.client.get(url, headers=token and {"Authorization": f"Bearer {token['token']}"})
    ).status_code == 403


async def test_one_orders_pushes_and_the_decision_in_names(api: Api) -> None:
    operator = await api.operator()
    technician = await api.technician(name="Hugo Virtanen")
    order = await api.order(await api.driver())
    other = await api.order(await api.driver())
    assert (await api.assign(order["id"], technician)).status_code == 200
    pushes = (await api.client.get(f"/v1/ops/notifications?order_id={order['id']}", headers=operator.headers)).json()
    assert pushes["items"]
    assert {p["order_id"] for p in pushes["items"]} == {order["id"]}
    none = (await api.client.get(f"/v1/ops/notifications?order_id={other['id']}", headers=operator.headers)).json()
    assert none["items"] == []
    decision = (await api.client.get(f"/v1/ops/orders/{order['id']}/decision", headers=operator.headers)).json()
    assert (decision["technician_name"], decision["assigned_by"]) == ("Hugo Virtanen", "operator")
