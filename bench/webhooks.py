"""Partner webhooks: a backlog of 10,000 events drained by the real webhooks worker to a local receiver
(another process), and commit-to-delivery latency at a steady 500 events/s. Baseline in the same run: the
same number of signed POSTs sent straight from one process, no outbox, with the worker's HTTP client
(aiohttp) and, for comparison, with httpx.

Targets on a 2-core machine: 500 events/s delivered; p99 commit-to-delivery < 2 s at 500 events/s.
"""

import asyncio
import json
import os
import sys
import time
from typing import Any
from uuid import UUID, uuid4

import aiohttp
import httpx
from sqlalchemy import insert, text

from app import clock
from app.channels import WEBHOOKS_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker, recreate_database, transaction, upgrade_schema
from app.enums import Role
from app.users.models import Driver, User
from bench.common import parser, report, summary_ms
from trustloop.processes import free_port
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.signing import signature

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_webhooks"
BACKLOG = 10_000
ORDERS = 2_000
SECRET = "whsec_bench"
CONCURRENCY = 32  # the worker's default (TRUSTLOOP_WEBHOOK_CONCURRENCY)


def body_of(event_id: UUID, order_id: UUID) -> str:
    order = {"id": str(order_id), "status": "en_route", "service": "tow", "technician": {"name": "Greta L."}}
    return json.dumps({"id": str(event_id), "type": "order.en_route", "created_at": "2026-12-02T08:00:00+00:00",
                       "data": {"order": order}}, separators=(",", ":"))  # fmt: skip


async def prepare(sessions: Any) -> tuple[UUID, list[UUID]]:
    """A partner and its orders, written straight to the tables (the benchmark measures delivery)."""
    partner_id = uuid4()
    orders = [uuid4() for _ in range(ORDERS)]
    async with transaction(sessions) as session:
        session.add(User(id=partner_id, role=Role.PARTNER, name="Bench Insurance"))
        await session.flush()
        await session.execute(text(
            "INSERT INTO partners (id, name, kind, webhook_url, webhook_secret) VALUES (:id, 'Bench', 'insurer', '', :s)"
        ), {"id": partner_id, "s": SECRET})  # fmt: skip
        drivers = [uuid4() for _ in range(ORDERS)]
        await session.execute(insert(User), [{"id": d, "role": Role.DRIVER} for d in drivers])
        await session.execute(insert(Driver), [{"id": d} for d in drivers])
        await session.execute(text(
            "INSERT INTO orders (id, driver_id, service, status, location, partner_id, updated_at) "
            "SELECT o, d, 'tow', 'en_route', ST_GeogFromText('POINT(24.94 60.17)'), :p, now() "
            "FROM unnest(CAST(:orders AS uuid[]), CAST(:drivers AS uuid[])) AS t(o, d)"
        ), {"orders": orders, "drivers": drivers, "p": partner_id})  # fmt: skip
    return partner_id, orders


def delivery_rows(
    partner_id: UUID, orders: list[UUID], count: int, url: str, at: Any, first: int = 0
) -> list[dict[str, Any]]:
    """`count` events for the orders in turn, from the `first`-th on."""
    rows = []
    for n in range(first, first + count):
        event_id, order_id = uuid4(), orders[n % len(orders)]
        rows.append({"event_id": event_id, "event_type": "order.en_route", "partner_id": partner_id,
                     "order_id": order_id, "url": url, "body": body_of(event_id, order_id),
                     "status": DeliveryStatus.PENDING, "attempts": 0, "next_attempt_at": at,
                     "retry_until": at, "created_at": at})  # fmt: skip
    return rows


async def write_events(sessions: Any, rows: list[dict[str, Any]]) -> float:
    async with transaction(sessions) as session:
        await session.execute(insert(WebhookDelivery), rows)
        await session.execute(text("SELECT pg_notify(:c, '')"), {"c": WEBHOOKS_CHANNEL})
    return time.time()


async def received(receiver: str) -> dict[str, float]:
    async with httpx.AsyncClient(timeout=60) as client:
        found: dict[str, float] = (await client.get(receiver)).json()
        return found


def signed(event_id: UUID) -> tuple[bytes, dict[str, str]]:
    body = body_of(event_id, uuid4()).encode()
    return body, {"Trustloop-Signature": signature(SECRET, int(time.time()), body),
                  "Trustloop-Event-Id": str(event_id), "Content-Type": "application/json"}  # fmt: skip


async def baseline(url: str, count: int) -> dict[str, Any]:
    """The same POSTs, signed, sent by one client (the worker's, aiohttp) with the worker's concurrency: what
    the wire and the receiver allow."""
    limit = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY, limit_per_host=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as client:

        async def send(n: int) -> None:
            body, headers = signed(uuid4())
            async with limit, client.post(url, data=body, headers=headers) as response:
                await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(send(n) for n in range(count)))
        elapsed = time.perf_counter() - started
    return {"events": count, "seconds": round(elapsed, 2), "events_per_s": round(count / elapsed, 1)}


async def baseline_httpx(url: str, count: int) -> dict[str, Any]:
    """The same with httpx (the worker's client before): its cost per request on a small machine."""
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY)) as client:

        async def send(n: int) -> None:
            body, headers = signed(uuid4())
            async with limit:
                await client.post(url, content=body, headers=headers)

        started = time.perf_counter()
        await asyncio.gather(*(send(n) for n in range(count)))
        elapsed = time.perf_counter() - started
    return {"events": count, "seconds": round(elapsed, 2), "events_per_s": round(count / elapsed, 1)}


async def run(steady_rate: int, steady_seconds: int) -> dict[str, Any]:
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, BENCH_DATABASE_URL)
    engine = make_engine(BENCH_DATABASE_URL, 4)
    sessions = make_sessionmaker(engine)
    port = free_port()
    receiver = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "bench.webhook_receiver:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    )
    url = f"http://127.0.0.1:{port}/hooks"
    figures: dict[str, Any] = {}
    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_LOG_LEVEL": "WARNING"}
    worker = None
    try:
        await asyncio.sleep(1)
        figures["baseline_direct"] = await baseline(url, BACKLOG)
        figures["baseline_direct_httpx"] = await baseline_httpx(url, BACKLOG)
        partner_id, orders = await prepare(sessions)
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "trustloop.cli", "worker", "webhooks", env=env, stderr=asyncio.subprocess.DEVNULL
        )
        await asyncio.sleep(2)  # the worker is up and listening
        # The backlog: 10,000 events committed at once (five per order), then drained in order per order.
        rows = delivery_rows(partner_id, orders, BACKLOG, url, clock.now())
        committed = await write_events(sessions, rows)
        wanted = {str(r["event_id"]) for r in rows}
        deadline = time.time() + 300
        while time.time() < deadline:
            got = await received(url)
            if wanted <= got.keys():
                break
            await asyncio.sleep(0.5)
        got = await received(url)
        done = max(got[e] for e in wanted if e in got)
        delivered = len(wanted & got.keys())
        figures["backlog"] = {"events": BACKLOG, "delivered": delivered, "seconds": round(done - committed, 2),
                              "events_per_s": round(delivered / (done - committed), 1)}  # fmt: skip
        figures["backlog"]["ratio_to_direct"] = round(
            figures["backlog"]["events_per_s"] / figures["baseline_direct"]["events_per_s"], 3
        )
        # Steady load: batches every 100 ms adding up to `steady_rate` events a second, spread over the orders
        # in turn (each of the 2,000 gets one every 4 s, as orders do: a few events over minutes). Events of
        # one order go one at a time, so a few orders taking 10 events/s each would measure that rule instead.
        commits: dict[str, float] = {}
        per_tick = max(1, steady_rate // 10)
        started = time.perf_counter()
        for tick in range(steady_seconds * 10):
            rows = delivery_rows(partner_id, orders, per_tick, url, clock.now(), first=tick * per_tick)
            at = await write_events(sessions, rows)
            commits.update({str(r["event_id"]): at for r in rows})
            await asyncio.sleep(max(0.0, started + (tick + 1) * 0.1 - time.perf_counter()))
        offered = len(commits) / (time.perf_counter() - started)  # what the writer kept up, not the nominal rate
        await asyncio.sleep(5)
        got = await received(url)
        latencies = [got[e] - t for e, t in commits.items() if e in got]
        figures["steady"] = {"rate_per_s": steady_rate, "offered_per_s": round(offered, 1),
                             "seconds": steady_seconds, "events": len(commits), "delivered": len(latencies), "commit_to_delivery": summary_ms(latencies)}  # fmt: skip
    finally:
        if worker is not None:
            worker.terminate()
            await asyncio.wait_for(worker.wait(), timeout=20)
        receiver.terminate()
        await receiver.wait()
        await engine.dispose()
    return figures


def main() -> None:
    arguments = parser(__doc__ or "").parse_args()
    Settings()  # the same settings validation as the services
    figures = asyncio.run(run(steady_rate=500, steady_seconds=20))
    report("webhooks", figures, arguments.json)


if __name__ == "__main__":
    main()
