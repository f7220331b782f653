"""Live fan-out through each broker: PostgreSQL NOTIFY (the default), Redis pub/sub and NATS.

Two API processes (uvicorn, one worker each, their own hub) serve drivers watching their job over WebSocket,
half on each. Technicians POST positions at a fixed rate to the process their driver is NOT connected to, so
every position crosses processes through the broker; the figure is the time from just before the POST to the
position's arrival at the driver's WebSocket, at 1,000 and then 5,000 open subscribers. Then the raw
throughput of each broker: messages published from one connection, and received by a listener on another.

Bounded: a fixed number of posts at a fixed rate per case, each phase under a time limit.
"""

import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid4

import httpx
from sqlalchemy import insert, text
from websockets.asyncio.client import ClientConnection, connect

from app.auth.tokens import JwtTokens, Principal
from app.config import DEV_JWT_SECRET
from app.db import make_engine, recreate_database, upgrade_schema
from app.enums import Role, Service
from app.geo import Point, to_geography
from app.live import brokers
from app.live.brokers import BrokerKind
from app.live.messages import position_message
from app.live.models import OrderTracking
from app.orders.models import Order, OrderStatus
from app.technicians.models import Technician
from app.users.models import Driver, User
from bench.common import parser, report, summary_ms
from trustloop.processes import free_port, spawn_until_up

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_fanout"
BROKER_URLS: dict[BrokerKind, str] = {
    "postgres": BENCH_DATABASE_URL,
    "redis": os.environ.get("TRUSTLOOP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "nats": os.environ.get("TRUSTLOOP_BENCH_NATS_URL", "nats://127.0.0.1:4222"),
}
CENTRE = Point(lat=47.14, lon=9.52)
DESTINATION = Point(lat=CENTRE.lat + 0.02, lon=CENTRE.lon)  # every driver's car
NO_OSRM = "http://127.0.0.1:9"  # ETAs fall back to straight lines at once: the road engine is not measured here
Job = tuple[UUID, UUID, UUID]  # order, driver, technician


async def seed(jobs: int) -> list[Job]:
    """`jobs` orders, each with a technician on his way to its driver."""
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    engine = make_engine(BENCH_DATABASE_URL, 2)
    seeded = [(uuid4(), uuid4(), uuid4()) for _ in range(jobs)]
    start = datetime.now(UTC) - timedelta(hours=1)
    async with engine.begin() as connection:
        await connection.execute(insert(User), [{"id": t, "role": Role.TECHNICIAN} for _, _, t in seeded]
                                 + [{"id": d, "role": Role.DRIVER} for _, d, _ in seeded])  # fmt: skip
        await connection.execute(insert(Driver), [{"id": d} for _, d, _ in seeded])
        await connection.execute(insert(Technician), [
            {"id": t, "name": f"T{k}", "skills": ["tow"], "online": True, "position": to_geography(CENTRE),
             "position_at": start}
            for k, (_, _, t) in enumerate(seeded)
        ])  # fmt: skip
        await connection.execute(insert(Order), [
            {"id": o, "driver_id": d, "technician_id": t, "service": Service.TOW, "status": OrderStatus.EN_ROUTE,
             "location": to_geography(DESTINATION), "created_at": start,
             "updated_at": start}
            for o, d, t in seeded
        ])  # fmt: skip
        # Each job's live ETA and route fresh already: every position measured costs the same (no first ETA).
        route = {"type": "LineString", "coordinates": [[CENTRE.lon, CENTRE.lat], [DESTINATION.lon, DESTINATION.lat]]}
        fresh = datetime.now(UTC)
        await connection.execute(insert(OrderTracking), [
            {"order_id": o, "eta_arrival_at": fresh + timedelta(minutes=10), "eta_confidence": "low",
             "eta_updated_at": fresh, "route_geometry": route, "route_distance_m": 2_200.0, "route_duration_s": 600.0}
            for o, _, _ in seeded
        ])  # fmt: skip
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return seeded


def start_server(port: int, kind: BrokerKind) -> Any:
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_OSRM_URL": NO_OSRM,
           "TRUSTLOOP_LIVE_BROKER": kind, "TRUSTLOOP_LIVE_BROKER_URL": BROKER_URLS[kind],
           "TRUSTLOOP_LOCATION_REQUESTS_PER_WINDOW": "1000", "TRUSTLOOP_ETA_REFRESH_S": "3600",
           "TRUSTLOOP_ACCESS_LOG": "false"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env, timeout_s=60)


class Watchers:
    """Drivers watching their job, each connected to one of the two servers (the k-th to server k % 2)."""

    def __init__(self, servers: list[str], tokens: JwtTokens) -> None:
        self.servers = servers
        self.tokens = tokens
        self.sockets: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.drained = asyncio.Event()  # every position posted has arrived

    async def open(self, jobs: list[Job], concurrency: int = 32) -> float:
        began = time.perf_counter()
        gate = asyncio.Semaphore(concurrency)
        first = len(self.sockets)

        async def one(index: int, order_id: UUID, driver_id: UUID) -> ClientConnection:
            token = self.tokens.issue(Principal(driver_id, Role.DRIVER))
            server = self.servers[index % 2]
            async with gate:
                ws = await connect(f"ws://{server}/v1/orders/{order_id}/live?access_token={token}", max_queue=None)
                snapshot = json.loads(await ws.recv())
            assert snapshot["type"] == "snapshot", snapshot
            return ws

        opened = await asyncio.gather(*(one(first + k, o, d) for k, (o, d, _) in enumerate(jobs)))
        self.sockets += opened
        self.readers += [asyncio.create_task(self._read(ws)) for ws in opened]
        return time.perf_counter() - began

    async def _read(self, ws: ClientConnection) -> None:
        async for raw in ws:
            arrived = time.perf_counter()
            event = json.loads(raw)
            if event["type"] == "position" and (sent := self.sent_at.pop(event["at"], None)) is not None:
                self.latencies.append(arrived - sent)
                if not self.sent_at:
                    self.drained.set()

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


async def post_positions(
    watchers: Watchers, jobs: list[Job], posts: int, rate: float, limit_s: float
) -> dict[str, Any]:
    """`posts` positions at `rate` a second, each to the server its driver is not connected to."""
    watchers.latencies.clear()
    watchers.sent_at.clear()
    watchers.drained.clear()
    tokens = [watchers.tokens.issue(Principal(t, Role.TECHNICIAN)) for _, _, t in jobs]
    in_flight = asyncio.Semaphore(64)
    rejected = 0

    async def post(client: httpx.AsyncClient, k: int) -> None:
        nonlocal rejected
        who = k % len(jobs)
        async with in_flight:
            # When it was recorded: the key that finds its send time, and the real time the filters expect.
            at = datetime.now(UTC) - timedelta(milliseconds=1)
            stamp = at.isoformat().replace("+00:00", "Z")
            point = {"lat": CENTRE.lat + 0.00001 * (k % 7), "lon": CENTRE.lon, "recorded_at": at.isoformat()}
            watchers.sent_at[stamp] = time.perf_counter()
            try:
                response = await client.post(
                    f"http://{watchers.servers[(who + 1) % 2]}/v1/technicians/me/locations",
                    json={"points": [point]}, headers={"Authorization": f"Bearer {tokens[who]}"},
                )  # fmt: skip
                accepted = response.status_code == 202 and response.json()["accepted"] == 1
            except httpx.HTTPError:
                accepted = False
        if not accepted:
            rejected += 1
            watchers.sent_at.pop(stamp, None)

    began = time.perf_counter()
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64)) as client:
        tasks = []
        async with asyncio.timeout(limit_s):
            for k in range(posts):
                await asyncio.sleep(max(0.0, began + k / rate - time.perf_counter()))
                tasks.append(asyncio.create_task(post(client, k)))
            await asyncio.gather(*tasks)
        if watchers.sent_at:  # the last deliveries, or what was lost
            watchers.drained.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watchers.drained.wait(), timeout=5)
    elapsed = time.perf_counter() - began
    return {"posts": posts, "post_rate_per_s": rate, "rejected_or_failed": rejected, "delivered": len(watchers.latencies),
            "lost": len(watchers.sent_at), "seconds": round(elapsed, 1),
            "post_to_websocket": summary_ms(watchers.latencies), "latencies_s": list(watchers.latencies)}  # fmt: skip


async def fan_out(kind: BrokerKind, jobs: list[Job], sizes: list[int], args: Any) -> dict[str, Any]:
    ports = [free_port(), free_port()]
    processes = [start_server(port, kind) for port in ports]
    watchers = Watchers([f"127.0.0.1:{port}" for port in ports], JwtTokens(DEV_JWT_SECRET, 3600))
    figures: dict[str, Any] = {}
    try:
        opened = 0
        for size in sizes:
            async with asyncio.timeout(args.connect_limit_s):
                seconds = await watchers.open(jobs[opened:size])
            opened = size
            await asyncio.sleep(2)  # the servers settle after the burst of connections
            watched = jobs[:size]
            load_before = os.getloadavg()[0]  # the machine is shared: what else ran is part of the figure
            measured = await post_positions(watchers, watched, args.posts, args.rate, args.post_limit_s)
            figures[str(size)] = {
                "subscribers": size, "connect_seconds": round(seconds, 1), **measured,
                "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
            }  # fmt: skip
            print(f"{kind:>8} {size:>5} subscribers: {measured['post_to_websocket']}", file=sys.stderr)
    finally:
        await watchers.close()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return figures


async def throughput(kind: BrokerKind, messages: int, batch: int, publishers: int, limit_s: float) -> dict[str, Any]:
    """Messages published from `publishers` connections at once, `batch` per call (for PostgreSQL, per
    transaction), and received by a listener on another connection."""
    order_id, technician_id, now = uuid4(), uuid4(), datetime.now(UTC)
    # Each different: PostgreSQL folds identical payloads sent in one transaction into one notification.
    payloads = [
        position_message(order_id, technician_id, CENTRE.lat, CENTRE.lon, 90.0, now + timedelta(microseconds=k))
        for k in range(messages)
    ]
    received = 0
    done = asyncio.Event()

    def deliver(_payload: str) -> None:
        nonlocal received
        received += 1
        if received >= messages:
            done.set()

    async def publish(connection: brokers.Broker, share: list[str]) -> None:
        for start in range(0, len(share), batch):
            await connection.publish(share[start : start + batch])

    listener = await brokers.connect(kind, BROKER_URLS[kind])
    connections = [await brokers.connect(kind, BROKER_URLS[kind]) for _ in range(publishers)]
    try:
        await listener.listen(deliver, lambda: None)
        began = time.perf_counter()
        async with asyncio.timeout(limit_s):
            await asyncio.gather(*(publish(c, payloads[k::publishers]) for k, c in enumerate(connections)))
            published_s = time.perf_counter() - began
            await done.wait()
        received_s = time.perf_counter() - began
    finally:
        for connection in connections:
            await connection.close()
        await listener.close()
    return {"messages": messages, "batch": batch, "publishers": publishers, "payload_bytes": len(payloads[0]),
            "published_per_s": round(messages / published_s), "received_per_s": round(messages / received_s)}  # fmt: skip


async def transport_latency(kind: BrokerKind, messages: int, rate: float, limit_s: float) -> dict[str, Any]:
    """The broker's own share: one message per call at `rate` a second (for PostgreSQL, one NOTIFY per
    transaction, as an ingest commits), from the publish call to its arrival at a listener on another
    connection."""
    order_id, technician_id, now = uuid4(), uuid4(), datetime.now(UTC)
    sent: dict[str, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()

    def deliver(payload: str) -> None:
        arrived = time.perf_counter()
        if (published := sent.pop(payload, None)) is not None:
            latencies.append(arrived - published)
        if len(latencies) >= messages:
            done.set()

    listener = await brokers.connect(kind, BROKER_URLS[kind])
    publisher = await brokers.connect(kind, BROKER_URLS[kind])
    try:
        await listener.listen(deliver, lambda: None)
        began = time.perf_counter()
        async with asyncio.timeout(limit_s):
            for k in range(messages):
                await asyncio.sleep(max(0.0, began + k / rate - time.perf_counter()))
                at = now + timedelta(microseconds=k)
                payload = position_message(order_id, technician_id, CENTRE.lat, CENTRE.lon, 90.0, at)
                sent[payload] = time.perf_counter()
                await publisher.publish([payload])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=5)
    finally:
        await publisher.close()
        await listener.close()
    return {"messages": messages, "rate_per_s": rate, "lost": len(sent), "publish_to_listener": summary_ms(latencies),
            "latencies_s": latencies}  # fmt: skip


THROUGHPUT_CASES = {
    "one_connection_batches_of_100": (100, 1),  # the raw pipe: what one process's publisher can push
    "16_connections_one_per_call": (1, 16),  # many committing transactions at once, one message each
}


async def run(args: Any) -> dict[str, Any]:
    """Every broker once per round, in a rotated order each round: the machine is shared, and what else runs
    on it then falls on every broker alike. Latencies are pooled over the rounds."""
    sizes = sorted(args.subscribers)
    kinds = cast(list[BrokerKind], args.brokers)
    rounds: list[dict[str, Any]] = []
    for number in range(args.rounds):
        order = kinds[number % len(kinds) :] + kinds[: number % len(kinds)]
        measured: dict[str, Any] = {"order": order, "fan_out": {}, "publish_throughput": {}}
        for kind in order:
            jobs = await seed(max(sizes))  # afresh for each: no broker meets the ETAs another one computed
            measured["fan_out"][kind] = await fan_out(kind, jobs, sizes, args)
        for kind in order:
            latency = await transport_latency(kind, args.transport_messages, args.transport_rate, args.post_limit_s)
            measured.setdefault("transport", {})[kind] = latency
            print(f"{kind:>8} publish to listener: {latency['publish_to_listener']}", file=sys.stderr)
            measured["publish_throughput"][kind] = {}
            for case, (batch, publishers) in THROUGHPUT_CASES.items():
                figures = await throughput(kind, args.messages, batch, publishers, args.throughput_limit_s)
                measured["publish_throughput"][kind][case] = figures
                print(f"{kind:>8} throughput, {case}: {figures}", file=sys.stderr)
        rounds.append(measured)

    def pooled(kind: str, size: int) -> dict[str, Any]:
        cases = [r["fan_out"][kind][str(size)] for r in rounds]
        return {
            "subscribers": size, "posts": sum(c["posts"] for c in cases), "delivered": sum(c["delivered"] for c in cases),
            "lost": sum(c["lost"] for c in cases), "rejected_or_failed": sum(c["rejected_or_failed"] for c in cases),
            "post_to_websocket": summary_ms([s for c in cases for s in c["latencies_s"]]),
            "median_ms_by_round": [c["post_to_websocket"]["median_ms"] for c in cases],
            "p99_ms_by_round": [c["post_to_websocket"]["p99_ms"] for c in cases],
        }  # fmt: skip

    def transport(kind: str) -> dict[str, Any]:
        runs = [r["transport"][kind] for r in rounds]
        return {"lost": sum(r["lost"] for r in runs), "publish_to_listener": summary_ms(
            [s for r in runs for s in r.pop("latencies_s")])}  # fmt: skip

    def received_per_s(kind: str, case: str) -> float:
        return float(statistics.median(r["publish_throughput"][kind][case]["received_per_s"] for r in rounds))

    fan_out_figures = {kind: {str(size): pooled(kind, size) for size in sizes} for kind in kinds}
    transport_figures = {kind: transport(kind) for kind in kinds}
    for measured in rounds:
        for by_size in measured["fan_out"].values():
            for case in by_size.values():
                case.pop("latencies_s")
    return {
        "settings": {"posts": args.posts, "rate_per_s": args.rate, "rounds": args.rounds, "messages": args.messages},
        "fan_out": fan_out_figures,
        "transport": transport_figures,
        "publish_throughput_received_per_s": {
            kind: {case: received_per_s(kind, case) for case in THROUGHPUT_CASES} for kind in kinds
        },
        "table": [
            {"broker": kind, "subscribers": size,
             **{k: fan_out_figures[kind][str(size)]["post_to_websocket"][k] for k in ("median_ms", "p99_ms")},
             **{f"publish_to_listener_{k}": transport_figures[kind]["publish_to_listener"][k]
                for k in ("median_ms", "p99_ms")},
             **{f"{case}_per_s": received_per_s(kind, case) for case in THROUGHPUT_CASES}}
            for kind in kinds for size in sizes
        ],
        "rounds": rounds,
    }  # fmt: skip


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--brokers", nargs="+", default=["postgres", "redis", "nats"],
                           choices=["postgres", "redis", "nats"])  # fmt: skip
    arguments.add_argument("--subscribers", type=int, nargs="+", default=[1000, 5000])
    arguments.add_argument("--posts", type=int, default=600, help="positions posted per case")
    # Below what the two servers can ingest on two cores, so that the figure is the path, not a queue.
    arguments.add_argument("--rate", type=float, default=20.0, help="positions posted per second")
    arguments.add_argument("--messages", type=int, default=20_000, help="messages per throughput run")
    arguments.add_argument("--rounds", type=int, default=2, help="every broker once per round, order rotated")
    arguments.add_argument("--transport-messages", type=int, default=2000, help="messages timed publish to listener")
    arguments.add_argument("--transport-rate", type=float, default=200.0, help="those messages per second")
    arguments.add_argument("--connect-limit-s", type=float, default=300.0)
    arguments.add_argument("--post-limit-s", type=float, default=120.0)
    arguments.add_argument("--throughput-limit-s", type=float, default=120.0)
    args = arguments.parse_args()
    figures = asyncio.run(run(args))
    report("fanout", figures, args.json or Path("bench/results/fanout.json"))


if __name__ == "__main__":
    main()
