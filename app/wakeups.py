"""Shared plumbing for worker loops: wake on NOTIFY or on a timer, stop cleanly."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def listening(database_url: str, channel: str) -> AsyncIterator[asyncio.Event]:
    """An event set whenever a NOTIFY arrives on the channel (and once at start, to catch up)."""
    wake = asyncio.Event()
    wake.set()
    connection = await asyncpg.connect(asyncpg_dsn(database_url))

    def on_notify(*_: object) -> None:
        wake.set()

    await connection.add_listener(channel, on_notify)
    try:
        yield wake
    finally:
        with contextlib.suppress(Exception):
            await connection.close()


async def wait_for_work(wake: asyncio.Event, stop: asyncio.Event, interval_s: float) -> None:
    """Returns when woken, when the interval has passed, or when asked to stop."""
    waiters = {asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())}
    try:
        await asyncio.wait(waiters, timeout=interval_s, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    wake.clear()
