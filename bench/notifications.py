"""Push outbox: drain a backlog of 10,000 notifications through the real firebase-admin SDK and a local
FCM stand-in, and the commit-to-send latency at a steady load, with the notifications worker running as
in production. Baseline in the same run: the bare SDK sending the same number of messages, no outbox.

Targets on a 2-core machine: the backlog drains in < 60 s; p99 commit-to-send < 2 s at steady load.
"""

import asyncio
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from firebase_admin import messaging
from sqlalchemy import func, insert, select, text

from app.channels import NOTIFICATIONS_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker, recreate_database, transaction, upgrade_schema
from app.enums import Role
from app.users.models import User
from bench.common import parser, report, summary_ms
from notifications.fcm import FcmGateway
from notifications.models import Device, Notification, NotificationStatus
from tests.conftest import start_fcm_standin
from tools.fcm_standin import write_service_account
from trustloop.processes import free_port

BENCH_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/trustloop_bench_push"
BACKLOG = 10_000
USERS = 2_000


async def received_times(standin: str) -> dict[str, float]:
    async with httpx.AsyncClient(timeout=60) as client:
        items = (await client.get(f"{standin}/received")).json()["received"]
    return {item["message"]["data"]["notification_id"]: item["at"] for item in items}


async def baseline(credentials: Path, standin: str, count: int) -> dict[str, Any]:
    gateway = FcmGateway(credentials, standin)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # registration tokens, as the apps send them
        batch = [messaging.Message(token=f"baseline-{i}", data={"type": "bench"}) for i in range(count)]
    started = time.perf_counter()
    responses = await gateway.send(batch)
    elapsed = time.perf_counter() - started
    await gateway.aclose()
    assert all(r.success for r in responses)
    return {"messages": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed)}


async def run(credentials: Path, standin: str, steady_rate: int, steady_seconds: int) -> dict[str, Any]:
    settings = Settings(database_url=BENCH_DATABASE_URL)
    await recreate_database(BENCH_DATABASE_URL)
    await asyncio.to_thread(upgrade_schema, settings.database_url)
    engine = make_engine(BENCH_DATABASE_URL, 4)
    sessions = make_sessionmaker(engine)
    users = [uuid4() for _ in range(USERS)]
    async with transaction(sessions) as session:
        await session.execute(insert(User), [{"id": u, "role": Role.DRIVER} for u in users])
        await session.execute(
            insert(Device), [{"id": uuid4(), "user_id": u, "token": f"phone-{u}", "platform": "android"} for u in users]
        )

    figures: dict[str, Any] = {"baseline_bare_sdk": await baseline(credentials, standin, 2_000)}
    await asyncio.to_thread(httpx.post, f"{standin}/reset")

    env = {**os.environ, "TRUSTLOOP_DATABASE_URL": BENCH_DATABASE_URL, "TRUSTLOOP_FCM_CREDENTIALS": str(credentials),
           "TRUSTLOOP_FCM_ENDPOINT": standin}  # fmt: skip
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trustloop.cli", "worker", "notifications", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await asyncio.sleep(2)  # the worker is up and listening
        # The backlog: 10,000 pushes committed at once (five per person), then the worker drains them.
        async with transaction(sessions) as session:
            await session.execute(
                insert(Notification),
                [{"id": uuid4(), "user_id": users[i % USERS], "kind": "en_route", "params": {"technician": "Anna"}}
                 for i in range(BACKLOG)],
            )  # fmt: skip
            await session.execute(text("SELECT pg_notify(:c, '')"), {"c": NOTIFICATIONS_CHANNEL})
        started = time.perf_counter()
        while True:
            async with sessions() as session:
                left = await session.scalar(
                    select(func.count()).where(Notification.status == NotificationStatus.PENDING)
                )
            if not left:
                break
            await asyncio.sleep(0.2)
        drained = time.perf_counter() - started
        figures["backlog"] = {
            "notifications": BACKLOG,
            "seconds": round(drained, 2),
            "per_second": round(BACKLOG / drained),
        }
        figures["backlog"]["outbox_over_bare_sdk_rate"] = round(
            figures["backlog"]["per_second"] / figures["baseline_bare_sdk"]["per_second"], 3
        )

        # Steady load: one commit every 1/rate seconds, each one push; latency = stand-in receipt - commit.
        await asyncio.to_thread(httpx.post, f"{standin}/reset")
        committed: dict[str, float] = {}
        interval = 1 / steady_rate
        next_at = time.perf_counter()
        for k in range(steady_rate * steady_seconds):
            notification_id = uuid4()
            async with transaction(sessions) as session:
                session.add(Notification(id=notification_id, user_id=users[k % USERS], kind="arrived", params={}))
                await session.execute(text("SELECT pg_notify(:c, '')"), {"c": NOTIFICATIONS_CHANNEL})
            committed[str(notification_id)] = time.time()
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await asyncio.sleep(3)
        arrivals = await received_times(standin)
        latencies = sorted(arrivals[n] - t for n, t in committed.items() if n in arrivals)
        figures["steady"] = {
            "rate_per_s": steady_rate,
            "seconds": steady_seconds,
            "delivered": len(latencies),
            "committed": len(committed),
            "commit_to_send": summary_ms(latencies),
        }
    finally:
        worker.terminate()
        await asyncio.wait_for(worker.wait(), timeout=20)
        await engine.dispose()
    return figures


def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--rate", type=int, default=50, help="pushes per second at steady load")
    arguments.add_argument("--seconds", type=int, default=20, help="duration of the steady load")
    args = arguments.parse_args()
    port = free_port()
    standin = start_fcm_standin(port)
    try:
        with tempfile.TemporaryDirectory() as directory:
            credentials = write_service_account(
                Path(directory) / "service-account.json", f"http://127.0.0.1:{port}/token", "trustloop-bench"
            )
            figures = asyncio.run(run(credentials, f"http://127.0.0.1:{port}", args.rate, args.seconds))
    finally:
        standin.terminate()
        standin.wait(timeout=10)
    report("notifications", figures, args.json or Path("bench/results/notifications.json"))


if __name__ == "__main__":
    main()
