"""Live streams with real clients against two real server processes sharing the database."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.db import transaction
from app.geo import Point
from app.technicians.service import SilentTechnicians
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, MIKONKATU, Actor, Api
from tests.live.test_locations import fix

NEAR_DRIVER = Point(lat=60.170150, lon=24.945000)  # about 25 m from Mikonkatu


async def post_location(
    server: str, technician: Actor, point: Point, seconds_ago: float, **extra: float
) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"http://{server}/v1/technicians/me/locations", json={"points": [fix(point, seconds_ago, **extra)]},
            headers=technician.headers,
        )  # fmt: skip
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def report(server: str, technician: Actor, order_id: str, status: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"http://{server}/v1/orders/{order_id}/status", json={"status": status}, headers=technician.headers
        )
    assert response.status_code == 200, response.text


async def collect(ws: ClientConnection, until: set[str], timeout_s: float = 5.0) -> list[dict[str, Any]]:
    """Events until one of each type in `until` has arrived."""
    events: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout_s):
        while not until <= {e["type"] for e in events}:
            events.append(json.loads(await ws.recv()))
    return events


async def quiet(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                events.append(json.loads(await ws.recv()))
    except TimeoutError:
        return events


async def arrives_and_positions_stop(ws: ClientConnection, server: str, technician: Actor) -> None:
    """Near the driver for the dwell time: the job turns arrived by itself, and positions stop."""
    await post_location(server, technician, NEAR_DRIVER, 20)
    await asyncio.sleep(1.2)
    await post_location(server, technician, NEAR_DRIVER, 10)
    arrived = await collect(ws, {"status"})
    assert [e["status"] for e in arrived if e["type"] == "status"] == ["arrived"]
    await post_location(server, technician, NEAR_DRIVER, 1)
    assert [e for e in await quiet(ws, 1.5) if e["type"] == "position"] == []


async def job(api: Api) -> tuple[Actor, Actor, dict[str, Any]]:
    technician = await api.technician(at=None)
    response = await api.client.post(
        "/v1/technicians/me/locations", json={"points": [fix(KAIVOKATU, 90)]}, headers=technician.headers
    )
    assert response.json()["accepted"] == 1
    driver = await api.driver()
    order = await api.order(driver, at=MIKONKATU)
    assert (await api.assign(order["id"], technician)).status_code == 200
    return driver, technician, order


async def test_the_driver_follows_the_job_live_across_processes(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    driver, technician, order = await job(api)
    async with connect(f"ws://{watched}/v1/orders/{order['id']}/live?access_token={driver.token}") as ws:
        snapshot = json.loads(await ws.recv())
        assert snapshot["type"] == "snapshot"
        assert snapshot["order"]["status"] == "assigned"
        assert snapshot["position"]["lat"] == KAIVOKATU.lat

        await report(posted_to, technician, order["id"], "en_route")
        await post_location(posted_to, technician, KAISANIEMENKATU, 45)
        events = await collect(ws, {"status", "position", "eta", "route"})
        status = next(e for e in events if e["type"] == "status")
        assert status["status"] == "en_route"
        position = next(e for e in events if e["type"] == "position")
        assert (position["lat"], position["lon"]) == (KAISANIEMENKATU.lat, KAISANIEMENKATU.lon)
        eta = next(e for e in events if e["type"] == "eta")
        assert eta["confidence"] == "high"
        assert eta["promised_at"] == order_promise(
            await api.client.get(f"/v1/orders/{order['id']}", headers=driver.headers)
        )
        route = next(e for e in events if e["type"] == "route")
        assert route["geometry"]["type"] == "LineString"

        await arrives_and_positions_stop(ws, posted_to, technician)


def order_promise(response: httpx.Response) -> str:
    promised: str = response.json()["eta"]["promised_at"]
    return promised


async def test_who_may_not_see_the_order_is_refused(servers: tuple[str, str], api: Api) -> None:
    server = servers[0]
    _, _, order = await job(api)
    stranger = await api.driver()
    for token, code in ((stranger.token, 4403), ("not-a-token", 4401)):
        async with connect(f"ws://{server}/v1/orders/{order['id']}/live?access_token={token}") as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == code
    async with connect(f"ws://{server}/v1/ops/live?access_token={stranger.token}") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403


async def test_operators_see_every_event(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    _, technician, order = await job(api)
    operator = await api.operator()
    async with connect(f"ws://{watched}/v1/ops/live?access_token={operator.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        await report(posted_to, technician, order["id"], "en_route")
        await post_location(posted_to, technician, KAISANIEMENKATU, 45)
        events = await collect(ws, {"status", "position", "eta"})
        position = next(e for e in events if e["type"] == "position")
        assert position["technician_id"] == str(technician.id)
        assert position["order_id"] == order["id"]


async def test_operators_see_technicians_go_online_and_offline(
    servers: tuple[str, str], api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    watched, posted_to = servers
    technician = await api.technician(at=KAIVOKATU, online=False)
    operator = await api.operator()

    async def set_online(online: bool) -> None:
        async with httpx.AsyncClient() as client:
            response = await client.put(
                f"http://{posted_to}/v1/technicians/me/availability", json={"online": online},
                headers=technician.headers,
            )  # fmt: skip
        assert response.status_code == 200, response.text

    async with connect(f"ws://{watched}/v1/ops/live?access_token={operator.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        seen: list[tuple[bool, str]] = []
        for online in (True, False, False):  # going offline twice is one change
            await set_online(online)
        await set_online(True)
        async with transaction(sessions) as session:  # his phone then falls silent for two hours
            assert await SilentTechnicians(1800)(session, datetime.now(UTC) + timedelta(hours=2)) == [technician.id]
        while len(seen) < 4:
            event = (await collect(ws, {"availability"}))[-1]
            assert event["technician_id"] == str(technician.id)
            seen.append((event["online"], event["cause"]))
        assert seen == [(True, "app"), (False, "app"), (True, "app"), (False, "no_position")]
        assert [e for e in await quiet(ws, 0.5) if e["type"] == "availability"] == []


async def test_server_sent_events_carry_the_same_stream(servers: tuple[str, str], api: Api) -> None:
    watched, posted_to = servers
    driver, technician, order = await job(api)
    url = f"http://{watched}/v1/orders/{order['id']}/events"
    async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url, headers=driver.headers) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        frames: list[tuple[str, dict[str, Any]]] = []
        kind = ""
        async with asyncio.timeout(5):
            async for line in lines:
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    frames.append((kind, json.loads(line[6:])))
                    if kind == "snapshot":
                        await report(posted_to, technician, order["id"], "en_route")
                    if kind == "status":
                        break
    assert [k for k, _ in frames] == ["snapshot", "status"]
    assert frames[1][1]["status"] == "en_route"
    async with httpx.AsyncClient() as client:
        stranger = await api.driver()
        assert (await client.get(url, headers=stranger.headers)).status_code == 404
        assert (await client.get(url)).status_code == 401
