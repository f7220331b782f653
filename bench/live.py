"""Live tracking on a real server (uvicorn, two worker processes): location ingest throughput and latency,
and fan-out latency from the POST of a position to its arrival at a subscribed WebSocket, with 1,000
drivers watching. Memory per connection from the server processes' resident size.

The same ingest and fan-out are measured first on a server with Python's own garbage collector threshold, 700
(`baseline_collector_threshold_700`; startup's objects are frozen in both), then on one with the product's.

Targets on a 2-core machine: ingest >= 2,000 points/s at p99 < 50 ms; fan-out p99 < 100 ms at 1,000 subscribers.
"""

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy import insert, text
from websockets.asyncio.client import connect

from app.auth.tokens import JwtTokens, Principal
from app.config import DEV_JWT_SECRET, Settings
from app.db import make_engine, recreate_database, upgrade_schema
from app.enums import Role, Service
from app.geo import Point, to_geography
from app.orders.models import Order, OrderStatus
from app.technicians.models import Technician
from app.users.models import Driver, User
from bench.common import parser, report, summary_ms
from bench.routing import liechtenstein_osrm
from trustloop.processes import free_port, spawn_until_up

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_live"
CENTRE = Point(lat=47.14, lon=9.52)


async def seed(technicians: int, jobs: int) -> tuple[list[UUID], list[tuple[UUID, UUID, UUID]]]:
    """Technicians (the first `jobs` of them en route to a driver each); returns ids and (order, driver, tech)."""
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    engine = make_engine(BENCH_DATABASE_URL, 2)
    tech_ids = [uuid4() for _ in range(technicians)]
    jobs_list = [(uuid4(), uuid4(), tech_ids[k]) for k in range(jobs)]
    start = datetime.now(UTC) - timedelta(hours=1)
    async with engine.begin() as connection:
        await connection.execute(insert(User), [{"id": t, "role": Role.TECHNICIAN} for t in tech_ids]
                                 + [{"id": d, "role": Role.DRIVER} for _, d, _ in jobs_list])  # fmt: skip
        if jobs_list:  # an empty list would be one row of defaults
            await connection.execute(insert(Driver), [{"id": d} for _, d, _ in jobs_list])
        await connection.execute(insert(Technician), [
            {"id": t, "name": f"T{k}", "skills": ["tow"], "online": True, "position": to_geography(CENTRE), "position_at": start}
            for k, t in enumerate(tech_ids)
        ])  # fmt: skip
        if jobs_list:
            await connection.execute(insert(Order), [
                {"id": o, "driver_id": d, "technician_id": t, "service": Service.TOW, "status": OrderStatus.EN_ROUTE,
                 "location": to_geography(Point(lat=CENTRE.lat + 0.02, lon=CENTRE.lon)), "created_at": start, "updated_at": start}
                for o, d, t in jobs_list
            ])  # fmt: skip
        await connection.execute(text("ANALYZE"))
    await engine.dispose()
    return tech_ids, jobs_list


def start_server(port: int, osrm_url: str, **settings: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_OSRM_URL": osrm_url,
           "TRUSTLOOP_LOCATION_REQUESTS_PER_WINDOW": "1000", "TRUSTLOOP_ETA_REFRESH_S": "3600", **settings}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "trustloop.asgi:app", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2", "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return spawn_until_up(command, f"http://127.0.0.1:{port}/healthz", env=env)


def resident_kib(root: int) -> int:
    """Resident memory of the server: the master and its worker processes."""
    pids = [root] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(root)], capture_output=True, text=True).stdout.split()
    ]
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def ingest(
    base: str, tokens: list[str], requests: int, points_per_request: int, concurrency: int
) -> dict[str, Any]:
    latencies: list[float] = []
    moments = [0.0] * len(tokens)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for k in range(requests):
        queue.put_nowait(k)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            k = queue.get_nowait()
            who = k % len(tokens)
            now = datetime.now(UTC)
            points = []
            for p in range(points_per_request):
                moments[who] += 1.0
                at = now - timedelta(seconds=points_per_request - p)
                points.append(
                    {
                        "lat": CENTRE.lat + random.uniform(-0.01, 0.01) * 0.01,
                        "lon": CENTRE.lon,
                        "recorded_at": at.isoformat(),
                    }
                )
            started = time.perf_counter()
            response = await client.post(f"{base}/v1/technicians/me/locations", json={"points": points},
                                         headers={"Authorization": f"Bearer {tokens[who]}"})  # fmt: skip
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 202, response.text

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return {"requests": requests, "points_per_request": points_per_request, "concurrency": concurrency,
            "seconds": round(elapsed, 2), "points_per_s": round(requests * points_per_request / elapsed),
            "latency": summary_ms(latencies)}  # fmt: skip


def wrk_locations(base: str, tokens: list[str], seconds: int, connections: int, threads: int) -> dict[str, Any]:
    """wrk posting location batches of five (bench/ingest.lua) for these technicians' tokens, each wrk thread with
    its own share of them; its RESULT line: requests, accepted points, duration and latencies in microseconds."""
    with tempfile.TemporaryDirectory() as directory:
        token_file = Path(directory) / "tokens.txt"
        token_file.write_text("\n".join(tokens) + "\n")
        script = Path(__file__).with_name("ingest.lua")
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base, "--",
             str(token_file), str(threads)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(next(line for line in output.splitlines() if line.startswith("RESULT "))[7:])
    return result


def ingest_with_wrk(base: str, tokens: list[str], seconds: int, connections: int) -> dict[str, Any] | None:
    """The same ingest driven by wrk (C, two threads): the Python client above spends a core of its own."""
    if shutil.which("wrk") is None:
        return None
    result = wrk_locations(base, tokens, seconds, connections, threads=2)
    seconds_taken = result["duration_us"] / 1e6
    return {
        "requests": result["requests"], "points_per_request": 5, "connections": connections,
        "points_per_s": round(result["requests"] * 5 / seconds_taken),
        "accepted_points_per_s": round(result["accepted_points"] / seconds_taken), "non_2xx": result["non_2xx"],
        "latency": {name: round(result[f"{name}_us"] / 1000, 2) for name in ("p50", "p90", "p99", "max")},
    }  # fmt: skip


async def fan_out(base: str, ws_base: str, jobs: list[tuple[UUID, UUID, UUID]], tokens: JwtTokens, posts: int,
                  rate: float, server_pid: int) -> dict[str, Any]:  # fmt: skip
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    before = resident_kib(server_pid)
    sockets = []
    for order_id, driver_id, _ in jobs:
        token = tokens.issue(Principal(driver_id, Role.DRIVER))
        ws = await connect(f"{ws_base}/v1/orders/{order_id}/live?access_token={token}", max_queue=None)
        snapshot = json.loads(await ws.recv())
        assert snapshot["type"] == "snapshot"
        sockets.append(ws)
    await asyncio.sleep(1)
    after = resident_kib(server_pid)

    async def listen(ws: Any) -> None:
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "position":
                key = event["at"]
                if key in sent_at:
                    latencies.append(time.time() - sent_at[key])

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    async with httpx.AsyncClient(timeout=30) as client:
        for k in range(posts):
            _, _, technician_id = jobs[k % len(jobs)]
            at = datetime.now(UTC) - timedelta(milliseconds=1)
            stamp = at.isoformat().replace("+00:00", "Z")
            sent_at[stamp] = time.time()
            token = tokens.issue(Principal(technician_id, Role.TECHNICIAN))
            point = {"lat": CENTRE.lat + 0.0001 * (k % 7), "lon": CENTRE.lon, "recorded_at": at.isoformat()}
            response = await client.post(f"{base}/v1/technicians/me/locations", json={"points": [point]},
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            assert response.json()["accepted"] == 1, response.text
            await asyncio.sleep(1 / rate)
    await asyncio.sleep(2)
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return {"subscribers": len(sockets), "posts": posts, "post_rate_per_s": rate, "delivered": len(latencies),
            "post_to_websocket": summary_ms(latencies),
            "server_rss_kib": {"before_connections": before, "with_connections": after},
            "memory_per_connection_kib": round((after - before) / len(sockets), 1)}  # fmt: skip


async def run(args: Any) -> dict[str, Any]:
    technician_ids, jobs = await seed(args.technicians, args.subscribers)
    tokens = JwtTokens(DEV_JWT_SECRET, 3600)
    port = free_port()
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    idle = list(technician_ids[len(jobs) :])
    technician_tokens = [tokens.issue(Principal(t, Role.TECHNICIAN)) for t in idle]
    half = len(technician_tokens) // 2

    async def measured(server: subprocess.Popen[bytes]) -> dict[str, Any]:
        return {
            # The same technicians never post twice in a window: each phase has its own half of the fleet.
            "ingest": await ingest(base, technician_tokens[:half], args.requests, args.points, args.concurrency),
            "ingest_larger_batches": await ingest(
                base, technician_tokens[half:], args.requests // 2, args.points * 2, max(1, args.concurrency // 2)
            ),
            "fan_out": await fan_out(base, ws_base, jobs, tokens, args.posts, args.rate, server.pid),
        }

    with liechtenstein_osrm() as osrm_url:
        # The baseline first: the server with Python's own collector threshold (app/collector.py).
        server = start_server(port, osrm_url, TRUSTLOOP_COLLECTOR_THRESHOLD="700")
        try:
            baseline = await measured(server)
        finally:
            server.terminate()
            server.wait(timeout=20)
        await asyncio.sleep(2)
        server = start_server(port, osrm_url, TRUSTLOOP_COLLECTOR_THRESHOLD=str(Settings().collector_threshold))
        try:
            figures: dict[str, Any] = {**await measured(server), "baseline_collector_threshold_700": baseline}
            # A fresh share of the fleet after a pause, so no technician's last fix is newer than wrk's.
            fresh = [tokens.issue(Principal(t, Role.TECHNICIAN)) for t in technician_ids[len(jobs) :]]
            for connections in (8, 16):
                figures[f"ingest_wrk_c{connections}"] = await asyncio.to_thread(
                    ingest_with_wrk, base, fresh, args.wrk_seconds, connections
                )
                await asyncio.sleep(2)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return figures


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--technicians", type=int, default=5000)
    arguments.add_argument("--subscribers", type=int, default=1000)
    arguments.add_argument("--requests", type=int, default=3000, help="ingest requests")
    arguments.add_argument("--points", type=int, default=5, help="points per ingest request")
    arguments.add_argument("--concurrency", type=int, default=16)
    arguments.add_argument("--posts", type=int, default=600, help="positions posted while 1,000 drivers watch")
    arguments.add_argument("--rate", type=float, default=50.0, help="positions per second while they watch")
    arguments.add_argument("--wrk-seconds", type=int, default=10, help="duration of each wrk ingest run")
    args = arguments.parse_args()
    figures = asyncio.run(run(args))
    report("live", figures, args.json or Path("bench/results/live.json"))


if __name__ == "__main__":
    main()
