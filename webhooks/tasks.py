"""The webhooks worker: sends as soon as an event commits (NOTIFY), and every interval for the retries.

Several pumps share one sender, each claiming its own batch (SKIP LOCKED), so that one batch is being
claimed or recorded while others are on the wire. Order per order holds whatever the number: an event is
not claimed while an earlier one of its order is still waiting, in flight included."""

import asyncio
import logging

import aiohttp

from app.channels import WEBHOOKS_CHANNEL
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.wakeups import listening, wait_for_work
from webhooks.sender import Sender, SenderConfig, connector_for

log = logging.getLogger("trustloop.webhooks")

PUMPS = 4


async def run_webhooks(settings: Settings, stop: asyncio.Event) -> None:
    engine = make_engine(settings.database_url, PUMPS)
    config = SenderConfig.from_settings(settings)
    connector = connector_for(config)
    async with aiohttp.ClientSession(connector=connector) as client:
        sender = Sender(make_sessionmaker(engine), client, config)
        try:
            async with listening(settings.database_url, WEBHOOKS_CHANNEL) as wake:
                await asyncio.gather(*(pump(sender, wake, stop, settings.webhook_interval_s) for _ in range(PUMPS)))
        finally:
            await engine.dispose()


async def pump(sender: Sender, wake: asyncio.Event, stop: asyncio.Event, interval_s: float) -> None:
    while not stop.is_set():
        await wait_for_work(wake, stop, interval_s)
        while not stop.is_set():  # drain what is due before sleeping again
            try:
                report = await sender.send_due()
            except Exception:
                log.exception("webhook batch failed; retrying after the interval")
                break
            if report.sent == 0:
                break
            log.debug("webhooks: %s", report)
            wake.set()  # the next events of the orders just settled are due now: idle pumps look too
