"""The AsyncAPI document of the live streams holds for what the servers really send: a whole job watched by
its driver and by an operator (WebSockets) and over SSE, every message checked against its schema."""

import asyncio
import json
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import Api
from tests.live.test_streams import NEAR_DRIVER, job, post_location, report

DOCUMENT_URI = "urn:trustloop:asyncapi"


def validators(document: dict[str, Any], channel: str) -> dict[str, Draft202012Validator]:
    """One validator per message type of the channel, resolving references inside the document."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    found = {}
    for kind, reference in document["channels"][channel]["messages"].items():
        message = document["components"]["messages"][reference["$ref"].rsplit("/", 1)[1]]
        payload = {"$ref": DOCUMENT_URI + message["payload"]["$ref"]}
        found[kind] = Draft202012Validator(payload, registry=registry)
    return found


async def drain(ws: ClientConnection, into: list[dict[str, Any]], seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            while True:
                into.append(json.loads(await ws.recv()))
    except TimeoutError:
        return


async def test_every_message_sent_matches_the_document(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    async with httpx.AsyncClient() as client:
        document = (await client.get(f"http://{watched}/asyncapi.json")).json()
    assert document["asyncapi"] == "3.0.0"
    assert set(document["channels"]) == {"orderLive", "opsLive", "orderEvents", "trackingLive"}

    driver, technician, order = await job(api)
    operator = await api.operator()
    by_driver: list[dict[str, Any]] = []
    by_operator: list[dict[str, Any]] = []
    async with (
        connect(f"ws://{watched}/v1/orders/{order['id']}/live", subprotocols=["bearer", driver.token]) as driver_ws,  # type: ignore[list-item]
        connect(f"ws://{watched}/v1/ops/live?access_token={operator.token}") as ops_ws,
    ):
        await drain(driver_ws, by_driver, 0.5)
        await drain(ops_ws, by_operator, 0.2)
        await report(posted_to, technician, order["id"], "en_route")
        await post_location(posted_to, technician, NEAR_DRIVER, 20)
        await asyncio.sleep(1.2)
        await post_location(posted_to, technician, NEAR_DRIVER, 10)  # arrived by itself
        await report(posted_to, technician, order["id"], "in_progress")
        await report(posted_to, technician, order["id"], "completed")
        assert (await api.rate(order["id"], driver, csat=1, nps=0)).status_code == 201  # opens a follow-up
        await asyncio.gather(drain(driver_ws, by_driver, 2.0), drain(ops_ws, by_operator, 2.0))

    url = f"http://{watched}/v1/orders/{order['id']}/events"
    frames: list[tuple[str, dict[str, Any]]] = []
    async with httpx.AsyncClient(timeout=5) as client, client.stream("GET", url, headers=driver.headers) as stream:
        kind = ""
        async for line in stream.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                frames.append((kind, json.loads(line[6:])))
                break

    assert {m["type"] for m in by_driver} >= {"snapshot", "status", "position", "eta", "route"}
    assert {m["type"] for m in by_operator} >= {"hello", "status", "position", "eta", "followup"}
    for channel, messages in (
        ("orderLive", by_driver),
        ("opsLive", by_operator),
        ("orderEvents", [f for _, f in frames]),
    ):
        check = validators(document, channel)
        for message in messages:
            assert message["type"] in check, f"{channel} sent an undocumented {message['type']}"
            errors = [e.message for e in check[message["type"]].iter_errors(message)]
            assert errors == [], (channel, message, errors)
    assert [kind for kind, _ in frames] == ["snapshot"]
    assigned = [m for m in by_operator if m["type"] == "status" and m["status"] == "en_route"]
    assert assigned, "the operators saw the job set off"
