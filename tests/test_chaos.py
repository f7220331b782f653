"""Chaos under load: drivers order, technicians take and finish the jobs, drivers rate them, through a
supervised `trustloop serve`, while its API and worker processes are killed with SIGKILL again and again.
Afterwards every acknowledged order, status change and rating is there, every push row was delivered to
the FCM stand-in, and no technician ever held two jobs at once. Bounded: a fixed number of jobs and kills,
and a deadline."""

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from tests.conftest import MIKONKATU, Api, eventually
from trustloop.processes import children_of, free_port

JOBS = 12
TECHNICIANS = 4
KILLS = 8
DEADLINE_S = 150
# A load balancer's answers when the node behind it died in the middle of a request, or none answered: like a
# lost connection, the request may or may not have been applied (the API itself never answers these).
GATEWAY_ERRORS = frozenset({502, 503, 504})


@dataclass
class Acknowledged:
    orders: set[str] = field(default_factory=set)
    ratings: set[str] = field(default_factory=set)
    steps: set[tuple[str, str]] = field(default_factory=set)  # (order, status) a technician was told was done
    kills: list[str] = field(default_factory=list)


async def call(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str], body: Any = None, key: str | None = None
) -> httpx.Response | None:
    """A request that survives the API being killed: retried on a lost connection (or a load balancer's
    gateway error), with the same Idempotency-Key where the operation takes one."""
    extra = {"Idempotency-Key": key} if key else {}
    for _ in range(200):
        try:
            response = await client.request(method, path, json=body, headers={**headers, **extra}, timeout=5)
        except httpx.TransportError:
            await asyncio.sleep(0.2)
            continue
        if response.status_code in GATEWAY_ERRORS:
            await asyncio.sleep(0.2)
            continue
        assert response.status_code < 500, (method, path, response.text)
        return response
    return None


async def technician_loop(
    client: httpx.AsyncClient, headers: dict[str, str], done: asyncio.Event, ack: Acknowledged, pause_s: float = 0.0
) -> None:
    """A technician's app: takes the first offer, drives to the driver and reports each step (`pause_s`
    before each)."""
    while not done.is_set():
        offers = await call(client, "GET", "/v1/technicians/me/offers", headers)
        items = offers.json()["items"] if offers is not None and offers.status_code == 200 else []
        if not items:
            await asyncio.sleep(0.3)
            continue
        offer = items[0]
        accepted = await call(client, "POST", f"/v1/offers/{offer['id']}/accept", headers)
        if (accepted is None or accepted.status_code != 200) and not await is_his(client, headers, offer["order_id"]):
            continue
        order_id, where = offer["order_id"], offer["location"]
        point = {**where, "recorded_at": datetime.now(UTC).isoformat(), "accuracy_m": 5.0}
        await call(client, "POST", "/v1/technicians/me/locations", headers, {"points": [point]})
        for status in ("en_route", "arrived", "in_progress", "completed"):
            await asyncio.sleep(pause_s)
            body = {"status": status, **({"resolution": "fixed_on_site"} if status == "completed" else {})}
            step = await call(client, "POST", f"/v1/orders/{order_id}/status", headers, body)
            if step is not None and step.status_code == 200:
                ack.steps.add((order_id, status))


async def is_his(client: httpx.AsyncClient, headers: dict[str, str], order_id: str) -> bool:
    """Whether the technician holds the job after all: his accept was applied but its answer was lost, and
    the retry was refused as the order was taken (by him). A technician sees only his own jobs."""
    read = await call(client, "GET", f"/v1/orders/{order_id}", headers)
    return read is not None and read.status_code == 200 and read.json()["status"] == "assigned"


async def driver_journey(
    client: httpx.AsyncClient, token: dict[str, str], where: dict[str, float], ack: Acknowledged
) -> None:
    body = {"service": "tow", "location": where}
    created = await call(client, "POST", "/v1/orders", token, body, key=str(uuid4()))
    assert created is not None
    if created.status_code != 201:
        return
    order_id = created.json()["id"]
    ack.orders.add(order_id)
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        read = await call(client, "GET", f"/v1/orders/{order_id}", token)
        if read is not None and read.status_code == 200 and read.json()["status"] == "completed":
            rated = await call(client, "POST", f"/v1/orders/{order_id}/feedback", token, {"csat": 5, "nps": 9},
                               key=str(uuid4()))  # fmt: skip
            if rated is not None and rated.status_code == 201:
                ack.ratings.add(order_id)
            return
        await asyncio.sleep(0.5)


async def chaos(serve: subprocess.Popen[bytes], ack: Acknowledged) -> None:
    rng = random.Random(7)
    while len(ack.kills) < KILLS:  # a child being restarted has no process to kill: try again
        await asyncio.sleep(1.5)
        n = len(ack.kills)
        marker = "uvicorn" if n % 2 == 0 else rng.choice(["worker dispatch", "worker notifications", "worker sla"])
        victim = next((pid for pid, command in children_of(serve.pid).items() if marker in command), None)
        if victim is not None:
            os.kill(victim, signal.SIGKILL)
            ack.kills.append(marker)


@pytest.fixture
def served(
    settings: Settings, osrm_url: str, fcm_credentials: Path, fcm_standin: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A supervised `trustloop serve` (API and workers) on the test database, pushing to the FCM stand-in."""
    port = free_port()
    env = {
        **os.environ, "TRUSTLOOP_DATABASE_URL": settings.database_url, "TRUSTLOOP_OSRM_URL": osrm_url,
        "TRUSTLOOP_DEV_AUTH": "1", "TRUSTLOOP_PORT": str(port), "TRUSTLOOP_REGION": "helsinki",
        "TRUSTLOOP_DATA_DIR": str(tmp_path), "TRUSTLOOP_FCM_CREDENTIALS": str(fcm_credentials),
        "TRUSTLOOP_FCM_ENDPOINT": fcm_standin, "TRUSTLOOP_DISPATCH_INTERVAL_S": "0.5", "TRUSTLOOP_LOG_LEVEL": "WARNING",
        "TRUSTLOOP_ORDER_REQUESTS_PER_WINDOW": "100",
    }  # fmt: skip
    with (tmp_path / "serve.log").open("wb") as log:  # kept by pytest under its temporary directory
        serve = subprocess.Popen([sys.executable, "-m", "trustloop.cli", "serve"], env=env, stdout=log, stderr=log)
    yield serve, port
    serve.terminate()
    serve.wait(timeout=30)


async def test_nothing_acknowledged_is_lost_while_processes_are_killed(
    api: Api, served: tuple[subprocess.Popen[bytes], int], fcm_standin: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    serve, port = served
    ack = Acknowledged()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        operator = await call(client, "POST", "/v1/dev/tokens", {}, {"role": "operator"})
        assert operator is not None
        ops = {"Authorization": f"Bearer {operator.json()['token']}"}
        technicians = []
        for n in range(TECHNICIANS):
            hired = await call(client, "POST", "/v1/ops/technicians", ops, {"name": f"Tech {n}", "skills": ["tow"]})
            assert hired is not None
            issued = await call(
                client, "POST", "/v1/dev/tokens", {}, {"role": "technician", "technician_id": hired.json()["id"]}
            )
            assert issued is not None
            headers = {"Authorization": f"Bearer {issued.json()['token']}"}
            await call(client, "PUT", "/v1/technicians/me/availability", headers, {"online": True})
            spot = {**MIKONKATU.model_dump(), "recorded_at": datetime.now(UTC).isoformat()}
            await call(client, "POST", "/v1/technicians/me/locations", headers, {"points": [spot]})
            await call(client, "POST", "/v1/devices", headers, {"token": f"tech-{n}", "platform": "android"})
            technicians.append(headers)
        drivers = []
        for n in range(JOBS):
            issued = await call(client, "POST", "/v1/dev/tokens", {}, {"role": "driver"})
            assert issued is not None
            headers = {"Authorization": f"Bearer {issued.json()['token']}"}
            await call(
                client, "POST", "/v1/devices", headers, {"token": f"driver-{n}", "platform": "ios", "locale": "ru"}
            )
            drivers.append(headers)

        done = asyncio.Event()
        workers = [asyncio.create_task(technician_loop(client, t, done, ack)) for t in technicians]
        killer = asyncio.create_task(chaos(serve, ack))
        journeys = []
        for driver in drivers:
            journeys.append(asyncio.create_task(driver_journey(client, driver, MIKONKATU.model_dump(), ack)))
            await asyncio.sleep(1.0)
        async with asyncio.timeout(DEADLINE_S):
            await asyncio.gather(*journeys, killer)
        done.set()
        await asyncio.gather(*workers)

        async def pushes_settled() -> bool:
            async with sessions() as session:
                pending = await session.scalar(
                    text("SELECT count(*) FROM notifications WHERE status = 'pending' AND available_at <= now()")
                )
                return bool(pending == 0)

        assert await eventually(pushes_settled, timeout_s=60)

    assert len(ack.kills) == KILLS
    assert len(ack.orders) == JOBS
    assert len(ack.ratings) == JOBS, f"{len(ack.ratings)} of {JOBS} jobs rated within the deadline"
    async with sessions() as session:
        orders = set(map(str, (await session.execute(text("SELECT id FROM orders"))).scalars()))
        rated = set(map(str, (await session.execute(text("SELECT order_id FROM feedback"))).scalars()))
        steps = {(str(o), s) for o, s in (await session.execute(text("SELECT order_id, status FROM job_events"))).all()}
        double_booked = (
            await session.execute(
                text(
                    "SELECT technician_id FROM orders WHERE status IN ('assigned', 'en_route', 'arrived', "
                    "'in_progress') GROUP BY technician_id HAVING count(*) > 1"
                )
            )
        ).all()
        pushes = (await session.execute(text("SELECT id, status FROM notifications WHERE available_at <= now()"))).all()
        later = await session.scalar(text("SELECT count(*) FROM notifications WHERE available_at > now()"))
    assert ack.orders <= orders
    assert ack.ratings <= rated
    assert ack.steps <= steps
    assert double_booked == []
    assert pushes, "the jobs pushed nothing"
    assert {status for _, status in pushes} == {"sent"}  # every push that was due reached the phones
    assert later == 0  # every job was rated: each rating withdrew its request to rate, not yet due, from the outbox
    async with httpx.AsyncClient() as standin:
        messages = (await standin.get(f"{fcm_standin}/received")).json()["received"]
    received = {m["message"]["data"]["notification_id"] for m in messages}
    assert {str(push_id) for push_id, _ in pushes} <= received
