"""Two real dispatcher processes at once: woken by NOTIFY, serialised by the region's advisory lock."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import asyncpg
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.wakeups import asyncpg_dsn
from dispatch.models import Offer, OfferStatus
from tests.conftest import KAISANIEMENKATU, KAIVOKATU, MIKONKATU, UNIONINKATU, Api


@pytest.fixture
def two_dispatchers(app: FastAPI, settings: Settings) -> Iterator[list[subprocess.Popen[bytes]]]:
    env = {
        **os.environ,
        "TRUSTLOOP_DATABASE_URL": make_url(settings.database_url)
        .update_query_dict({"application_name": NAME})
        .render_as_string(hide_password=False),
        "TRUSTLOOP_OSRM_URL": settings.effective_osrm_url,
        "TRUSTLOOP_REGION": "helsinki",
        # A long interval: only a NOTIFY can make them act quickly.
        "TRUSTLOOP_DISPATCH_INTERVAL_S": "60",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "trustloop.cli", "worker", "dispatch"], env=env, stderr=subprocess.DEVNULL
        )
        for _ in range(2)
    ]
    try:
        wait_until_listening(settings.database_url, processes, timeout_s=60)
        yield processes
    finally:  # stopped whatever happened: a dispatcher left running would make offers for the tests after
        for process in processes:
            process.terminate()
    for process in processes:
        assert process.wait(timeout=10) == 0


NAME = "dispatcher-under-test"


def wait_until_listening(database_url: str, processes: list[subprocess.Popen[bytes]], timeout_s: float) -> None:
    """Until `count` dispatchers have a connection whose last statement was their LISTEN: a slow start-up
    (imports, the first connection) must not pass for a missed NOTIFY."""

    async def listening() -> int:
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            found = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'", NAME
            )
        finally:
            await connection.close()
        return int(found)

    deadline = time.monotonic() + timeout_s
    while asyncio.run(listening()) < len(processes):
        assert all(process.poll() is None for process in processes), "a dispatcher exited while starting"
        assert time.monotonic() < deadline, "the dispatchers never started listening"
        time.sleep(0.1)


async def wait_for_pending(sessions: async_sessionmaker[AsyncSession], count: int, timeout_s: float) -> list[Offer]:
    deadline = time.monotonic() + timeout_s
    while True:
        async with sessions() as session:
            pending = list((await session.execute(select(Offer).where(Offer.status == OfferStatus.PENDING))).scalars())
        if len(pending) >= count or time.monotonic() > deadline:
            return pending
        await asyncio.sleep(0.1)


async def test_two_processes_never_double_book_and_wake_on_notify(
    two_dispatchers: list[subprocess.Popen[bytes]], api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    spots = [KAISANIEMENKATU, UNIONINKATU, KAIVOKATU, MIKONKATU]
    for i, spot in enumerate(spots):
        await api.technician(at=spot, name=f"T{i}")
    started = time.monotonic()
    for spot in spots * 2:  # eight orders for four technicians
        await api.order(await api.driver(), at=spot)
    pending = await wait_for_pending(sessions, 4, timeout_s=10)
    assert time.monotonic() - started < 10  # woken by NOTIFY, not by the 60 s timer
    await asyncio.sleep(1.0)  # give a double booking every chance to appear
    async with sessions() as session:
        pending = list((await session.execute(select(Offer).where(Offer.status == OfferStatus.PENDING))).scalars())
    assert len(pending) == 4
    assert len({o.order_id for o in pending}) == 4
    assert len({o.technician_id for o in pending}) == 4
    assert all(process.poll() is None for process in two_dispatchers)
