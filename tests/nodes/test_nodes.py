"""Several nodes on a real network: two API nodes and a worker node, each a host of its own (a Linux network
namespace on a bridge), HAProxy in front of the API nodes and between every node and PostgreSQL, OSRM and the
FCM stand-in, and, in the second run, the NATS broker that carries the live events between the nodes (the first
runs on PostgreSQL's NOTIFY, the default). Drivers order, follow their jobs live and rate them through the load balancer while technicians
take and finish the jobs. Mid-run one API node is killed with SIGKILL: its drivers' live streams reconnect
through the load balancer to the other node and go on from a fresh snapshot. Then the dispatcher that has
been placing the orders is killed: the other one, standing by, places the next orders within seconds.
Afterwards every acknowledged order, step and rating is in the database with every push row it owed, and
every push that was due reached the FCM stand-in over the network. Bounded: a fixed number of jobs, two
kills, and a deadline on every wait."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Subprotocol

from app.channels import DISPATCH_CHANNEL, LIVE_CHANNEL, NOTIFICATIONS_CHANNEL
from app.config import Settings
from notifications.policy import DRIVER_STEPS
from tests.conftest import MIKONKATU, eventually
from tests.test_chaos import Acknowledged, call, technician_loop
from tools.fcm_standin import write_service_account
from tools.network import (
    Forward,
    Network,
    haproxy_config,
    start_haproxy,
    start_on,
    stop,
    unavailable,
    wait_for_port,
    wait_until_balanced,
)
from trustloop.processes import wait_until_up
from trustloop.workers import WORKERS

API_NODES = ("api1", "api2")
API_PORT = 8000
# On the bridge's address: the load balancer's HTTP front, and the ways to the root namespace's servers.
HTTP_PORT, POSTGRES_PORT, OSRM_PORT, FCM_PORT, NATS_PORT = 80, 5432, 5000, 4000, 4222
NATS_SERVER = urlsplit(os.environ.get("TRUSTLOOP_TEST_NATS_URL", "nats://127.0.0.1:4222")).netloc

TECHNICIANS = 6
FIRST_JOBS = 12  # an API node dies among them
LATER_JOBS = 6  # placed once the dispatcher that placed the first ones is dead
STEP_PAUSE_S = 0.5  # between a technician's steps: the jobs are still going when the node dies
RECONNECT_WITHIN_S = 5.0
TAKEOVER_WITHIN_S = 5.0
QUIET_S = 30  # a job's stream with nothing for this long lost an event
DEADLINE_S = 150
LIFECYCLE = ["searching", "assigned", "en_route", "arrived", "in_progress", "completed"]
NODE_NAME_PREFIX = "trustloop-node-"  # each node's connections carry its name in `application_name`
ROUND = re.compile(r"^round: \d+ open, (\d+) offered")


@dataclass
class Nodes:
    network: Network
    base_url: str  # the load balancer
    api: dict[str, subprocess.Popen[bytes]]
    broker: str
    dispatchers: list[tuple[subprocess.Popen[bytes], Path]]  # each with its log


@pytest.fixture(params=["postgres", "nats"])
def nodes(
    request: pytest.FixtureRequest, app: FastAPI, settings: Settings, osrm_url: str, fcm_standin: str, tmp_path: Path
) -> Iterator[Nodes]:  # fmt: skip
    """The network, HAProxy, the two API nodes, and the worker node running every worker plus a second
    dispatcher, with live events through the parameter's broker; everything removed afterwards, whatever
    happened. The test's tables are cleaned through the in-process app."""
    broker: str = request.param
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    network = Network([*API_NODES, "workers"])
    balancer: list[subprocess.Popen[bytes]] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        network.up()
        gateway = network.gateway
        database = make_url(settings.database_url)
        forwards = [
            Forward("postgres", POSTGRES_PORT, f"{database.host}:{database.port or 5432}"),
            Forward("osrm", OSRM_PORT, urlsplit(osrm_url).netloc),
            Forward("fcm", FCM_PORT, urlsplit(fcm_standin).netloc),
        ]
        if broker == "nats":
            forwards.append(Forward("nats", NATS_PORT, NATS_SERVER))
        api_addresses = {name: f"{network.hosts[name].address}:{API_PORT}" for name in API_NODES}
        balancer.append(start_haproxy(haproxy_config(gateway, HTTP_PORT, api_addresses, forwards), tmp_path))
        wait_for_port(gateway, POSTGRES_PORT, balancer[0])
        credentials = write_service_account(tmp_path / "service-account.json", f"http://{gateway}:{FCM_PORT}/token")
        through_balancer = database.set(host=gateway, port=POSTGRES_PORT).render_as_string(hide_password=False)
        env = {
            **os.environ, "TRUSTLOOP_DATABASE_URL": through_balancer,
            "TRUSTLOOP_OSRM_URL": f"http://{gateway}:{OSRM_PORT}", "TRUSTLOOP_REGION": "helsinki",
            "TRUSTLOOP_DEV_AUTH": "1", "TRUSTLOOP_ETA_REFRESH_S": "0", "TRUSTLOOP_ARRIVAL_DWELL_S": "1",
            "TRUSTLOOP_FCM_CREDENTIALS": str(credentials), "TRUSTLOOP_FCM_ENDPOINT": f"http://{gateway}:{FCM_PORT}",
            "TRUSTLOOP_DISPATCH_INTERVAL_S": "0.5", "TRUSTLOOP_DATA_DIR": str(tmp_path), "TRUSTLOOP_LOG_LEVEL": "WARNING",
            "TRUSTLOOP_DATABASE_POOL_SIZE": "4",  # PostgreSQL's 100 connections serve the rest of the tests too
            "TRUSTLOOP_LIVE_BROKER": broker,
        }  # fmt: skip
        if broker == "nats":
            env["TRUSTLOOP_LIVE_BROKER_URL"] = f"nats://{gateway}:{NATS_PORT}"
        uvicorn = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "0.0.0.0", "--port",
                   str(API_PORT), "--no-access-log"]  # fmt: skip
        api = {
            name: start_on(network.hosts[name], uvicorn, named(env, name), tmp_path / f"{name}.log")
            for name in API_NODES
        }
        processes.extend(api.values())
        # The worker node runs every worker, as `trustloop serve` does, and a second dispatcher; the dispatchers
        # log their rounds (DEBUG), which tells which of them placed the latest orders.
        workers = network.hosts["workers"]
        dispatchers = []
        for name in [*sorted(WORKERS), "dispatch"]:
            log = tmp_path / f"{name}-{len(processes) - 1}.log"
            worker_env = named(env, "workers") | ({"TRUSTLOOP_LOG_LEVEL": "DEBUG"} if name == "dispatch" else {})
            processes.append(
                start_on(workers, [sys.executable, "-m", "trustloop.cli", "worker", name], worker_env, log)
            )
            if name == "dispatch":
                dispatchers.append((processes[-1], log))
        for name, process in api.items():
            wait_until_up(f"http://{api_addresses[name]}/healthz", timeout_s=60, process=process)
        base_url = f"http://{gateway}:{HTTP_PORT}"
        wait_until_balanced(base_url, set(API_NODES))
        yield Nodes(network, base_url, api, broker, dispatchers)
    finally:
        stop(processes)  # the nodes, while the balancer still carries their last words to the database
        stop(balancer)
        failures = network.down()
        assert not failures, f"the test network was not removed entirely: {failures}"


async def finish(tasks: list[asyncio.Task[None]], running: list[asyncio.Task[None]]) -> None:
    """Waits for `tasks`; the first of them to fail, or any of `running` (which run until told) to end, fails
    the test at once."""
    pending = set(tasks)
    while pending:
        done, _ = await asyncio.wait(pending | set(running), return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
            assert task not in running, "a technician's app stopped"
        pending -= done


@dataclass
class Connection:
    """One WebSocket connection of a driver's app: the node behind it, and what it received."""

    node: str
    snapshot_at: float  # monotonic: when its first message, the snapshot, arrived
    snapshot_status: str
    statuses: list[str] = field(default_factory=list)  # the status events after the snapshot
    events: int = 0


@dataclass
class Stream:
    order_id: str
    connections: list[Connection] = field(default_factory=list)

    @property
    def status(self) -> str:
        last = self.connections[-1] if self.connections else None
        return "" if last is None else (last.statuses or [last.snapshot_status])[-1]

    @property
    def seen(self) -> list[str]:
        """Every status the driver saw, snapshots and events, in order."""
        return [s for c in self.connections for s in (c.snapshot_status, *c.statuses)]


async def follow(url: str, token: str, stream: Stream) -> None:
    """The driver's app on the order's live stream until the job is done, reconnecting whenever the
    connection drops: each connection starts from a snapshot of the order."""
    protocols = [Subprotocol("bearer"), Subprotocol(token)]  # the token as a browser sends it
    for _ in range(50):
        try:
            async with connect(url, subprotocols=protocols, open_timeout=5) as ws:
                snapshot = json.loads(await ws.recv())
                assert snapshot["type"] == "snapshot", snapshot
                assert ws.response is not None
                connection = Connection(ws.response.headers["X-Served-By"], time.monotonic(),
                                        snapshot["order"]["status"])  # fmt: skip
                stream.connections.append(connection)
                while stream.status != "completed":
                    try:
                        async with asyncio.timeout(QUIET_S):
                            event = json.loads(await ws.recv())
                    except TimeoutError:
                        raise AssertionError(f"{stream.order_id}: nothing for {QUIET_S} s at {stream.status}") from None
                    connection.events += 1
                    if event["type"] == "status":
                        connection.statuses.append(event["status"])
                return
        except (ConnectionClosed, InvalidHandshake, OSError, TimeoutError):
            await asyncio.sleep(0.1)
    raise AssertionError(f"the stream of {stream.order_id} could not be kept")


def answered(response: httpx.Response | None, status: int) -> httpx.Response:
    """The response, which must have come (within the retries) with this status."""
    assert response is not None, "no answer through the load balancer"
    assert response.status_code == status, (response.request.url, response.text)
    return response


async def journey(
    client: httpx.AsyncClient, headers: dict[str, str], ack: Acknowledged, streams: dict[str, Stream]
) -> None:
    """A driver orders, follows the job live to its end, and rates it."""
    body = {"service": "tow", "location": MIKONKATU.model_dump()}
    created = answered(await call(client, "POST", "/v1/orders", headers, body, key=str(uuid4())), 201)
    order_id = created.json()["id"]
    ack.orders.add(order_id)
    stream = streams[order_id] = Stream(order_id)
    url = f"ws://{client.base_url.netloc.decode()}/v1/orders/{order_id}/live"
    await follow(url, headers["Authorization"].removeprefix("Bearer "), stream)
    rating = {"csat": 5, "nps": 9}
    answered(await call(client, "POST", f"/v1/orders/{order_id}/feedback", headers, rating, key=str(uuid4())), 201)
    ack.ratings.add(order_id)


async def token(client: httpx.AsyncClient, body: dict[str, str]) -> dict[str, str]:
    issued = answered(await call(client, "POST", "/v1/dev/tokens", {}, body), 201)
    return {"Authorization": f"Bearer {issued.json()['token']}"}


async def hire(client: httpx.AsyncClient, operator: dict[str, str], n: int) -> dict[str, str]:
    """A technician hired by the operator, online at Mikonkatu with a phone for pushes."""
    profile = {"name": f"Tech {n}", "skills": ["tow"]}
    hired = answered(await call(client, "POST", "/v1/ops/technicians", operator, profile, key=str(uuid4())), 201)
    headers = await token(client, {"role": "technician", "technician_id": hired.json()["id"]})
    spot = {**MIKONKATU.model_dump(), "recorded_at": datetime.now(UTC).isoformat()}
    for method, path, body, code in (
        ("PUT", "/v1/technicians/me/availability", {"online": True}, 200),
        ("POST", "/v1/technicians/me/locations", {"points": [spot]}, 202),
        ("POST", "/v1/devices", {"token": f"tech-{uuid4()}", "platform": "android"}, 201),
    ):
        answered(await call(client, method, path, headers, body), code)
    return headers


async def driver(client: httpx.AsyncClient) -> dict[str, str]:
    headers = await token(client, {"role": "driver"})
    device = {"token": f"driver-{uuid4()}", "platform": "ios"}
    answered(await call(client, "POST", "/v1/devices", headers, device), 201)
    return headers


def named(env: dict[str, str], node: str) -> dict[str, str]:
    """The node's environment with its name on its database connections."""
    database = make_url(env["TRUSTLOOP_DATABASE_URL"]).update_query_dict({"application_name": NODE_NAME_PREFIX + node})
    return env | {"TRUSTLOOP_DATABASE_URL": database.render_as_string(hide_password=False)}


async def listeners(sessions: async_sessionmaker[AsyncSession], channel: str) -> int:
    """How many of the nodes' connections LISTEN on the channel (their last statement, as PostgreSQL shows it);
    the nodes name their connections, so the test's own apps sharing the database do not count."""
    async with sessions() as session:
        count = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE :listen"
                " AND application_name LIKE :nodes"
            ),
            {"listen": f'LISTEN "{channel}"%', "nodes": f"{NODE_NAME_PREFIX}%"},
        )
        return int(count or 0)


def offering_rounds(log: Path) -> list[datetime]:
    """When the dispatcher behind this log ran rounds that made offers (its DEBUG round records)."""
    rounds = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and (found := ROUND.match(str(record.get("message", "")))) and int(found[1]):
            rounds.append(datetime.fromisoformat(record["time"]))
    return rounds


async def bounded(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    async def holds() -> bool:
        return check()

    assert await eventually(holds, timeout_s=timeout_s), what


async def test_losing_an_api_node_and_a_dispatcher_loses_nothing_acknowledged(
    nodes: Nodes, sessions: async_sessionmaker[AsyncSession], fcm_standin: str
) -> None:
    started = time.monotonic()

    async def workers_listen() -> bool:
        return (
            await listeners(sessions, DISPATCH_CHANNEL) == 2 and await listeners(sessions, NOTIFICATIONS_CHANNEL) == 1
        )

    assert await eventually(workers_listen, timeout_s=60), "the workers did not start listening"
    # Through a broker, the API nodes hear live events from it alone: whatever reaches a stream crossed NATS.
    assert await listeners(sessions, LIVE_CHANNEL) == (len(API_NODES) if nodes.broker == "postgres" else 0)
    ack = Acknowledged()
    streams: dict[str, Stream] = {}
    async with httpx.AsyncClient(base_url=nodes.base_url) as client, asyncio.timeout(DEADLINE_S):
        operator = await token(client, {"role": "operator"})
        technicians = [await hire(client, operator, n) for n in range(TECHNICIANS)]
        drivers = [await driver(client) for _ in range(FIRST_JOBS + LATER_JOBS)]
        done = asyncio.Event()
        working = [asyncio.create_task(technician_loop(client, t, done, ack, STEP_PAUSE_S)) for t in technicians]

        # The first jobs; the API node holding the most streams of jobs still going dies with SIGKILL.
        first = []
        for headers in drivers[:FIRST_JOBS]:
            first.append(asyncio.create_task(journey(client, headers, ack, streams)))
            await asyncio.sleep(0.4)
        await bounded(lambda: len(streams) == FIRST_JOBS and all(s.connections for s in streams.values()), 20,
                      "the first drivers' streams did not open")  # fmt: skip
        going = [s for s in streams.values() if s.status != "completed"]
        victim = max(API_NODES, key=lambda node: sum(s.connections[-1].node == node for s in going))
        survivor = next(node for node in API_NODES if node != victim)
        cut = [s for s in going if s.connections[-1].node == victim]
        assert len(cut) >= 2, "too few live streams on the node to kill"
        os.kill(nodes.api[victim].pid, signal.SIGKILL)
        api_killed_at = time.monotonic()
        await finish(first, working)

        # The dispatcher that placed the latest orders dies; the one standing by places the next ones.
        last_offer = {process: max(offering_rounds(log), default=None) for process, log in nodes.dispatchers}
        assert any(last_offer.values()), "no dispatcher logged an offering round"
        dispatcher = max(last_offer, key=lambda p: last_offer[p] or datetime.min.replace(tzinfo=UTC))
        standby_log = next(log for process, log in nodes.dispatchers if process is not dispatcher)
        assert all(process.poll() is None for process, _ in nodes.dispatchers), "a dispatcher died on its own"
        os.kill(dispatcher.pid, signal.SIGKILL)
        dispatcher_killed = datetime.now(UTC)
        before = set(streams)
        later = []
        for headers in drivers[FIRST_JOBS:]:
            later.append(asyncio.create_task(journey(client, headers, ack, streams)))
            await asyncio.sleep(0.4)
        await finish(later, working)
        done.set()
        await asyncio.gather(*working)

        async def pushes_settled() -> bool:
            async with sessions() as session:
                pending = await session.scalar(
                    text("SELECT count(*) FROM notifications WHERE status = 'pending' AND available_at <= now()")
                )
                return bool(pending == 0)

        assert await eventually(pushes_settled, timeout_s=30), "pushes still pending"
        async with httpx.AsyncClient() as standin:
            received = {
                m["message"]["data"]["notification_id"]
                for m in (await standin.get(f"{fcm_standin}/received")).json()["received"]
            }
    elapsed = time.monotonic() - started

    # The killed node's drivers came back through the load balancer to the other node, from a snapshot, and
    # their streams went on to the end of the job; nobody else's stream dropped.
    assert nodes.api[victim].poll() == -signal.SIGKILL
    reconnects = []
    for stream in cut:
        kept = [c for c in stream.connections if c.snapshot_at > api_killed_at]
        if not kept:  # the job's last event was already on its way when the node died
            assert stream.connections[-1].statuses[-1:] == ["completed"], stream
            continue
        assert {c.node for c in kept} == {survivor}
        reconnects.append(kept[0].snapshot_at - api_killed_at)
    assert len(reconnects) >= 2, "too few streams were cut by the kill"
    assert max(reconnects) < RECONNECT_WITHIN_S, reconnects
    assert any(c.statuses for s in cut for c in s.connections if c.snapshot_at > api_killed_at), "no event after"
    for stream in streams.values():
        seen = [LIFECYCLE.index(s) for s in stream.seen]
        assert seen == sorted(seen), (stream.order_id, stream.seen)  # a snapshot never goes back in time
        assert stream.status == "completed"
        if stream not in cut:
            assert len(stream.connections) == 1, (stream.order_id, [c.node for c in stream.connections])
    assert {streams[o].connections[0].node for o in set(streams) - before} == {survivor}

    # The standby dispatcher placed every later order within seconds of it being placed.
    assert dispatcher.poll() == -signal.SIGKILL
    assert [at for at in offering_rounds(standby_log) if at > dispatcher_killed], "the standby made no offer"
    later_orders = sorted(set(streams) - before)
    async with sessions() as session:
        # An order is offered when the round that chose its technician ends (its `at` is when it began).
        offered = (
            await session.execute(
                text(
                    "SELECT o.created_at, min(r.at + make_interval(secs => r.duration_s)) FROM orders o "
                    "JOIN dispatch_decisions d ON d.order_id = o.id AND d.outcome = 'offered' "
                    "JOIN dispatch_rounds r ON r.id = d.round_id WHERE o.id::text = ANY(:ids) GROUP BY o.id"
                ),
                {"ids": later_orders},
            )
        ).all()
    offer_waits = [(at - created).total_seconds() for created, at in offered]
    first_offer = (min(at for _, at in offered) - dispatcher_killed).total_seconds()
    assert len(offer_waits) == LATER_JOBS
    assert max(offer_waits) < TAKEOVER_WITHIN_S, offer_waits

    # Nothing acknowledged is lost, and every push each step owed was written and, once due, delivered.
    assert len(ack.orders) == len(ack.ratings) == FIRST_JOBS + LATER_JOBS
    async with sessions() as session:
        rows = (await session.execute(text("SELECT id::text, driver_id FROM orders"))).all()
        orders: dict[str, UUID] = dict(rows)
        rated = set((await session.execute(text("SELECT order_id::text FROM feedback"))).scalars())
        rows = (await session.execute(text("SELECT order_id::text, status FROM job_events"))).all()
        steps = {(order_id, status) for order_id, status in rows}
        offers = (await session.execute(text("SELECT order_id::text, technician_id FROM offers"))).all()
        pushes = (
            await session.execute(
                text("SELECT id::text, order_id::text, user_id, kind, status, available_at <= now() FROM notifications")
            )
        ).all()
    assert ack.orders <= set(orders)
    assert ack.ratings <= rated
    assert ack.steps <= steps
    owed: set[tuple[str, Any, str]] = set()
    for order_id in ack.orders:
        owed.add((order_id, orders[order_id], "assigned"))
        for status, kind in DRIVER_STEPS.items():
            if (order_id, status.value) in ack.steps:
                owed.add((order_id, orders[order_id], kind))
        if (order_id, "completed") in ack.steps and order_id not in rated:  # rated first: the request withdrawn
            owed.add((order_id, orders[order_id], "feedback_request"))
    owed |= {(order_id, technician, "offer") for order_id, technician in offers if order_id in ack.orders}
    assert owed <= {(order_id, user, kind) for _, order_id, user, kind, _, _ in pushes}
    due = [(push_id, status) for push_id, order_id, _, _, status, is_due in pushes if is_due and order_id in ack.orders]
    assert {status for _, status in due} == {"sent"}
    assert {push_id for push_id, _ in due} <= received

    print(
        f"\nseveral nodes: {len(ack.orders)} orders, {len(ack.steps)} steps, {len(ack.ratings)} ratings, "
        f"{len(owed)} owed pushes found, {len(due)} due pushes delivered; {len(cut)} streams cut by the kill of "
        f"{victim}, back on {survivor} within {max(reconnects):.2f} s (median {sorted(reconnects)[len(cut) // 2]:.2f} s);"
        f" standby dispatcher's first offer {first_offer:.2f} s after the kill,"
        f" every later order offered within {max(offer_waits):.2f} s; {elapsed:.0f} s in all"
    )
