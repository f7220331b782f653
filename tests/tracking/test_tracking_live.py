"""The tracking link's live stream against real server processes: the driver's events, narrowed."""

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import KAISANIEMENKATU, KAIVOKATU, Api
from tests.live.test_asyncapi import validators
from tests.live.test_streams import arrives_and_positions_stop, collect, job, post_location, quiet, report
from tests.tracking.test_tracking import token_of


async def until_closed(ws: ClientConnection, timeout_s: float = 5.0) -> tuple[list[dict[str, Any]], int | None]:
    """The messages the server sends until it closes the stream, and its close code."""
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout_s):
        try:
            while True:
                received.append(json.loads(await ws.recv()))
        except ConnectionClosed as closed:
            return received, closed.rcvd.code if closed.rcvd else None


async def test_the_link_follows_the_job_live_and_ends_with_it(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    driver, technician, order = await job(api)
    async with connect(f"ws://{watched}/v1/track/{token_of(order)}/live") as ws:
        raw = await ws.recv()
        for private in (str(driver.id), str(technician.id), order["id"], "Mikonkatu"):
            assert private not in str(raw)
        snapshot = json.loads(raw)
        assert snapshot["type"] == "snapshot"
        assert snapshot["order"]["status"] == "assigned"
        assert snapshot["order"]["technician"]["name"] == "Tech"
        assert snapshot["position"]["lat"] == KAIVOKATU.lat

        await report(posted_to, technician, order["id"], "en_route")
        await post_location(posted_to, technician, KAISANIEMENKATU, 45)
        events = await collect(ws, {"status", "position", "eta", "route"})
        position = next(e for e in events if e["type"] == "position")
        assert (position["lat"], position["lon"]) == (KAISANIEMENKATU.lat, KAISANIEMENKATU.lon)
        assert "technician_id" not in position

        await arrives_and_positions_stop(ws, posted_to, technician)

        await report(posted_to, technician, order["id"], "in_progress")
        await report(posted_to, technician, order["id"], "completed")
        last, code = await until_closed(ws)
        assert ([e["status"] for e in last], code) == (["in_progress", "completed"], 1000)

    async with httpx.AsyncClient() as client:
        document = (await client.get(f"http://{watched}/asyncapi.json")).json()
    schemas = validators(document, "trackingLive")
    for message in [snapshot, *events, *last]:
        schemas[message["type"]].validate(message)  # the AsyncAPI document holds for what the link sends

    async with connect(f"ws://{watched}/v1/track/{token_of(order)}/live") as ws:
        (after,), code = await until_closed(ws)
        assert (after["order"]["status"], after["order"]["feedback_open"], code) == ("completed", True, 1000)


async def test_a_forged_link_is_closed_with_4401(servers: tuple[str, str], api: Api) -> None:
    _, _, order = await job(api)
    encoded_id, mac = token_of(order).split(".")
    async with connect(f"ws://{servers[0]}/v1/track/{encoded_id}.{mac[::-1]}/live") as ws:
        assert await until_closed(ws) == ([], 4401)


async def test_no_position_reaches_the_link_before_the_assignment(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    technician = await api.technician(at=None)
    order = await api.order(await api.driver())
    async with connect(f"ws://{watched}/v1/track/{token_of(order)}/live") as ws:
        snapshot = json.loads(await ws.recv())
        assert (snapshot["order"]["status"], snapshot["position"]) == ("searching", None)
        await post_location(posted_to, technician, KAISANIEMENKATU, 5)
        assert await quiet(ws, 1.0) == []
