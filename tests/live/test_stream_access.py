"""Who may keep a live stream open, checked while it runs and not only when it opens, on real servers."""

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.auth.tokens import JwtTokens, Principal
from app.config import DEV_JWT_SECRET
from app.enums import Role
from tests.conftest import KAISANIEMENKATU, UNIONINKATU, Api
from tests.live.test_streams import job, post_location, quiet
from tests.partners.helpers import make_partner, member_order


async def until_closed(ws: ClientConnection, timeout_s: float = 5) -> tuple[list[dict[str, Any]], int | None]:
    """What the socket sends until the server closes it, and the close code."""
    events: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                events.append(json.loads(await ws.recv()))
    except ConnectionClosed as closed:
        return events, closed.rcvd.code if closed.rcvd else None


async def test_a_technician_taken_off_the_job_is_cut_off_before_his_successor_moves(
    servers: tuple[str, str], api: Api
) -> None:
    watched, posted_to = servers
    _, first, order = await job(api)
    successor = await api.technician(at=UNIONINKATU)
    async with connect(f"ws://{watched}/v1/orders/{order['id']}/live?access_token={first.token}") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        assert (await api.assign(order["id"], successor)).status_code == 200  # the operator reassigns
        await post_location(posted_to, successor, KAISANIEMENKATU, 5)
        received, code = await until_closed(ws)
        assert code == 4403
        assert [e for e in received if e["type"] in ("position", "eta", "route")] == []


async def test_the_token_may_come_as_a_subprotocol_and_the_order_id_in_capitals(
    servers: tuple[str, str], api: Api
) -> None:
    watched = servers[0]
    driver, technician, order = await job(api)
    url = f"ws://{watched}/v1/orders/{order['id'].upper()}/live"
    async with connect(url, subprotocols=["bearer", driver.token]) as ws:  # type: ignore[list-item]
        assert ws.subprotocol == "bearer"
        assert json.loads(await ws.recv())["type"] == "snapshot"
        await api.status(order["id"], technician, "en_route")
        events = await quiet(ws, 1.5)
        assert [e["status"] for e in events if e["type"] == "status"] == ["en_route"]


async def test_a_token_opens_a_bounded_number_of_streams_across_processes(servers: tuple[str, str], api: Api) -> None:
    driver, _, order = await job(api)
    path = f"/v1/orders/{order['id']}/live?access_token={driver.token}"
    sockets = [await connect(f"ws://{servers[n % 2]}{path}") for n in range(5)]  # the limit, over both servers
    try:
        for ws in sockets:
            assert json.loads(await ws.recv())["type"] == "snapshot"
        async with connect(f"ws://{servers[0]}{path}") as sixth:
            with pytest.raises(ConnectionClosed) as closed:
                await sixth.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4429
        await sockets[0].close()
        await asyncio.sleep(0.3)
        async with connect(f"ws://{servers[1]}{path}") as again:  # a slot is free again
            assert json.loads(await again.recv())["type"] == "snapshot"
    finally:
        for ws in sockets:
            await ws.close()


async def test_a_stream_ends_when_its_token_expires(servers: tuple[str, str], api: Api) -> None:
    driver, _, order = await job(api)
    short_lived = JwtTokens(DEV_JWT_SECRET, ttl_s=2).issue(Principal(user_id=driver.id, role=Role.DRIVER))
    async with connect(f"ws://{servers[0]}/v1/orders/{order['id']}/live?access_token={short_lived}") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        assert (await until_closed(ws, 6))[1] == 4401


async def test_a_partners_stream_ends_soon_after_its_api_key_is_revoked(servers: tuple[str, str], api: Api) -> None:
    partner = await make_partner(api)
    operator = await api.operator()
    second = (await api.client.post(f"/v1/ops/partners/{partner.id}/keys", headers=operator.headers)).json()["api_key"]
    placed = await api.client.post("/v1/partner/orders", json=member_order(KAISANIEMENKATU), headers=partner.headers)
    assert placed.status_code == 201, placed.text
    path = f"ws://{servers[0]}/v1/orders/{placed.json()['id']}/live?access_token="
    async with connect(path + partner.api_key) as revoked_ws, connect(path + second) as kept_ws:
        assert json.loads(await revoked_ws.recv())["type"] == "snapshot"
        assert json.loads(await kept_ws.recv())["type"] == "snapshot"
        await asyncio.sleep(1.5)  # past one recheck (every second on the test servers): the key still stands
        keys = (await api.client.get(f"/v1/ops/partners/{partner.id}", headers=operator.headers)).json()["keys"]
        first = next(k for k in keys if partner.api_key.startswith(k["prefix"]))
        revoked = await api.client.delete(f"/v1/ops/partners/{partner.id}/keys/{first['id']}", headers=operator.headers)
        assert revoked.status_code == 204
        assert (await until_closed(revoked_ws, 4))[1] == 4401
        assert (await quiet(kept_ws, 1.5)) == []  # the partner's other key keeps its stream
        assert kept_ws.close_code is None
